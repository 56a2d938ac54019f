"""Every date field of every form keeps to a sane range: a date at the calendar's ends
(9999-12-31, 0001-01-01) is a form error, never an exception further on."""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import pkgutil

import pytest
from django import forms

import safepassage
from safepassage.base import date_fields

# Naive on purpose: only formatted into the text a person types.
EXTREMES = (dt.datetime(9999, 12, 31, 23, 59), dt.datetime(1, 1, 1, 0, 0))  # noqa: DTZ001


def form_modules():
    for module in pkgutil.walk_packages(safepassage.__path__, "safepassage."):
        leaf = module.name.rsplit(".", 1)[-1]
        in_forms_package = ".forms." in module.name  # funds/forms/ is a package
        if ".tests" not in module.name and (
            leaf == "forms" or leaf.endswith("_forms") or in_forms_package
        ):
            yield importlib.import_module(module.name)


def date_fields_of_every_form():
    found = []
    for module in form_modules():
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if not issubclass(cls, forms.BaseForm) or cls.__module__ != module.__name__:
                continue
            for name, field in cls.base_fields.items():
                if isinstance(field, forms.DateField | forms.DateTimeField):
                    found.append((cls, name, field))
    return found


FIELDS = date_fields_of_every_form()


def written(field, moment: dt.datetime) -> list[str]:
    """The moment as a person could type it, in each format the field reads."""
    texts = []
    for fmt in field.input_formats:
        if "%y" in fmt:  # a two-digit year cannot say 9999 or 1
            continue
        # strftime writes year 1 as "1": pad it as a browser would.
        texts.append(moment.strftime(fmt.replace("%Y", f"{moment.year:04d}")))
    return texts


def test_the_walk_finds_the_date_fields():
    names = {(cls.__name__, name) for cls, name, _field in FIELDS}
    assert ("PledgeForm", "starts_on") in names
    assert ("MissionPlanForm", "planned_start") in names
    assert len(FIELDS) >= 20


@pytest.mark.parametrize(
    ("cls", "name", "field"), FIELDS, ids=[f"{c.__name__}.{n}" for c, n, _f in FIELDS]
)
def test_every_date_field_refuses_the_ends_of_the_calendar(cls, name, field):
    assert isinstance(field, date_fields.DateField | date_fields.DateTimeField), (
        f"{cls.__module__}.{cls.__name__}.{name} is not a ranged date field"
    )
    for moment in EXTREMES:
        for text in written(field, moment):
            with pytest.raises(forms.ValidationError):
                field.clean(text)


def test_a_date_in_range_is_taken_and_the_bounds_can_be_set_per_field():
    field = date_fields.DateField()
    assert field.clean("2026-03-04") == dt.date(2026, 3, 4)
    assert field.clean("1900-01-01") == dt.date(1900, 1, 1)
    past_only = date_fields.DateField(latest=lambda: dt.date(2026, 1, 1))
    with pytest.raises(forms.ValidationError, match="from 1 Jan 1900 to 1 Jan 2026"):
        past_only.clean("2026-01-02")
    assert not date_fields.DateField(required=False).clean("")
