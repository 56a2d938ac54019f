"""The staff menu comes in groups: each role sees only the groups it may use, a group of
one link is that link, and the page shown is marked for assistive technology."""

from __future__ import annotations

import re

import pytest

from safepassage.accounts.models import Role
from safepassage.base import shell
from safepassage.testing.members import make_member, signed_in_client

pytestmark = pytest.mark.django_db

R = Role.Code


@pytest.fixture
def registries(monkeypatch):
    monkeypatch.setattr(shell, "_GROUPS", dict(shell._GROUPS))
    monkeypatch.setattr(shell, "_NAV", dict(shell._NAV))


def page(role: str, path: str = "/dashboard/") -> str:
    return signed_in_client(make_member(role)).get(path).content.decode()


def row(html: str) -> str:
    return re.search(r'<ul class="nav-row">(.*?)</ul>\s*<details class="nav-compact">', html, re.S)[
        1
    ]


def menus(html: str) -> dict[str, list[str]]:
    """The wide row's menus: each summary with the labels of its links."""
    found = re.findall(r"<summary[^>]*>([^<]*)</summary>\s*<ul>(.*?)</ul>", row(html), re.S)
    return {label: re.findall(r">([^<]+)</a>", links) for label, links in found}


def plain_links(html: str) -> list[str]:
    """The row's links that stand alone, outside any menu."""
    return re.findall(r'<li><a href="[^"]*"[^>]*>([^<]*)</a></li>\s*(?:<li><details|$)', row(html))


def test_the_director_sees_every_group_in_order_each_as_a_menu():
    html = page(R.DIRECTOR)

    assert list(menus(html)) == ["Cases", "Rescue", "Money", "Hope Sharing", "Administration"]
    assert menus(html)["Money"] == ["Funds", "Donations", "Expenses", "Donors", "Receipts"]
    assert menus(html)["Administration"] == ["Staff", "Teams"]
    # Reports has one entry: a group with one entry shows as that link.
    assert plain_links(html) == ["Dashboard", "Reports", "Account"]


@pytest.mark.parametrize(
    ("role", "groups"),
    [
        (R.CASE_WORKER, ["Cases"]),
        (R.RESCUE_COORDINATOR, ["Rescue", "Hope Sharing"]),
        (R.FINANCE, ["Money", "Hope Sharing"]),
        (R.COMMUNICATIONS, ["Hope Sharing"]),
        (R.ADVOCACY, []),
    ],
)
def test_each_role_sees_only_the_groups_holding_an_entry_it_may_use(role, groups):
    html = page(role)

    assert list(menus(html)) == groups
    assert "Administration" not in html


def test_a_group_with_one_entry_for_the_user_is_a_plain_link(registries):
    shell.register_nav_group(order=600, key="reports", label="Reports")
    shell.register_nav(
        order=600,
        url_name="web:health",
        label="Reports due",
        capability="funds.view",
        group="reports",
    )

    html = page(R.FINANCE)

    assert "Reports" not in menus(html)
    assert re.search(r'<li><a href="/health/">Reports due</a></li>', row(html))


def test_the_current_page_is_marked_in_both_menus_and_its_group_too():
    html = page(R.CASE_WORKER, "/people/")

    assert html.count('<a href="/people/" aria-current="page">People</a>') == 2
    assert html.count('aria-current="page"') == 2
    assert '<summary class="current">Cases</summary>' in html


def test_the_phone_menu_is_one_disclosure_with_every_group_as_a_labelled_list():
    html = page(R.DIRECTOR)

    compact = re.search(
        r'<details class="nav-compact"><summary>Menu</summary>(.*?)</details>', html, re.S
    )[1]
    assert re.findall(r'class="nav-heading" id="nav-(\w+)">', compact) == [
        "cases",
        "rescue",
        "money",
        "hope",
        "admin",
    ]
    assert '<ul aria-labelledby="nav-money">' in compact
    assert "<details" not in compact


def test_an_entry_in_a_group_nobody_registered_is_refused_at_once(registries):
    shell.register_nav(
        order=600,
        url_name="web:health",
        label="Archive",
        capability="funds.view",
        group="archive",
    )

    with pytest.raises(LookupError, match="web:health"):
        shell.nav_groups()


def test_the_signed_out_frame_has_no_menu(client):
    html = client.get("/accounts/login/").content.decode()

    assert 'aria-label="Main"' not in html
