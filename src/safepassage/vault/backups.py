"""Encrypted backups that a later shred still defeats.

``backup`` writes two files, each sealed under the backup key (``sealedstream``):

- the **archive** (kept for as long as backups are kept): the database as the engine's own
  tool dumps it (PostgreSQL: ``pg_dump --format=custom``; SQLite: the online backup API),
  the data-key table *without* its wrapped keys, and the keyring only if asked;
- the **key file** (short-lived): every data key still wrapped, by id. Each backup replaces
  it, and the previous one is overwritten and deleted.

A restore needs an archive and the *latest* key file. A person shredded after the archive
was taken has no wrapped key in any later key file, so on the restored site their data key
is shredded again and their protected values raise ``Shredded``, while everyone else reads.
Uploads are not part of a backup because the site keeps none on disk: sealed values live in
the database.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import secrets
import shutil
import sqlite3
import struct
import subprocess
import tempfile
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from safepassage.audit.chain import record
from safepassage.vault import keyring, sealedstream
from safepassage.vault.errors import VaultError, VaultIntegrityError
from safepassage.vault.models import DataKey

FORMAT = 1
ARCHIVE, KEYS = b"A", b"K"
DATAKEY_TABLE = DataKey._meta.db_table
_FRAME = struct.Struct(">cI")


class BackupError(VaultError):
    """A backup or restore that cannot go on; the message says why."""


def backup_key() -> str:
    if not settings.BACKUP_KEY:
        raise BackupError("set SAFEPASSAGE_BACKUP_KEY (or SAFEPASSAGE_BACKUP_KEY_FILE) first")
    return settings.BACKUP_KEY


# --- writing and reading members --------------------------------------------------------------


class _Members:
    """Named members in a sealed stream: frames of kind (M start, D data, Z end) and length."""

    def __init__(self, writer: sealedstream.Writer) -> None:
        self.writer = writer

    def add(self, name: str, pieces: Iterable[bytes]) -> None:
        self._frame(b"M", name.encode())
        for piece in pieces:
            if piece:
                self._frame(b"D", piece)

    def finish(self) -> None:
        self._frame(b"Z", b"")
        self.writer.close()

    def _frame(self, kind: bytes, payload: bytes) -> None:
        self.writer.write(_FRAME.pack(kind, len(payload)) + payload)


def _members(path: Path, kind: bytes) -> Iterator[tuple[str, Iterator[bytes]]]:
    """Each member's name and its data, read once, in order; raises if the file was cut."""
    with path.open("rb") as source:
        stream = _Bytes(sealedstream.chunks(source, secret=backup_key(), kind=kind))
        name = None
        while True:
            kind_byte, length = _FRAME.unpack(stream.read(_FRAME.size))
            payload = stream.read(length)
            if kind_byte == b"M":
                name = payload.decode()
                yield name, stream.data_frames()
            elif kind_byte == b"Z":
                return
            else:
                raise VaultIntegrityError(f"unexpected frame in {path.name}")


class _Bytes:
    def __init__(self, chunks: Iterator[bytes]) -> None:
        self.chunks = chunks
        self.buffer = bytearray()
        self.pending: tuple[bytes, int] | None = None

    def read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            try:
                self.buffer += next(self.chunks)
            except StopIteration:
                raise VaultIntegrityError("the sealed file ends in the middle") from None
        out = bytes(self.buffer[:n])
        del self.buffer[:n]
        return out

    def data_frames(self) -> Iterator[bytes]:
        while True:
            head = self.read(_FRAME.size)
            kind, length = _FRAME.unpack(head)
            if kind != b"D":
                self.buffer[:0] = head
                return
            yield self.read(length)


def _read_member(path: Path, kind: bytes, wanted: str) -> Iterator[bytes]:
    for name, data in _members(path, kind):
        if name == wanted:
            yield from data
            return
        for _piece in data:
            pass
    raise BackupError(f"{path.name} has no {wanted}")


