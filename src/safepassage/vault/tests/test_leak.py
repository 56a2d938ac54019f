"""A seized database reveals no one: no protected plaintext in the raw storage, in any
encoding the code could have produced."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection
from tests.cli import clean_env

from safepassage.accounts.models import Role
from safepassage.testing.members import default_team, make_member, signed_in_client
from safepassage.testing.people import make_person
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


# Run in a child process against a database file of its own (the suite's SQLite database is
# in memory, and its PostgreSQL run has no file to read). The child reads the file and its
# -wal while its connection is still open: closing the last connection would checkpoint
# the log by itself and hide a shred that left the key behind.
SHRED_IN_A_FILE = """
import json, os, sys
import django
django.setup()
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
from safepassage.cases.models import Person, Team
from safepassage.cases.services import case_open, person_add
from safepassage.vault import services
from safepassage.vault.models import DataKey

path = connection.settings_dict["NAME"]
def raw():
    return b"".join(
        open(p, "rb").read() for p in (path, path + "-wal") if os.path.exists(p)
    )

case = case_open(actor=None, team=Team.objects.create(name="file test"), country="CN")
# The phone's pseudonym ("•••35") starts with what a shred leaves ("•••"), and in the
# row the next stored value is the case's id (hex): an id starting with "35" would spell
# the pseudonym by chance after the shred. A phone ending otherwise rules that out.
phone = sys.argv[2]
if case.pk.hex[:2] == phone[-2:]:
    phone = phone[:-1] + str((int(phone[-1]) + 1) % 10)
person = person_add(actor=None, case=case, real_name=sys.argv[1], phone=phone, sex="female")
stored = Person.objects.get(pk=person.pk)
secrets = {
    "wrapped key": bytes(DataKey.objects.get(pk=stored.data_key_id).wrapped),
    "name pseudonym": stored.real_name_masked.encode(),
    "phone pseudonym": stored.phone_masked.encode(),
    "name index": stored.real_name_bidx.encode(),
    "phone index": stored.phone_bidx.encode(),
}
before = sorted(name for name, value in secrets.items() if value in raw())
services.shred(record_obj=stored, actor="file test", reason="file test")
with connection.cursor() as cursor:
    cursor.execute("PRAGMA secure_delete")
    secure_delete = cursor.fetchone()[0]
after = sorted(name for name, value in secrets.items() if value in raw())
print(json.dumps({
    "before": before,
    "after": after,
    "secure_delete": secure_delete,
    "init_command": connection.settings_dict["OPTIONS"]["init_command"],
    "wal_bytes": os.path.getsize(path + "-wal") if os.path.exists(path + "-wal") else 0,
}))
"""


def test_a_shred_leaves_no_key_pseudonym_or_index_in_the_sqlite_file_or_its_wal(tmp_path):
    env = clean_env(
        SAFEPASSAGE_MODE="test",
        SAFEPASSAGE_DATABASE_URL=f"sqlite:///{tmp_path / 'shred.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "-c", SHRED_IN_A_FILE, "Ryang Sŏnhŭi-Ul", "+86 137 9246 8135"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    # The reader sees the values before the shred, so their absence after it means something.
    assert found["before"] == [
        "name index",
        "name pseudonym",
        "phone index",
        "phone pseudonym",
        "wrapped key",
    ]
    # Debian builds SQLite with secure_delete on; the settings turn it on wherever not.
    assert "PRAGMA secure_delete=ON" in found["init_command"]
    assert found["secure_delete"] == 1
    assert found["after"] == []
    assert found["wal_bytes"] == 0
