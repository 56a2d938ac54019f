"""Encrypted backups round-trip onto a fresh database, and a later shred defeats them."""

from __future__ import annotations

import json
import os
import secrets
import stat
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from django.db import connection
from tests.cli import safepassage

from safepassage.vault.tests.test_rotation_production import (
    NAMES,
    WRITE,
    production_env,
    run,
)

READ_EACH = (
    "import json\n"
    "from safepassage.vault import records\n"
    "from safepassage.vault.errors import Shredded\n"
    "from safepassage.vault.models import Secret\n"
    "out = []\n"
    "for s in Secret.objects.order_by('purpose'):\n"
    "    try:\n"
    "        out.append(records.read(s, 'value').decode())\n"
    "    except Shredded:\n"
    "        out.append('SHREDDED')\n"
    "print(json.dumps(out))\n"
)
SHRED_FIRST = (
    "from safepassage.vault import services\n"
    "from safepassage.vault.models import Secret\n"
    "services.shred(record_obj=Secret.objects.get(purpose='p0'), actor='system', "
    "reason='asked to be forgotten')\n"
)


def read_each(env) -> list[str]:
    return json.loads(run(env, "shell", "-c", READ_EACH).strip().splitlines()[-1])


def _pg_database(name: str) -> str:
    """A new database in the test run's PostgreSQL cluster; its SAFEPASSAGE_DATABASE_URL."""
    url = os.environ["SAFEPASSAGE_DATABASE_URL"]
    parts = urllib.parse.urlsplit(url)
    query = dict(urllib.parse.parse_qsl(parts.query))
    env = dict(os.environ, PGHOST=query.get("host", parts.hostname or ""))
    env["PGPORT"] = query.get("port", str(parts.port or 5432))
    env["PGUSER"] = parts.username or "postgres"
    bindir = Path(os.environ["SAFEPASSAGE_PG_BIN"])
    subprocess.run([str(bindir / "createdb"), name], env=env, check=True)
    return urllib.parse.urlunsplit(parts._replace(path="/" + name))


def _sites(tmp_path: Path, engine: str):
    key = secrets.token_urlsafe(40)
    if engine == "sqlite":
        old_db = f"sqlite:///{tmp_path / 'old.sqlite3'}"
        new_db = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    else:
        suffix = secrets.token_hex(4)
        old_db, new_db = _pg_database(f"old_{suffix}"), _pg_database(f"new_{suffix}")
    old = production_env(tmp_path, SAFEPASSAGE_BACKUP_KEY=key, SAFEPASSAGE_DATABASE_URL=old_db)
    # The fresh machine: the same keys, an empty database.
    new = dict(old, SAFEPASSAGE_DATABASE_URL=new_db)
    return old, new


def _round_trip_defeated_by_a_later_shred(tmp_path: Path, engine: str) -> None:
    old, new = _sites(tmp_path, engine)
    backups = tmp_path / "backups"
    archive1, archive2, keys = backups / "one.spbak", backups / "two.spbak", backups / "latest.keys"
    run(old, "migrate", "--noinput")
    run(old, "shell", "-c", WRITE.format(names=NAMES))

    run(old, "backup", str(archive1), "--keys", str(keys))
    first_keys = keys.read_bytes()
    run(old, "shell", "-c", SHRED_FIRST)
    run(old, "backup", str(archive2), "--keys", str(keys))
    assert keys.read_bytes() != first_keys
    for path in (archive1, archive2, keys):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert not any(name.encode() in path.read_bytes() for name in NAMES)
    assert sorted(p.name for p in backups.iterdir()) == ["latest.keys", "one.spbak", "two.spbak"]

    # The OLD archive, restored with what a restored site holds (the latest key file):
    # the person shredded after it stays shredded, everyone else reads.
    out = run(new, "restore", str(archive1), "--keys", str(keys))
    assert "1 shredded since" in out
    assert read_each(new) == ["SHREDDED", *NAMES[1:]]
    assert "OK" in run(new, "audit", "verify")

    # Into a database that is not empty: refused.
    refused = safepassage(new, "restore", str(archive2), "--keys", str(keys))
    assert refused.returncode != 0
    assert "empty database" in refused.stderr


