"""Every question about a person or a case, asked by every kind of member: the case's owner
(the case worker who opened it), a teammate, an outsider (a case worker of another team),
a coordinator of another team, and each other role. People are named in Hangul, Chinese
and Latin script; the answer never depends on the script, only on team, role and state.

For each action the list (``visible``) and the single object (``can``) must give the same
answer, person by person.
"""

from __future__ import annotations

import pytest

from safepassage.accounts import permissions
from safepassage.accounts.models import Role
from safepassage.cases import services as cases
from safepassage.cases.models import Case, Person, Status
from safepassage.fundraising import policies as hope_policies
from safepassage.funds import policies as funds_policies
from safepassage.reports import policies as reports_policies
from safepassage.rescue import policies as rescue_policies
from safepassage.rescue.models import FieldPartner, Mission
from safepassage.testing.members import (
    default_team,
    make_member,
    make_outsider,
    make_teammate,
    other_team,
)
from safepassage.testing.rescue import make_mission

pytestmark = pytest.mark.django_db

R = Role.Code
WAITING = {"김선희", "王美华", "Sunhee Park"}  # awaiting rescue, in the team's case
HIDING = "이순자"  # in hiding, in the team's case
TRAVELLING = "陈小红"  # awaiting rescue, already on a planned mission, in the team's case
STRANGER = "Mira Kovač"  # awaiting rescue, in the other team's case
TEAM = {*WAITING, HIDING, TRAVELLING}
EVERYONE = {*TEAM, STRANGER}
TEAM_CASE, OTHER_CASE = "team's case", "other team's case"
BOTH_CASES = {TEAM_CASE, OTHER_CASE}

WHO = [
    "owner",
    "teammate",
    "outsider",
    "director",
    "coordinator",
    "coordinator of another team",
    "finance",
    "communications",
    "advocacy",
    "donor",
]

# (action, model) -> who -> the people (or cases) visible; anyone not listed sees nothing.
EXPECTED: dict[tuple[str, type], dict[str, set[str]]] = {
    ("people.view", Person): {
        "owner": TEAM,
        "teammate": TEAM,
        "outsider": {STRANGER},
        "director": EVERYONE,
    },
    ("people.reveal", Person): {
        "owner": TEAM,
        "teammate": TEAM,
        "outsider": {STRANGER},
        "director": EVERYONE,
    },
    ("hope.consent", Person): {
        "owner": TEAM,
        "teammate": TEAM,
        "outsider": {STRANGER},
        "director": EVERYONE,
    },
    ("cases.view", Case): {
        "owner": {TEAM_CASE},
        "teammate": {TEAM_CASE},
        "outsider": {OTHER_CASE},
        "director": BOTH_CASES,
    },
    # Whatever their team: everyone awaiting rescue and on no active mission.
    ("missions.plan", Person): {
        "director": {*WAITING, STRANGER},
        "coordinator": {*WAITING, STRANGER},
        "coordinator of another team": {*WAITING, STRANGER},
    },
    # Whatever their team: everyone awaiting rescue (a share may go to a planned traveller).
    ("hope.assign", Person): {
        "director": {*WAITING, TRAVELLING, STRANGER},
        "coordinator": {*WAITING, TRAVELLING, STRANGER},
        "coordinator of another team": {*WAITING, TRAVELLING, STRANGER},
    },
    ("funds.link", Case): {"director": BOTH_CASES, "finance": BOTH_CASES},
    # Whoever writes reports counts everyone, whatever their team and state (by
    # quasi-identifiers only: ``cases.selectors.arrivals``), and lists no case.
    ("reports.count", Person): {"director": EVERYONE, "communications": EVERYONE},
    ("reports.count", Case): {},
    # Reserved for advocacy: nobody, until its app registers a rule.
    ("advocacy.link", Person): {},
    ("advocacy.link", Case): {},
}


def _waiting(case, name: str, **fields) -> Person:
    person = cases.person_add(actor=None, case=case, real_name=name, sex="female", **fields)
    return cases.person_set_status(actor=None, person=person, to_status=Status.AWAITING_RESCUE)


@pytest.fixture
def world():
    """The members in ``WHO`` and the people above; labels by object id."""
    owner = make_teammate()
    members = {
        "owner": owner,
        "teammate": make_teammate(),
        "outsider": make_outsider(),
        "director": make_member(R.DIRECTOR),
        "coordinator": make_teammate(R.RESCUE_COORDINATOR),
        "coordinator of another team": make_outsider(R.RESCUE_COORDINATOR),
        "finance": make_member(R.FINANCE),
        "communications": make_member(R.COMMUNICATIONS),
        "advocacy": make_member(R.ADVOCACY),
        "donor": make_member(R.DONOR),
    }
    team_case = cases.case_open(actor=owner.user, team=default_team(), country="CN")
    other_case = cases.case_open(actor=None, team=other_team(), country="CN")
    named = {name: _waiting(team_case, name) for name in sorted(WAITING)}
    hiding = cases.person_add(actor=owner.user, case=team_case, real_name=HIDING, sex="female")
    named[HIDING] = cases.person_set_status(actor=None, person=hiding, to_status=Status.IN_HIDING)
    named[TRAVELLING] = _waiting(team_case, TRAVELLING)
    make_mission(people=[named[TRAVELLING]], lead=members["coordinator"].user)
    named[STRANGER] = _waiting(other_case, STRANGER)
    labels = {(Person, person.pk): name for name, person in named.items()}
    labels |= {(Case, team_case.pk): TEAM_CASE, (Case, other_case.pk): OTHER_CASE}
    return members, labels


