"""A case worker finds a person under a pseudonym and reveals the real name with a reason."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.audit.sealing import opened
from safepassage.testing.members import default_team, make_member
from safepassage.testing.people import make_person
from tests.browser.menus import follow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_case_worker_sees_a_pseudonym_and_reveals_the_real_name_with_a_reason(
    live_server, page, sign_in
):
    # Given a case worker and a person on record
    member = make_member(Role.Code.CASE_WORKER)
    default_team().members.add(member.user)
    person = make_person(
        real_name="Kim Young-hee",
        sex="female",
        birth_year=1990,
        province="ryanggang",
    )
    sign_in(page, member)

    # When they open the person from the People list
    follow(page, "People")
    expect(page.get_by_role("heading", level=1)).to_have_text("People")
    page.get_by_role("link", name=person.code).click()

    # Then they see the pseudonym only
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kim OO")
    assert "Young-hee" not in page.content()

    # When they reveal the real name, giving a reason
    reveal = page.locator("form.reveal")
    choice = reveal.get_by_label("What to reveal")
    # Fails fast and plainly if the choices are in another language than the page.
    expect(choice.locator("option[value=real_name]")).to_have_text("real name")
    choice.select_option(label="real name")
    reveal.get_by_label("Why do you need to see this?").fill("Calling her about the flight")
    reveal.get_by_role("button", name="Reveal").click()

    # Then the real name shows, and the reveal is in the audit log with the reason
    expect(page.locator(".revealed")).to_have_text("Kim Young-hee")
    entry = AuditEntry.objects.get(action="vault.revealed")
    assert entry.actor_id == member.user.pk
    assert entry.target_id == str(person.pk)
    assert opened(entry) == {"field": "real_name", "reason": "Calling her about the flight"}
