"""What a report may count of people (``selectors.arrivals``) and quote of them
(``selectors.report_testimonies``): who arrived in a period, cut in the organisation's
time zone, filtered by the ``reports.count`` rule, and testimonies only while the consent
covers the audience. People are named in Hangul, Chinese and Latin script; some have no
birth year, no province, or no recorded sex.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.cases import selectors
from safepassage.cases import services as cases
from safepassage.cases.models import Person, Status, StatusChange
from safepassage.testing.members import make_member, make_teammate
from safepassage.testing.people import make_case, make_person
from safepassage.vault import services as vault

pytestmark = pytest.mark.django_db

SEOUL = ZoneInfo("Asia/Seoul")
MAY_1, MAY_31 = dt.date(2026, 5, 1), dt.date(2026, 5, 31)
R = Role.Code


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SEOUL)


def arrived(name: str, when: dt.datetime, **fields) -> Person:
    """A person recorded as arrived at ``when`` (their history's first line says so)."""
    fields.setdefault("birth_year", 1985)
    fields.setdefault("province", "north_hamgyong")
    return make_person(real_name=name, status=Status.ARRIVED, status_since=when, **fields)


@pytest.fixture
def communications(db):
    return make_member(R.COMMUNICATIONS).user


@pytest.fixture(autouse=True)
def _seoul(settings):
    settings.TIME_ZONE = "Asia/Seoul"


def test_the_period_is_cut_at_midnight_in_seoul(communications):
    arrived("김선희", at(2026, 5, 1, 0, 30))  # 30 April 15:30 UTC: May in Seoul
    arrived("王美华", at(2026, 5, 31, 23, 59))
    arrived("Sunhee Park", at(2026, 4, 30, 23, 59))  # April
    arrived("이순자", at(2026, 6, 1, 0, 0))  # June
    found = selectors.arrivals(user=communications, start=MAY_1, end=MAY_31)
    assert [a.pseudonym for a in found] == ["김OO", "王OO"]
    assert {a.month for a in found} == {"2026-05"}


def test_an_arrival_moved_on_or_closed_still_counts_in_its_month(communications):
    resettled = arrived("陈小红", at(2026, 5, 10, 12))
    cases.person_set_status(actor=None, person=resettled, to_status=Status.RESETTLEMENT)
    closed = arrived("Mira Kovač", at(2026, 5, 11, 12))
    cases.person_set_status(actor=None, person=closed, to_status=Status.CLOSED)
    # Brought the whole way by the services, the arrival dated into May afterwards.
    walked = make_person(real_name="박영철", sex="male", birth_year=1970)
    for status in (Status.AWAITING_RESCUE, Status.IN_TRANSIT, Status.THIRD_COUNTRY):
        cases.person_set_status(actor=None, person=walked, to_status=status)
    cases.person_set_status(actor=None, person=walked, to_status=Status.ARRIVED)
    StatusChange.objects.filter(person=walked, to_status=Status.ARRIVED).update(
        created_at=at(2026, 5, 20, 9)
    )
    # On the way, or arrived in no month of the period: not counted.
    make_person(real_name="최영희", status=Status.THIRD_COUNTRY, status_since=at(2026, 5, 2))
    found = selectors.arrivals(user=communications, start=MAY_1, end=MAY_31)
    # "Kovač" is no surname the masks know: "OO".
    assert sorted(a.pseudonym for a in found) == sorted(["OO", "박OO", "陈OO"])
    assert sorted(a.sex for a in found) == ["female", "female", "male"]


def test_the_first_arrival_is_the_one_that_counts(communications):
    person = arrived("Lee Jiwoo", at(2026, 4, 28, 12))
    StatusChange.objects.create(
        person=person, from_status=Status.DETAINED, to_status=Status.ARRIVED,
        created_at=at(2026, 5, 3, 12),
    )  # fmt: skip
    assert selectors.arrivals(user=communications, start=MAY_1, end=MAY_31) == []
    april = selectors.arrivals(
        user=communications, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
    )
    assert len(april) == 1


def test_rows_carry_only_what_a_report_may_use(communications):
    case = make_case()
    nine = [
        arrived(name, at(2026, 5, 15, 10), case=case, birth_year=year)
        for name, year in zip(
            [
                "김철수",
                "김영희",
                "김민수",
                "金正男",
                "金美玲",
                "Kim Hana",
                "Kim Dure",
                "김세나",
                "김네오",
            ],
            [1960, 1962, 1988, 1990, 2010, 2012, 2015, 2019, 2024],
            strict=True,
        )
    ]
    group = cases.group_create(actor=None, case=case, label="Family A", people=nine)
    alone = arrived("Unknown", at(2026, 5, 16, 10), birth_year=None, province="")
    Person.objects.filter(pk=alone.pk).update(sex="")  # sex not recorded
    abroad = arrived("小明", at(2026, 5, 17), province="", born_abroad=True)
    found = selectors.arrivals(user=communications, start=MAY_1, end=MAY_31)
    assert len(found) == 11
    families = {a.family for a in found}
    assert len(families) == 3  # the nine, and each of the others alone (by their case)
    # Without a group, the people of one case are one family.
    also = arrived("김하나", at(2026, 5, 18), case=alone.case)
    again = selectors.arrivals(user=communications, start=MAY_1, end=MAY_31)
    assert len({a.family for a in again}) == 3
    assert {a.family for a in again} == families
    assert also.group_id is None
    family = found[0].family
    assert sum(a.family == family for a in found) == 9
    # The key is opaque: no id or code of the case, group or person is in it.
    for obj in (case, nine[0], group):
        assert str(obj.pk) not in family
        assert obj.pk.hex[:8] not in family
        assert getattr(obj, "code", "-") not in family
    assert (
        found[0].family
        == selectors.arrivals(user=communications, start=MAY_1, end=MAY_31)[0].family
    )
    lone = next(a for a in found if a.pseudonym == "OO" or a.birth_year is None)
    assert (lone.sex, lone.birth_year, lone.province, lone.born_abroad) == ("", None, "", False)
    born_abroad = next(a for a in found if a.born_abroad)
    assert born_abroad.province == ""
    assert {f.name for f in selectors.Arrival.__dataclass_fields__.values()} == {
        "family", "month", "sex", "birth_year", "province", "born_abroad", "pseudonym",
    }  # fmt: skip
    assert abroad.real_name.masked in {a.pseudonym for a in found}


def test_a_shredded_person_is_counted_without_a_pseudonym(communications):
    person = arrived("정미숙", at(2026, 5, 5))
    vault.shred(record_obj=person, actor=None, reason="retention")
    [found] = selectors.arrivals(user=communications, start=MAY_1, end=MAY_31)
    assert found.pseudonym == ""
    assert found.birth_year == 1985


@pytest.mark.parametrize(
    ("roles", "counted"),
    [
        ((R.COMMUNICATIONS,), 2),
        ((R.DIRECTOR,), 2),
        ((R.CASE_WORKER,), 0),
        ((R.FINANCE,), 0),
        ((R.RESCUE_COORDINATOR,), 0),
        ((R.ADVOCACY,), 0),
        ((R.DONOR,), 0),
    ],
)
def test_only_whoever_writes_reports_counts(roles, counted):
    arrived("김선희", at(2026, 5, 2))
    arrived("王美华", at(2026, 5, 3))
    user = make_member(*roles).user
    assert len(selectors.arrivals(user=user, start=MAY_1, end=MAY_31)) == counted


def test_a_case_worker_of_the_team_still_counts_nobody():
    arrived("김선희", at(2026, 5, 2))
    user = make_teammate().user
    assert selectors.people_for(user).count() == 1  # sees the person on the case pages
    assert selectors.arrivals(user=user, start=MAY_1, end=MAY_31) == []


# --- Testimonies ------------------------------------------------------------------------------


def said(person, text: str, *, scope: str | None, given: dt.date | None = None, **more):
    testimony = cases.record_testimony(
        actor=None, person=person, raw_text=f"raw: {text}", publishable_text=text
    )
    if scope:
        cases.consent_record(
            actor=None, testimony=testimony, scope=scope, given_on=given or MAY_1, **more
        )
    return testimony


def quoted(user, scope: str, on: dt.date) -> list[str]:
    return [
        t.text
        for t in selectors.report_testimonies(
            user=user, scope=scope, on=on, start=MAY_1, end=MAY_31
        )
    ]


def test_a_testimony_is_quoted_only_while_its_consent_covers_the_audience(communications):
    person = arrived("김선희", at(2026, 5, 2), birth_year=1979)
    said(person, "고맙습니다", scope="public")
    said(person, "谢谢你们", scope="donors")
    said(person, "Internal only", scope="internal")
    said(person, "No consent yet", scope=None)
    said(person, "Until June", scope="public", expires_on=dt.date(2026, 6, 1))
    withdrawn = said(person, "Withdrawn", scope="public")
    cases.consent_withdraw(actor=None, testimony=withdrawn)
    said(person, "", scope="public")  # nothing edited for publication

    assert quoted(communications, "public", dt.date(2026, 5, 20)) == ["고맙습니다", "Until June"]
    assert quoted(communications, "public", dt.date(2026, 6, 1)) == ["고맙습니다"]  # expired
    assert quoted(communications, "donors", dt.date(2026, 6, 1)) == ["고맙습니다", "谢谢你们"]
    # Before the consent was given, nothing.
    assert quoted(communications, "public", dt.date(2026, 4, 30)) == []


def test_a_testimony_carries_its_tellers_quasi_identifiers_and_is_read_audited(communications):
    person = arrived("王美华", at(2026, 5, 2), birth_year=1991, province="ryanggang")
    testimony = said(person, "自由了", scope="public")
    [found] = selectors.report_testimonies(
        user=communications, scope="public", on=dt.date(2026, 5, 20), start=MAY_1, end=MAY_31
    )
    assert (found.code, found.language, found.text) == (testimony.code, "ko", "自由了")
    assert (found.person.birth_year, found.person.province, found.person.month) == (
        1991,
        "ryanggang",
        "2026-05",
    )
    reveal = AuditEntry.objects.filter(action="vault.revealed", target_id=str(testimony.pk))
    assert reveal.filter(actor_id=communications.pk).count() == 1


def test_nobody_on_the_way_or_outside_the_period_is_quoted(communications):
    waiting = make_person(real_name="이순자", status=Status.AWAITING_RESCUE)
    said(waiting, "Still hiding", scope="public")
    june = arrived("Sunhee Park", at(2026, 6, 2))
    said(june, "June's", scope="public")
    assert quoted(communications, "public", dt.date(2026, 6, 20)) == []


def test_a_user_who_may_not_count_quotes_nothing(communications):
    person = arrived("김선희", at(2026, 5, 2))
    said(person, "고맙습니다", scope="public")
    finance = make_member(R.FINANCE).user
    assert quoted(finance, "public", dt.date(2026, 5, 20)) == []
    assert not AuditEntry.objects.filter(action="vault.revealed").exists()