@pytest.mark.django_db
def test_a_backup_round_trips_on_sqlite_and_a_later_shred_defeats_it(tmp_path):
    _round_trip_defeated_by_a_later_shred(tmp_path, "sqlite")


@pytest.mark.postgres_only
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL")
def test_a_backup_round_trips_on_postgresql_and_a_later_shred_defeats_it(tmp_path):
    _round_trip_defeated_by_a_later_shred(tmp_path, "postgresql")


KILLED_MIDWAY = (
    "import os, signal\n"
    "from pathlib import Path\n"
    "from safepassage.vault import backups\n"
    "whole = backups._file_pieces\n"
    "def pieces(path):\n"
    "    for number, piece in enumerate(whole(path)):\n"
    "        if number == 1:\n"
    "            os.kill(os.getpid(), signal.SIGKILL)\n"
    "        yield piece\n"
    "backups._file_pieces = pieces\n"
    "backups.backup(archive=Path({archive!r}), keys=Path({keys!r}))\n"
)


def test_a_backup_killed_midway_or_altered_is_refused_and_the_keyring_comes_back(tmp_path):
    old, new = _sites(tmp_path, "sqlite")
    out = tmp_path / "out"
    archive, keys = out / "a.spbak", out / "latest.keys"
    run(old, "migrate", "--noinput")
    run(old, "shell", "-c", WRITE.format(names=NAMES))
    run(old, "backup", str(archive), "--keys", str(keys), "--with-keyring")
    before = {path.name: path.read_bytes() for path in out.iterdir()}

    killed = safepassage(
        old, "shell", "-c", KILLED_MIDWAY.format(archive=str(archive), keys=str(keys))
    )
    assert killed.returncode == -9
    # The archive and key file in place are still the previous, complete ones; the killed
    # run left only a .partial file, which a restore refuses.
    partial = [path for path in out.iterdir() if path.name not in before]
    assert [path.name.endswith(".partial") for path in partial] == [True]
    assert {name: (out / name).read_bytes() for name in before} == before
    result = safepassage(new, "restore", str(partial[0]), "--keys", str(keys))
    assert "ends in the middle" in result.stderr or "failed authentication" in result.stderr

    # The archive taken --with-keyring brings the master keys to a machine without them.
    keyring = Path(new["SAFEPASSAGE_VAULT_KEYRING_FILE"])
    fresh = dict(new, SAFEPASSAGE_VAULT_KEYRING_FILE=str(tmp_path / "fresh" / "keyring.json"))
    run(fresh, "restore", str(archive), "--keys", str(keys), "--keyring")
    restored = Path(fresh["SAFEPASSAGE_VAULT_KEYRING_FILE"])
    assert json.loads(restored.read_text()) == json.loads(keyring.read_text())
    assert stat.S_IMODE(restored.stat().st_mode) == 0o600
    assert read_each(fresh) == NAMES

    # Cut short, altered, sealed under another key, or a key file passed as an archive.
    data = archive.read_bytes()
    cut = tmp_path / "cut.spbak"
    cut.write_bytes(data[: len(data) - 100])
    altered = tmp_path / "altered.spbak"
    altered.write_bytes(data[:200] + bytes([data[200] ^ 1]) + data[201:])
    empty = dict(new, SAFEPASSAGE_DATABASE_URL=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    for bad in (cut, altered):
        result = safepassage(empty, "restore", str(bad), "--keys", str(keys))
        assert result.returncode != 0
        assert "failed authentication" in result.stderr or "ends in the middle" in result.stderr
    other = dict(empty, SAFEPASSAGE_BACKUP_KEY=secrets.token_urlsafe(40))
    result = safepassage(other, "restore", str(archive), "--keys", str(keys))
    assert "failed authentication" in result.stderr
    result = safepassage(empty, "restore", str(keys), "--keys", str(keys))
    assert "another kind" in result.stderr