@contextmanager
def _sealed_file(path: Path, kind: bytes):
    """Write ``path`` under a temporary name (0600), fsync, then rename: a killed backup
    leaves a ``.partial`` file, never one that looks complete."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as out:
            members = _Members(sealedstream.Writer(out, secret=backup_key(), kind=kind))
            yield members
            members.finish()
            out.flush()
            os.fsync(out.fileno())
        _replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _replace(tmp: Path, path: Path) -> None:
    """Rename over ``path``; what it held is overwritten first (best effort: a copy-on-write
    filesystem or an SSD may keep old blocks, so keep key files on plain storage)."""
    if path.exists():
        size = path.stat().st_size
        with path.open("r+b") as old:
            old.write(b"\0" * size)
            old.flush()
            os.fsync(old.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def _json_lines(rows: Iterable[dict]) -> Iterator[bytes]:
    for row in rows:
        yield (json.dumps(row, default=str) + "\n").encode()


def _parse_lines(pieces: Iterable[bytes]) -> Iterator[dict]:
    rest = b""
    for piece in pieces:
        rest += piece
        *lines, rest = rest.split(b"\n")
        for line in lines:
            yield json.loads(line)


# --- backup ---------------------------------------------------------------------------------


def backup(*, archive: Path, keys: Path, with_keyring: bool = False) -> dict:
    """Write the archive, then replace the key file. Returns the manifest."""
    backup_key()
    with transaction.atomic():
        record(actor="system", action="vault.backup_taken", data={"keyring": with_keyring})
    manifest = {
        "format": FORMAT,
        "engine": connection.vendor,
        "created_at": timezone.now().isoformat(),
        "with_keyring": with_keyring,
    }
    with _sealed_file(archive, ARCHIVE) as members:
        members.add("manifest.json", [json.dumps(manifest).encode()])
        if connection.vendor == "sqlite":
            with _sqlite_copy() as copy:
                rows = _datakey_rows(copy)
                _strip_datakeys(copy)
                members.add("database", _file_pieces(copy))
        elif connection.vendor == "postgresql":
            members.add("database", _pg_dump())
            rows = _datakey_rows_orm()
        else:
            raise BackupError(f"no backup for {connection.vendor}")
        members.add(
            "datakeys.jsonl",
            _json_lines({k: v for k, v in r.items() if k != "wrapped"} for r in rows),
        )
        if with_keyring:
            members.add("keyring.json", [keyring.load().to_json().encode()])
    wrapped = [r for r in rows if r["wrapped"] is not None]
    with _sealed_file(keys, KEYS) as members:
        members.add("manifest.json", [json.dumps(manifest).encode()])
        members.add("wrapped.jsonl", _json_lines(wrapped))
    manifest["data_keys"] = len(rows)
    manifest["wrapped"] = len(wrapped)
    return manifest


@contextmanager
def _sqlite_copy():
    """A consistent copy of the SQLite database, in a private folder beside it."""
    source = Path(settings.DATABASES["default"]["NAME"])
    folder = Path(tempfile.mkdtemp(prefix=".backup-", dir=source.parent))
    copy = folder / "copy.sqlite3"
    try:
        src = sqlite3.connect(source)
        dst = sqlite3.connect(copy)
        try:
            src.backup(dst)
        finally:
            src.close()
            dst.close()
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _datakey_rows(path: Path) -> list[dict]:
    db = sqlite3.connect(path)
    try:
        cursor = db.execute(
            f"SELECT id, master_key_id, wrapped, shredded_at, created_at, updated_at "  # noqa: S608
            f"FROM {DATAKEY_TABLE}"
        )
        return [_row(*values) for values in cursor]
    finally:
        db.close()


def _datakey_rows_orm() -> list[dict]:
    values = DataKey.objects.values_list(
        "id", "master_key_id", "wrapped", "shredded_at", "created_at", "updated_at"
    )
    return [_row(*row) for row in values.iterator()]


def _row(id_, master_key_id, wrapped, shredded_at, created_at, updated_at) -> dict:
    return {
        "id": str(id_).replace("-", ""),
        "master_key_id": master_key_id,
        "wrapped": base64.b64encode(bytes(wrapped)).decode() if wrapped is not None else None,
        "shredded_at": str(shredded_at) if shredded_at else None,
        "created_at": str(created_at),
        "updated_at": str(updated_at),
    }


def _strip_datakeys(path: Path) -> None:
    """Empty the copy's data-key table, leaving no wrapped key in its free pages."""
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA journal_mode=DELETE")
        db.execute("PRAGMA secure_delete=ON")
        db.execute(f"DELETE FROM {DATAKEY_TABLE}")  # noqa: S608
        db.commit()
        db.execute("VACUUM")
    finally:
        db.close()


