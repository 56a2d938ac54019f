"""A seized copy reveals no one: not the database file, its WAL or its dump, not the logs,
the mail or the cache; not a protected value, and not a person's given name.

A child process runs a site with a file-based database (``population.py``): it builds an
organisation through the services, reveals, checks in and sends mail. This test then reads
what an attacker who takes the machine reads, and searches it for every protected value the
child handed to the services, in every form the code could have written (see ``leaks.forms``).
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from tests.attack import leaks
from tests.attack.figures import report


def _rows(site, query: str) -> list[str]:
    with site.connect() as db:
        return [row[0] for row in db.execute(query).fetchall()]


@pytest.fixture(scope="module")
def seized(site) -> dict:
    """Everything the attacker takes from the running site."""
    artifacts = {"log": site.log}
    if site.database:
        artifacts["pg_dump"] = site.pg_dump()
    else:
        # Copied by the site while it ran, before any checkpoint.
        copied = site.out / "seized" / "safepassage.sqlite3"
        artifacts["database file"] = copied.read_bytes()
        wal = copied.with_name(copied.name + "-wal")
        artifacts["WAL"] = wal.read_bytes() if wal.exists() else b""
    blobs = _rows(site, "SELECT value FROM safepassage_cache")
    blobs += _rows(site, "SELECT session_data FROM django_session")
    artifacts["cache and sessions, decoded"] = leaks.decoded_blobs(blobs)
    truth = json.loads((site.out / "truth.json").read_text(encoding="utf-8"))
    return {
        "truth": truth,
        "artifacts": artifacts,
        "mail": list(leaks.mail_messages(site.var / "mail")),
    }


def _mail_findings(mail, values, *, owner_of) -> list[tuple[str, str]]:
    """A message may carry its own addressee's details (a receipt names its donor), no one
    else's."""
    found = []
    for recipients, text in mail:
        others = [v for v in values if owner_of.get(v, "").casefold() not in recipients]
        found += [("mail", v) for v in leaks.find(others, text)]
    return found


def test_no_protected_value_is_in_what_an_attacker_seizes(seized):
    truth, artifacts = seized["truth"], seized["artifacts"]
    values = sorted({entry["value"] for entry in truth["values"]})
    owner_of = {entry["value"]: entry["owner"] for entry in truth["values"] if entry["owner"]}
    assert len(values) > 150
    # The readers really read: the schema, the log lines, the mail are there to search.
    assert b"cases_person" in artifacts.get("database file", artifacts.get("pg_dump", b""))
    assert b"/people/" in artifacts["log"]
    assert len(seized["mail"]) >= 3
    kind_of = {entry["value"]: entry["kind"] for entry in truth["values"]}
    found = [(where, v) for where, blob in artifacts.items() for v in leaks.find(values, blob)]
    found += _mail_findings(seized["mail"], values, owner_of=owner_of)
    searched = sum(len(blob) for blob in artifacts.values()) + sum(
        len(t) for _r, t in seized["mail"]
    )
    report(
        "seizure",
        **{
            "protected values searched": len(values),
            "places": len(artifacts) + 1,
            "kB searched": searched // 1000,
            "found": len(found),
        },
    )
    leaked = Counter(f"{kind_of[v]} in {where}" for where, v in found)
    assert not leaked, f"{dict(leaked)}; e.g. {sorted(found)[:10]}"


def test_no_given_name_is_in_what_an_attacker_seizes(seized):
    """The pseudonym may show the surname's first syllable or letter, never the given name."""
    given = seized["truth"]["given_names"]
    names = sorted({entry["given"] for entry in given})
    assert len(names) > 20
    style_of = {entry["given"]: (entry["style"], entry["name"]) for entry in given}
    blobs = {**seized["artifacts"], **{f"mail {n}": t for n, (_r, t) in enumerate(seized["mail"])}}
    found = sorted({v for blob in blobs.values() for v in leaks.find(names, blob)})
    report("seizure (given names)", **{"given names searched": len(names), "found": len(found)})
    leaked = Counter(style_of[v][0] for v in found)
    assert not leaked, f"{dict(leaked)}; e.g. {[style_of[v] for v in found][:10]}"
