"""A seized copy reveals no one: not the database file, its WAL or its dump, not the logs,
the mail or the cache; not a protected value, and not a person's given name.

A child process runs a site with a file-based database (``population.py``): it builds an
organisation through the services, reveals, checks in and sends mail. This test then reads
what an attacker who takes the machine reads, and searches it for every protected value the
child handed to the services, in every form the code could have written (see ``leaks.forms``).
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from tests.attack import leaks
from tests.attack.figures import report
from tests.cli import clean_env

POPULATION = Path(__file__).with_name("population.py")


def _postgres_database(name: str):
    """A fresh database of its own in the test run's cluster, for the child to migrate."""
    import psycopg

    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params["dbname"] = "postgres"
    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = urlsplit(os.environ["SAFEPASSAGE_DATABASE_URL"])
    return urlunsplit(url._replace(path=f"/{name}")), params


def _drop_postgres_database(name: str, params: dict) -> None:
    import psycopg

    with psycopg.connect(**params, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_dump(name: str, params: dict) -> bytes:
    bindir = Path(os.environ.get("SAFEPASSAGE_PG_BIN", "/usr/lib/postgresql/15/bin"))
    env = dict(
        os.environ,
        PGHOST=str(params.get("host", "")),
        PGPORT=str(params.get("port", "")),
        PGUSER=params.get("user") or "postgres",
    )
    return subprocess.run(
        [str(bindir / "pg_dump"), "--no-owner", name],
        env=env,
        capture_output=True,
        check=True,
        timeout=120,
    ).stdout


def _sqlite_tables(path: Path, query: str) -> list[str]:
    with sqlite3.connect(path) as db:
        return [row[0] for row in db.execute(query)]


@pytest.fixture(scope="module")
def seized(tmp_path_factory) -> dict:
    """Run the site in a child process, then take everything the attacker takes."""
    out = tmp_path_factory.mktemp("seizure")
    env = clean_env(
        SAFEPASSAGE_MODE="demo",
        SAFEPASSAGE_VAR_DIR=str(out / "var"),
        SAFEPASSAGE_EMAIL_BACKEND="file",
        DJANGO_SETTINGS_MODULE="safepassage.settings",
    )
    database = params = None
    if connection.vendor == "postgresql":
        database = f"attack_seizure_{secrets.token_hex(4)}"
        env["SAFEPASSAGE_DATABASE_URL"], params = _postgres_database(database)
    try:
        run = subprocess.run(
            [sys.executable, str(POPULATION), str(out)],
            env=env,
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert run.returncode == 0, run.stderr.decode("utf-8", "replace")[-4000:]
        artifacts = {"log": run.stdout + b"\n" + run.stderr}
        sqlite_file = out / "seized" / "safepassage.sqlite3"
        if database:
            artifacts["pg_dump"] = _pg_dump(database, params)
            cache = session = []  # in the dump; decoded below from the dump's rows
        else:
            artifacts["database file"] = sqlite_file.read_bytes()
            wal = sqlite_file.with_name(sqlite_file.name + "-wal")
            artifacts["WAL"] = wal.read_bytes() if wal.exists() else b""
            cache = _sqlite_tables(sqlite_file, "SELECT value FROM safepassage_cache")
            session = _sqlite_tables(sqlite_file, "SELECT session_data FROM django_session")
        if database:
            with _pg_cursor(database, params) as cursor:
                cursor.execute("SELECT value FROM safepassage_cache")
                cache = [row[0] for row in cursor.fetchall()]
                cursor.execute("SELECT session_data FROM django_session")
                session = [row[0] for row in cursor.fetchall()]
        artifacts["cache and sessions, decoded"] = leaks.decoded_blobs([*cache, *session])
    finally:
        if database:
            _drop_postgres_database(database, params)
    truth = json.loads((out / "truth.json").read_text(encoding="utf-8"))
    return {
        "truth": truth,
        "artifacts": artifacts,
        "mail": list(leaks.mail_messages(out / "var" / "mail")),
    }


class _pg_cursor:
    def __init__(self, name: str, params: dict) -> None:
        self.name, self.params = name, params

    def __enter__(self):
        import psycopg

        self.conn = psycopg.connect(**{**self.params, "dbname": self.name}, autocommit=True)
        return self.conn.cursor()

    def __exit__(self, *exc) -> None:
        self.conn.close()


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
            "MB searched": searched // 1_000_000,
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