def _codes(labels) -> dict[str, str]:
    """Each person's code, by the name they were given."""
    names = {pk: name for (model, pk), name in labels.items() if model is Person}
    return {names[pk]: code for pk, code in Person.objects.values_list("pk", "code")}


def test_the_world_is_named_in_three_scripts(world):
    _members, labels = world
    people = {name for (model, _pk), name in labels.items() if model is Person}
    assert people == EVERYONE
    # The pseudonym keeps no more than the surname's first syllable or letter.
    masks = set(Person.objects.values_list("real_name_masked", flat=True))
    assert not masks & EVERYONE


@pytest.mark.parametrize(
    ("action", "model"), list(EXPECTED), ids=lambda v: getattr(v, "__name__", v)
)
def test_each_member_sees_what_the_actions_rule_allows(world, action, model):
    members, labels = world
    for who in WHO:
        user = members[who].user
        expected = EXPECTED[action, model].get(who, set())
        listed = {
            labels[model, pk]
            for pk in permissions.visible(user, action, model.objects.all()).values_list(
                "pk", flat=True
            )
        }
        assert listed == expected, (action, who)
        one_by_one = {
            labels[model, obj.pk]
            for obj in model.objects.all()
            if permissions.can(user, action, obj)
        }
        assert one_by_one == expected, (action, who)


def test_the_rules_come_from_the_apps_that_ask():
    assert permissions.rule_for("missions.plan", Person) is rescue_policies.plannable_people
    assert permissions.rule_for("hope.assign", Person) is hope_policies.assignable_people
    assert permissions.rule_for("funds.link", Case) is funds_policies.linkable_cases
    assert permissions.rule_for("funds.link", Mission) is funds_policies.linkable_missions
    assert permissions.rule_for("reports.count", Person) is reports_policies.countable_people
    assert permissions.rule_for("reports.count", Case) is reports_policies.no_cases
    # Questions the cases app answers itself have no separate rule.
    assert permissions.rule_for("people.view", Person) is None


def test_every_action_a_role_is_granted_has_its_rule():
    """A role granted an action of ``ACTIONS`` before its app registers a rule would fall
    back to the team policy: refuse that here rather than in production."""
    granted = set().union(*permissions.ROLE_CAPABILITIES.values())
    for action in set(permissions.ACTIONS) & granted:
        models = (Person, Case, FieldPartner)
        assert any(permissions.rule_for(action, model) for model in models), action


def test_reserved_actions_are_granted_to_nobody():
    granted = set().union(*permissions.ROLE_CAPABILITIES.values())
    assert "advocacy.link" not in granted


def test_whoever_writes_reports_counts_people():
    for code, granted in permissions.ROLE_CAPABILITIES.items():
        assert ("reports.count" in granted) == ("reports.edit" in granted), code


def test_an_action_not_named_cannot_be_registered():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="not an action"):
        permissions.register_action("missions.plna", Person, rescue_policies.plannable_people)


def test_a_second_rule_for_one_question_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="already has a rule"):
        permissions.register_action("missions.plan", Person, hope_policies.assignable_people)
    # The same rule again (a second ``ready``) changes nothing.
    permissions.register_action("missions.plan", Person, rescue_policies.plannable_people)
    assert permissions.rule_for("missions.plan", Person) is rescue_policies.plannable_people


# Forms and lookups built on these rules: a code that does not exist and one the user may
# not use get the same answer, word for word.


def test_the_assign_form_answers_a_hidden_person_as_a_missing_one(world):
    from safepassage.fundraising import forms, selectors

    members, labels = world
    codes = _codes(labels)
    coordinator = members["coordinator"].user

    def error(code: str) -> list[str]:
        form = forms.AssignForm(
            {"share": "", "person": code}, people=selectors.assignable_people(coordinator)
        )
        form.is_valid()
        return list(form.errors["person"])

    assert error(codes[HIDING]) == error("ZZZZZZ") == ["No person awaiting rescue has this code."]
    form = forms.AssignForm(
        {"person": codes[STRANGER].lower()}, people=selectors.assignable_people(coordinator)
    )
    form.is_valid()
    assert "person" not in form.errors


def test_the_expense_form_answers_a_forbidden_case_as_a_missing_one(world):
    from safepassage.cases import selectors
    from safepassage.funds.forms import ExpenseForm
    from safepassage.rescue import selectors as rescue_selectors

    members, labels = world
    code = Case.objects.get(pk=next(pk for (m, pk), n in labels.items() if n == TEAM_CASE)).code

    def error(who: str, case_code: str) -> list[str]:
        user = members[who].user
        form = ExpenseForm(
            {"case": case_code},
            cases=selectors.cases_for(user, action="funds.link"),
            missions=rescue_selectors.missions_for(user, action="funds.link"),
        )
        form.is_valid()
        return list(form.errors.get("case", []))

    assert error("finance", code) == []
    assert error("finance", "ZZZZZZ") == error("communications", code) == ["No case has this code."]


def test_planning_finds_no_family_for_a_hidden_person_as_for_a_missing_one(world):
    from safepassage.rescue import selectors

    members, labels = world
    codes = _codes(labels)
    coordinator = members["coordinator"].user
    assert selectors.family_codes(coordinator, codes[HIDING]) == []
    assert selectors.family_codes(coordinator, "ZZZZZZ") == []
    assert selectors.family_codes(coordinator, codes[STRANGER]) == [codes[STRANGER]]
    assert selectors.family_codes(members["owner"].user, codes["김선희"]) == []
