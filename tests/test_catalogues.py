"""Korean and English catalogues are complete, compiled and cover every string in the code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "safepassage"
LANGUAGES = ["ko", "en"]


def catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"))


def translated(entry: polib.POEntry) -> bool:
    if "fuzzy" in entry.flags:
        return False
    if entry.msgid_plural:
        return bool(entry.msgstr_plural) and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language):
    untranslated = [e.msgid for e in catalogue(language) if not e.obsolete and not translated(e)]
    assert untranslated == []


def test_the_english_catalogue_says_each_string_as_written():
    """English is the source language: a fuzzy match carried over by makemessages (the
    old "Recent imports" for the new "Reports") would put another sentence on the page."""
    wrong = [
        entry.msgid
        for entry in catalogue("en")
        if not entry.obsolete
        and (
            (entry.msgid_plural and entry.msgstr_plural.get(0) != entry.msgid)
            or (not entry.msgid_plural and entry.msgstr != entry.msgid)
        )
    ]
    assert wrong == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_compiled_catalogue_matches_its_source(language):
    compiled = polib.mofile(str(PACKAGE / "locale" / language / "LC_MESSAGES" / "django.mo"))

    def text(entry):
        return entry.msgstr_plural if entry.msgid_plural else entry.msgstr

    # Keyed by context and message: "From" (a donor) and "From" (a date) are two entries.
    source = {(e.msgctxt, e.msgid): text(e) for e in catalogue(language) if not e.obsolete}
    assert {(e.msgctxt, e.msgid): text(e) for e in compiled if e.msgid} == source


def test_the_catalogues_hold_every_string_in_the_code(tmp_path):
    """Extract afresh from a copy of the package and compare with the committed catalogue."""
    copy = tmp_path / "safepassage"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "safepassage",
            "makemessages",
            "-l",
            "ko",
            "--no-location",
            "--no-obsolete",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    fresh = {e.msgid for e in polib.pofile(str(copy / "locale/ko/LC_MESSAGES/django.po"))}
    committed = {e.msgid for e in catalogue("ko")}
    assert sorted(fresh - committed) == [], "run `make messages` and translate the new strings"


def test_korean_pages_are_korean(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="ko")
    assert "로그인".encode() in response.content
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert b"Sign in" in response.content
