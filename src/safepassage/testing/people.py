"""Cases and people, made through the cases services as a case worker would."""

from __future__ import annotations

from safepassage.testing.members import default_team


def make_case(**fields):
    from safepassage.cases.services import case_open

    fields.setdefault("team", default_team())
    fields.setdefault("country", "CN")
    return case_open(actor=None, **fields)


def make_person(*, case=None, **fields):
    """A person in a case of the default team (create the case if none is given)."""
    from safepassage.cases.services import person_add

    fields.setdefault("sex", "female")
    return person_add(actor=None, case=case or make_case(), **fields)
