"""The life of a case: lifecycle, priority, teams, consent, retention, export."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.utils import timezone

from safepassage.accounts.models import Role
from safepassage.audit.models import AuditEntry
from safepassage.cases import lifecycle, priority, selectors, services
from safepassage.cases.models import Case, Person, Status, StatusChange, Team
from safepassage.rescue import selectors as rescue_selectors
from safepassage.testing.members import default_team, make_member
from safepassage.testing.people import make_case, make_person
from safepassage.testing.rescue import make_partner
from safepassage.vault import records
from safepassage.vault.errors import Shredded

pytestmark = pytest.mark.django_db
S = Status


def test_a_person_follows_the_journey_and_the_history_is_kept():
    person = make_person(real_name="Kim Journey")
    for status in (
        S.IN_HIDING,
        S.AWAITING_RESCUE,
        S.IN_TRANSIT,
        S.THIRD_COUNTRY,
        S.ARRIVED,
        S.RESETTLEMENT,
        S.CLOSED,
    ):
        person = services.person_set_status(actor=None, person=person, to_status=status)
    history = list(StatusChange.objects.filter(person=person).values_list("to_status", flat=True))
    assert history == [
        S.INTAKE,
        S.IN_HIDING,
        S.AWAITING_RESCUE,
        S.IN_TRANSIT,
        S.THIRD_COUNTRY,
        S.ARRIVED,
        S.RESETTLEMENT,
        S.CLOSED,
    ]
    assert AuditEntry.objects.filter(action="cases.status_changed").count() == 7
    # The case closes when its last person closes.
    assert Case.objects.get(pk=person.case_id).closed_at is not None


def test_an_impossible_move_is_refused_and_nothing_changes():
    person = make_person(real_name="Kim Intake")
    with pytest.raises(services.CaseError, match="cannot go from"):
        services.person_set_status(actor=None, person=person, to_status=S.ARRIVED)
    assert Person.objects.get(pk=person.pk).status == S.INTAKE
    assert StatusChange.objects.filter(person=person).count() == 1


def test_a_closed_person_stays_closed():
    assert lifecycle.next_statuses(S.CLOSED) == []
    assert not lifecycle.can_move(S.CLOSED, S.INTAKE)


def test_every_status_can_be_reached_and_every_open_one_can_end():
    reachable = {S.INTAKE}
    frontier = [S.INTAKE]
    while frontier:
        for nxt in lifecycle.ALLOWED[frontier.pop()]:
            if nxt not in reachable:
                reachable.add(nxt)
                frontier.append(nxt)
    assert reachable == set(S.values)


def test_detention_runs_the_hooks_in_the_same_transaction(monkeypatch):
    seen = []
    monkeypatch.setitem(
        services.STATUS_HOOKS,
        S.DETAINED,
        [lambda **kw: seen.append((kw["person"].code, kw["previous"]))],
    )
    person = make_person(real_name="Kim Caught")
    services.person_set_status(actor=None, person=person, to_status=S.AWAITING_RESCUE)
    services.person_set_status(actor=None, person=person, to_status=S.IN_TRANSIT)
    services.person_detain(actor=None, person=person)
    assert seen == [(person.code, S.IN_TRANSIT)]


def test_priority_says_why():
    year = timezone.localdate().year
    case = make_case(urgency="high")
    mother = make_person(case=case, real_name="Kim Mother", birth_year=year - 30, trafficked=True)
    child = make_person(case=case, real_name="Kim Child", birth_year=year - 3, sex="male")
    assert mother.priority_reasons == ["trafficked", "case_high", "woman"]
    assert priority.explain(mother.priority_reasons) == "trafficked + urgent call + woman"
    assert mother.priority == 30 + 20 + 10
    assert child.priority_reasons == ["child_under_5", "case_high"]


def test_priority_weights_can_be_changed(settings):
    settings.PRIORITY_WEIGHTS = {"woman": 0, "prior_repatriation": 90}
    person = make_person(real_name="Kim Returned", birth_year=1980, prior_repatriation=True)
    assert person.priority_reasons == ["prior_repatriation"]
    assert person.priority == 90


def test_the_queue_puts_the_most_vulnerable_first(sign_in, case_worker):
    year = timezone.localdate().year
    plain = make_person(real_name="Kim Plain", sex="male", birth_year=year - 40)
    urgent = make_person(
        real_name="Kim Urgent", birth_year=year - 25, pregnant=True, trafficked=True
    )
    waiting_long = make_person(real_name="Kim Waiting", sex="male", birth_year=year - 41)
    for person in (waiting_long, plain, urgent):
        services.person_set_status(actor=None, person=person, to_status=S.AWAITING_RESCUE)
    make_person(real_name="Kim Not-waiting", pregnant=True)  # intake: not in the queue
    queue = list(selectors.priority_queue(case_worker.user))
    assert queue == [urgent, waiting_long, plain]
    page = sign_in(case_worker).get("/people/queue/")
    assert b"pregnant + trafficked" in page.content or b"trafficked + pregnant" in page.content


def test_a_case_worker_sees_only_their_teams_cases(sign_in):
    north, south = default_team(), Team.objects.create(name="South")
    mine = make_person(real_name="Kim Mine")
    theirs = make_person(case=make_case(team=south), real_name="Kim Theirs")
    worker = make_member(Role.Code.CASE_WORKER)
    north.members.add(worker.user)
    client = sign_in(worker)
    listed = client.get("/people/").context["page"].object_list
    assert list(listed) == [mine]
    assert client.get(f"/people/{theirs.code}/").status_code == 404
    assert client.get(f"/cases/{theirs.case.code}/").status_code == 404
    response = client.post(f"/people/{theirs.code}/status/", {"status": S.IN_HIDING})
    assert response.status_code == 404
    assert Person.objects.get(pk=theirs.pk).status == S.INTAKE
    director = make_member(Role.Code.DIRECTOR)
    assert sign_in(director).get(f"/people/{theirs.code}/").status_code == 200


def test_a_worker_in_no_team_sees_no_one(sign_in):
    make_person(real_name="Kim Someone")
    worker = make_member(Role.Code.CASE_WORKER)
    assert list(sign_in(worker).get("/people/").context["page"].object_list) == []


def test_intake_opens_a_case_with_its_first_person(sign_in, case_worker):
    client = sign_in(case_worker)
    response = client.post(
        "/cases/new/",
        {
            "case-country": "cn",
            "case-region": "Jilin",
            "case-urgency": "critical",
            "case-team": default_team().pk,
            "case-relayed_by": "A cousin in Seoul",
            "case-exact_place": "Behind the market, second door",
            "case-situation": "Hiding",
            "person-real_name": "Choi Son-hui",
            "person-sex": "female",
            "person-age": "34",
            "person-province": "north_hamgyong",
            "person-trafficked": "on",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    person = case.people.get()
    assert case.country == "CN"
    assert records.read(case, "exact_place") == "Behind the market, second door"
    assert person.birth_year_estimated
    assert person.birth_year == timezone.localdate().year - 34
    assert "case_critical" in person.priority_reasons
    page = client.get(response["Location"])
    assert b"Choi OO" in page.content
    assert b"Son-hui" not in page.content


def test_intake_refuses_bad_input_and_writes_nothing(sign_in, case_worker):
    client = sign_in(case_worker)
    response = client.post(
        "/cases/new/",
        {
            "case-country": "CN",
            "case-urgency": "routine",
            "case-team": default_team().pk,
            "person-real_name": "Choi Future",
            "person-sex": "female",
            "person-birth_year": "2999",
        },
    )
    assert response.status_code == 400
    assert not Case.objects.exists()
    response = client.post(
        "/cases/new/",
        {
            "case-country": "CN",
            "case-urgency": "routine",
            "case-team": default_team().pk,
            "person-real_name": "Choi Born-abroad",
            "person-sex": "female",
            "person-born_abroad": "on",
            "person-province": "chagang",
        },
    )
    assert response.status_code == 400
    assert b"no home province" in response.content
    assert not Case.objects.exists()


def test_a_case_worker_cannot_open_a_case_for_another_team(sign_in, case_worker):
    south = Team.objects.create(name="South")
    response = sign_in(case_worker).post(
        "/cases/new/",
        {
            "case-country": "CN",
            "case-urgency": "routine",
            "case-team": south.pk,
            "person-real_name": "Choi Elsewhere",
            "person-sex": "female",
        },
    )
    assert response.status_code == 400
    assert not Case.objects.exists()


def test_people_travelling_together_form_a_group(sign_in, case_worker):
    case = make_case()
    mother = make_person(case=case, real_name="Kim Mother")
    child = make_person(case=case, real_name="Kim Child", birth_year=2023)
    other = make_person(real_name="Kim Elsewhere")
    client = sign_in(case_worker)
    client.post(
        f"/cases/{case.code}/groups/", {"label": "Family A", "people": [mother.code, child.code]}
    )
    assert {p.group.label for p in Person.objects.filter(case=case)} == {"Family A"}
    with pytest.raises(services.CaseError):
        services.group_create(actor=None, case=case, label="Family B", people=[other])


def test_relief_is_recorded_in_minor_units(sign_in, case_worker):
    person = make_person(real_name="Kim Relief")
    make_partner("Partner Magpie")
    client = sign_in(case_worker)
    client.post(
        f"/people/{person.code}/relief/",
        {
            "kind": "medicine",
            "quantity": "2 boxes",
            "cost": "12.50",
            "currency": "USD",
            "given_on": "2026-03-01",
            "delivered_by": "Partner Magpie",
        },
    )
    client.post(
        f"/people/{person.code}/relief/",
        {
            "kind": "food",
            "cost": "12.5",
            "currency": "KRW",
            "given_on": "2026-03-01",
        },
    )
    relief = list(person.relief.all())
    assert [(r.cost_minor, r.currency) for r in relief] == [(1250, "USD")]
    confirm = client.post(f"/people/{person.code}/relief/{relief[0].pk}/confirm/")
    assert confirm.status_code == 302
    assert person.relief.get().confirmed_received


def test_consent_decides_publication_at_read_time():
    person = make_person(real_name="Kim Witness")
    testimony = services.record_testimony(
        actor=None, person=person, raw_text="원문", publishable_text="Thank you for my life."
    )
    assert not selectors.publishable("donors").exists()
    today = timezone.localdate()
    services.consent_record(
        actor=None,
        testimony=testimony,
        scope="public",
        given_on=today - dt.timedelta(days=10),
        expires_on=today + dt.timedelta(days=30),
    )
    assert list(selectors.publishable("donors")) == [testimony]
    assert list(selectors.publishable("public")) == [testimony]
    assert not selectors.publishable("public", on=today + dt.timedelta(days=30)).exists()
    services.consent_withdraw(actor=None, testimony=testimony)
    assert not selectors.publishable("donors").exists()


def test_donor_consent_does_not_cover_the_public():
    testimony = services.record_testimony(
        actor=None, person=make_person(real_name="Kim Quiet"), raw_text="words"
    )
    services.consent_record(
        actor=None, testimony=testimony, scope="donors", given_on=timezone.localdate()
    )
    assert selectors.publishable("donors").exists()
    assert not selectors.publishable("public").exists()


def test_an_impossible_consent_is_refused():
    testimony = services.record_testimony(
        actor=None, person=make_person(real_name="Kim Dates"), raw_text="words"
    )
    today = timezone.localdate()
    with pytest.raises(services.CaseError):
        services.consent_record(
            actor=None,
            testimony=testimony,
            scope="public",
            given_on=today,
            expires_on=today - dt.timedelta(days=1),
        )
    with pytest.raises(services.CaseError):
        services.consent_record(
            actor=None, testimony=testimony, scope="public", given_on=today + dt.timedelta(days=3)
        )


def test_retention_shreds_old_closed_cases_and_keeps_statistics(settings):
    settings.RETENTION_DAYS = 30
    old = make_person(real_name="Kim Old", birth_year=1970, province="ryanggang")
    services.record_testimony(actor=None, person=old, raw_text="old words")
    for status in (S.DECLINED, S.CLOSED):
        services.person_set_status(actor=None, person=old, to_status=status)
    Case.objects.filter(pk=old.case_id).update(closed_at=timezone.now() - dt.timedelta(days=31))
    recent = make_person(real_name="Kim Recent")
    for status in (S.DECLINED, S.CLOSED):
        services.person_set_status(actor=None, person=recent, to_status=status)
    due = list(services.retention_due())
    assert due == [old.case]
    from django.core.management import call_command

    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert old.case.code in out.getvalue()
    assert records.read(Person.objects.get(pk=old.pk), "real_name") == "Kim Old"
    call_command("retention", stdout=io.StringIO())
    with pytest.raises(Shredded):
        records.read(Person.objects.get(pk=old.pk), "real_name")
    assert records.read(Person.objects.get(pk=recent.pk), "real_name") == "Kim Recent"
    assert Person.objects.filter(birth_year=1970, province="ryanggang").count() == 1
    assert list(services.retention_due()) == []


def test_the_export_neutralises_formulas_and_holds_no_identity(sign_in, director):
    # Three alike, so that the export's disclosure control keeps their pseudonym.
    for _n in range(3):
        make_person(real_name="=cmd|' /C calc'!A0", phone="+86 139 1111 2222")
    response = sign_in(director).get("/people/export.csv")
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["code", "pseudonym", "case"]
    # A pseudonym is a known surname or one syllable, so a formula never reaches it; the
    # export's own neutralising is tested through donations and expenses.
    assert rows[1][1] == "OO"
    assert "1111 2222" not in body
    assert AuditEntry.objects.filter(action="cases.people_exported").exists()


def test_the_export_asks_for_a_fresh_confirmation(sign_in, director):
    response = sign_in(director, recent=False).get("/people/export.csv")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/confirm/")


def test_a_child_born_abroad_has_no_province():
    child = make_person(real_name="Kim Born-in-China", birth_year=2021, born_abroad=True)
    assert child.province == ""
    with pytest.raises(services.CaseError, match="no home province"):
        make_person(real_name="Kim Both", born_abroad=True, province="chagang")


def test_filters_find_people_by_status_province_and_flag(sign_in, case_worker):
    match = make_person(real_name="Kim Match", province="ryanggang", trafficked=True)
    make_person(real_name="Kim Other", province="ryanggang")
    make_person(real_name="Kim Far", province="chagang", trafficked=True)
    client = sign_in(case_worker)
    listed = client.get("/people/", {"province": "ryanggang", "flag": "trafficked"})
    assert list(listed.context["page"].object_list) == [match]
    listed = client.get("/people/", {"status": "detained"})
    assert list(listed.context["page"].object_list) == []


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection
def test_the_worker_runs_the_retention_sweep_daily(settings):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    settings.RETENTION_DAYS = 1
    old = make_person(real_name="Kim Swept")
    for status in (S.DECLINED, S.CLOSED):
        services.person_set_status(actor=None, person=old, to_status=status)
    Case.objects.filter(pk=old.case_id).update(closed_at=timezone.now() - dt.timedelta(days=2))
    call_command("worker", batch=True, no_startup_delay=True, verbosity=0)
    with pytest.raises(Shredded):
        records.read(Person.objects.get(pk=old.pk), "real_name")
    path = "safepassage.cases.tasks.retention_sweep"
    waiting = DBTaskResult.objects.get(task_path=path, status="READY")
    assert waiting.run_after > timezone.now() + dt.timedelta(hours=23)


def test_a_director_forms_teams_and_assigns_case_workers(sign_in, director):
    worker = make_member(Role.Code.CASE_WORKER)
    client = sign_in(director)
    assert client.post("/teams/", {"name": "River team"}).status_code == 302
    assert client.post("/teams/", {"name": "River team"}).status_code == 400
    team = Team.objects.get(name="River team")
    client.post(f"/teams/{team.pk}/", {"members": [worker.user.pk]})
    assert list(team.members.all()) == [worker.user]
    person = make_person(case=make_case(team=team), real_name="Kim River")
    assert sign_in(worker).get(f"/people/{person.code}/").status_code == 200
    assert AuditEntry.objects.filter(action="cases.team_members_changed").exists()


def test_priorities_follow_birthdays():
    from safepassage.cases.tasks import priority_refresh

    year = timezone.localdate().year
    child = make_person(real_name="Kim Small", birth_year=year - 4, sex="male")
    assert child.priority_reasons == ["child_under_5"]
    # A year on, the same child is five: the daily refresh moves them to the "child" rule.
    Person.objects.filter(pk=child.pk).update(birth_year=year - 5)
    assert priority_refresh.call() == 1
    child = Person.objects.get(pk=child.pk)
    assert child.priority_reasons == ["child"]
    assert child.priority == 15
    assert priority_refresh.call() == 0


def test_raising_a_calls_urgency_raises_its_peoples_priority(sign_in, case_worker):
    case = make_case()
    person = make_person(case=case, real_name="Kim Urgent-now", birth_year=1990)
    assert "case_critical" not in person.priority_reasons
    response = sign_in(case_worker).post(f"/cases/{case.code}/urgency/", {"urgency": "critical"})
    assert response.status_code == 302
    person = Person.objects.get(pk=person.pk)
    assert person.priority_reasons[0] == "case_critical"
    assert AuditEntry.objects.filter(action="cases.urgency_changed").exists()


@pytest.mark.parametrize("country", ["ZZ", "XX", "C1"])
def test_a_case_outside_iso_3166_is_refused(country):
    from safepassage.cases.forms import CaseForm
    from safepassage.cases.models import Team

    form = CaseForm({"country": country, "urgency": "routine"}, teams=Team.objects.none())
    assert not form.is_valid()
    assert "not a country code" in form.errors["country"][0]
    form = CaseForm({"country": "la", "urgency": "routine"}, teams=Team.objects.none())
    form.is_valid()
    assert "country" not in form.errors
    assert form.cleaned_data["country"] == "LA"


def test_reliefs_deliverer_is_a_field_partner_picked_from_the_list(sign_in, case_worker):
    """Not free text: the form lists the field partners by pseudonym (through rescue's
    ``relief.deliver`` rule) and refuses a name that is not one of them."""
    person = make_person(real_name="Kim Relief")
    make_partner("Kestrel")
    make_partner("까치")
    client = sign_in(case_worker)
    page = client.get(f"/people/{person.code}/").content.decode()
    assert '<option value="Kestrel">Kestrel</option>' in page
    assert '<option value="까치">까치</option>' in page
    relief = {"kind": "food", "cost": "10", "currency": "USD", "given_on": "2026-03-01"}
    client.post(f"/people/{person.code}/relief/", {**relief, "delivered_by": "Somebody"})
    assert not person.relief.exists()
    client.post(f"/people/{person.code}/relief/", {**relief, "delivered_by": "까치"})
    assert person.relief.get().delivered_by == "까치"
    assert rescue_selectors.relief_deliverers(make_member(Role.Code.FINANCE)) == []