def _file_pieces(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while piece := handle.read(sealedstream.CHUNK):
            yield piece


def _pg_env() -> tuple[dict[str, str], str]:
    params = connection.get_connection_params()
    env = dict(os.environ)
    for var, key in (("PGHOST", "host"), ("PGPORT", "port"), ("PGUSER", "user")):
        if params.get(key):
            env[var] = str(params[key])
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    return env, params["dbname"]


def _pg_tool(name: str) -> str:
    bindir = os.environ.get("SAFEPASSAGE_PG_BIN", "")
    found = str(Path(bindir) / name) if bindir else shutil.which(name)
    if not found or not Path(found).exists():
        raise BackupError(f"{name} not found: put it on PATH or set SAFEPASSAGE_PG_BIN")
    return found


def _pg_dump() -> Iterator[bytes]:
    env, dbname = _pg_env()
    command = [
        _pg_tool("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--exclude-table-data={DATAKEY_TABLE}",
        dbname,
    ]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as p:  # noqa: S603
        while piece := p.stdout.read(sealedstream.CHUNK):
            yield piece
        error = p.stderr.read()
    if p.returncode != 0:
        raise BackupError(f"pg_dump failed: {error.decode(errors='replace').strip()}")


# --- restore --------------------------------------------------------------------------------


def restore(*, archive: Path, keys: Path, restore_keyring: bool = False) -> dict:
    """Bring back the archive's database into an empty one, with the data keys the latest
    key file still holds; every other data key comes back shredded."""
    backup_key()
    if connection.introspection.table_names():
        raise BackupError("restore needs an empty database (this one has tables)")
    manifest = json.loads(b"".join(_read_member(archive, ARCHIVE, "manifest.json")))
    if manifest.get("format") != FORMAT:
        raise BackupError("archive of an unknown format")
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"the archive is of a {manifest['engine']} site, not {connection.vendor}")
    key_manifest = json.loads(b"".join(_read_member(keys, KEYS, "manifest.json")))
    if key_manifest["created_at"] < manifest["created_at"]:
        raise BackupError("the key file is older than the archive: use the latest key file")
    wrapped = {r["id"]: r for r in _parse_lines(_read_member(keys, KEYS, "wrapped.jsonl"))}
    rows = []
    shredded_now = 0
    for row in _parse_lines(_read_member(archive, ARCHIVE, "datakeys.jsonl")):
        latest = wrapped.get(row["id"])
        if latest is not None:
            row.update(wrapped=latest["wrapped"], master_key_id=latest["master_key_id"])
        else:
            row["wrapped"] = None
            if not row["shredded_at"]:
                row["shredded_at"] = key_manifest["created_at"]
                shredded_now += 1
        rows.append(row)
    if connection.vendor == "sqlite":
        _restore_sqlite(archive, rows)
    else:
        _restore_pg(archive, rows)
    if restore_keyring:
        _restore_keyring(archive, manifest)
    connection.close()
    with transaction.atomic():
        record(
            actor="system",
            action="vault.restored",
            data={"archive_created_at": manifest["created_at"], "shredded": shredded_now},
        )
    return {"data_keys": len(rows), "shredded_since": shredded_now, **manifest}


def _restore_sqlite(archive: Path, rows: list[dict]) -> None:
    target = Path(settings.DATABASES["default"]["NAME"])
    folder = Path(tempfile.mkdtemp(prefix=".restore-", dir=target.parent))
    try:
        copy = folder / "restore.sqlite3"
        fd = os.open(copy, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            for piece in _read_member(archive, ARCHIVE, "database"):
                out.write(piece)
        db = sqlite3.connect(copy)
        try:
            db.executemany(
                f"INSERT INTO {DATAKEY_TABLE} "  # noqa: S608
                "(id, master_key_id, wrapped, shredded_at, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [_sql_values(r) for r in rows],
            )
            db.commit()
            connection.close()
            dst = sqlite3.connect(target)
            try:
                db.backup(dst)
            finally:
                dst.close()
        finally:
            db.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _sql_values(row: dict) -> tuple:
    wrapped = base64.b64decode(row["wrapped"]) if row["wrapped"] else None
    return (
        row["id"],
        row["master_key_id"],
        wrapped,
        row["shredded_at"],
        row["created_at"],
        row["updated_at"],
    )


def _restore_pg(archive: Path, rows: list[dict]) -> None:
    _pg_restore(archive, "--section=pre-data")
    # Plain SQL, not bulk_create: auto_now would replace the rows' own times.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {DATAKEY_TABLE} "  # noqa: S608
            "(id, master_key_id, wrapped, shredded_at, created_at, updated_at) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            [_pg_values(row) for row in rows],
        )
    connection.close()
    _pg_restore(archive, "--section=data", "--section=post-data")


def _pg_values(row: dict) -> tuple:
    id_, master_key_id, wrapped, shredded_at, created_at, updated_at = _sql_values(row)
    return (
        uuid.UUID(id_),
        master_key_id,
        wrapped,
        _when(shredded_at),
        _when(created_at),
        _when(updated_at),
    )


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _pg_restore(archive: Path, *sections: str) -> None:
    env, dbname = _pg_env()
    command = [_pg_tool("pg_restore"), "--no-owner", "--no-privileges", *sections, "-d", dbname]
    with subprocess.Popen(command, env=env, stdin=subprocess.PIPE, stderr=subprocess.PIPE) as p:  # noqa: S603
        try:
            for piece in _read_member(archive, ARCHIVE, "database"):
                p.stdin.write(piece)
        finally:
            p.stdin.close()
        error = p.stderr.read()
    if p.returncode != 0:
        raise BackupError(f"pg_restore failed: {error.decode(errors='replace').strip()}")


def _restore_keyring(archive: Path, manifest: dict) -> None:
    if not manifest["with_keyring"]:
        raise BackupError("the archive holds no keyring (it was taken without --with-keyring)")
    path = Path(settings.VAULT_KEYRING_FILE)
    if path.exists():
        raise BackupError(f"{path} exists already; not overwriting a keyring")
    ring = keyring.parse(b"".join(_read_member(archive, ARCHIVE, "keyring.json")).decode())
    keyring.write(ring, path)
