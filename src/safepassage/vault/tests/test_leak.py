"""A seized database reveals no one: no protected plaintext in the raw storage, in any
encoding the code could have produced."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from conftest import default_team, make_member, make_person, signed_in_client
from django.db import connection

from safepassage.accounts.models import Role
from safepassage.vault import services

SECRETS = {
    "real_name": "Yangdokhwa Sŏnhŭi-Ul",
    "korean_name": "양덕화선희울",
    "phone": "+86 137 9246 8135",
    "whereabouts": "밭 뒤 창고, 세번째 문 Zhangjiatun",
    "aliases": "Auntie Plumblossom-Q",
}


def encodings(value: str) -> set[bytes]:
    raw = value.encode("utf-8")
    forms = {
        raw,
        value.encode("utf-16-le"),
        value.encode("utf-16-be"),
        base64.b64encode(raw),
        base64.urlsafe_b64encode(raw),
        raw.hex().encode(),
        raw.hex().upper().encode(),
        json.dumps(value).encode(),  # \uXXXX escapes
        urllib.parse.quote(value).encode(),
        value.casefold().encode("utf-8"),
    }
    # A distinctive middle part too, in case a value was cut or reformatted.
    if len(value) > 12:
        forms.add(value[4:12].encode("utf-8"))
    return forms


def raw_database() -> bytes:
    if connection.vendor == "sqlite":
        return connection.connection.serialize()
    if connection.vendor == "postgresql":
        bindir = os.environ.get("SAFEPASSAGE_PG_BIN", "/usr/lib/postgresql/15/bin")
        params = connection.get_connection_params()
        env = dict(
            os.environ,
            PGHOST=str(params.get("host", "")),
            PGPORT=str(params.get("port", "")),
            PGUSER=params.get("user") or "postgres",
        )
        return subprocess.run(
            [str(Path(bindir) / "pg_dump"), "--no-owner", params["dbname"]],
            env=env,
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout
    raise AssertionError(f"no raw reader for {connection.vendor}")


@pytest.mark.django_db(transaction=True)
def test_no_protected_plaintext_reaches_the_database():
    staff = make_member(Role.Code.CASE_WORKER)
    default_team().members.add(staff.user)
    person = make_person(
        real_name=SECRETS["real_name"],
        phone=SECRETS["phone"],
        whereabouts=SECRETS["whereabouts"],
        aliases=SECRETS["aliases"],
        sex="female",
        birth_year=1988,
        province="ryanggang",
    )
    make_person(real_name=SECRETS["korean_name"], sex="female")
    # Reveal through the web page too, so sessions and audit rows exist.
    client = signed_in_client(staff)
    for field in ("real_name", "phone", "whereabouts", "aliases"):
        client.post(f"/people/{person.code}/reveal/", {"field": field, "reason": "leak test"})
    page = client.get(f"/people/{person.code}/")
    assert SECRETS["whereabouts"].encode() in page.content  # the reveal really happened
    services.shred(record_obj=person, actor="tester", reason="leak test")

    dump = raw_database()
    assert person.code.encode() in dump  # the reader really sees the stored data
    assert b"leak test" not in dump  # reasons are sealed in the audit log
    leaks = [
        (name, form) for name, value in SECRETS.items() for form in encodings(value) if form in dump
    ]
    assert leaks == []
