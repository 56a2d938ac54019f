"""A site run in a child process (``population.py``) whose storage the probes then attack:
read it as a thief would (``test_seizure``), rewrite it as an intruder would (``test_audit``)."""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from tests.cli import clean_env

POPULATION = Path(__file__).with_name("population.py")


@dataclass
class Site:
    out: Path
    env: dict[str, str]
    log: bytes = b""
    database: str = ""  # PostgreSQL only: the site's own database in the test cluster
    params: dict = field(default_factory=dict)

    @property
    def var(self) -> Path:
        return self.out / "var"

    @property
    def sqlite_file(self) -> Path:
        return self.var / "safepassage.sqlite3"

    def connect(self, database: str | None = None):
        """A raw connection, as an intruder with the database's own credentials has."""
        if not self.database:
            return sqlite3.connect(database or self.sqlite_file, isolation_level=None)
        import psycopg

        return psycopg.connect(
            **{**self.params, "dbname": database or self.database}, autocommit=True
        )

    def copy(self, tag: str) -> Site:
        """A copy to damage: the var folder (keys, and the SQLite file), a database cloned
        from this one on PostgreSQL."""
        out = self.out.with_name(f"{self.out.name}-{tag}")
        shutil.copytree(self.var, out / "var")
        env = dict(self.env, SAFEPASSAGE_VAR_DIR=str(out / "var"))
        copy = Site(out=out, env=env, params=self.params)
        if self.database:
            copy.database = f"{self.database}_{tag}"
            with self.connect("postgres") as admin:
                admin.execute(f'CREATE DATABASE "{copy.database}" TEMPLATE "{self.database}"')
            env["SAFEPASSAGE_DATABASE_URL"] = _url(copy.database)
        return copy

    def drop(self) -> None:
        if self.database:
            with self.connect("postgres") as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def pg_dump(self) -> bytes:
        bindir = Path(os.environ.get("SAFEPASSAGE_PG_BIN", "/usr/lib/postgresql/15/bin"))
        env = dict(
            os.environ,
            PGHOST=str(self.params.get("host", "")),
            PGPORT=str(self.params.get("port", "")),
            PGUSER=self.params.get("user") or "postgres",
        )
        return subprocess.run(
            [str(bindir / "pg_dump"), "--no-owner", self.database],
            env=env,
            capture_output=True,
            check=True,
            timeout=120,
        ).stdout


def _url(database: str) -> str:
    return urlunsplit(
        urlsplit(os.environ["SAFEPASSAGE_DATABASE_URL"])._replace(path=f"/{database}")
    )


def run_site(out: Path, *, vendor: str, params: dict) -> Site:
    """Build and use the organisation in a child process against a database of its own."""
    env = clean_env(
        SAFEPASSAGE_MODE="demo",
        SAFEPASSAGE_VAR_DIR=str(out / "var"),
        SAFEPASSAGE_EMAIL_BACKEND="file",
        DJANGO_SETTINGS_MODULE="safepassage.settings",
    )
    site = Site(out=out, env=env)
    if vendor == "postgresql":
        site.params = {k: params[k] for k in ("host", "port", "user", "password") if params.get(k)}
        site.database = f"attack_site_{secrets.token_hex(4)}"
        with site.connect("postgres") as admin:
            admin.execute(f'CREATE DATABASE "{site.database}"')
        env["SAFEPASSAGE_DATABASE_URL"] = _url(site.database)
    run = subprocess.run(
        [sys.executable, str(POPULATION), str(out)],
        env=env,
        capture_output=True,
        timeout=300,
        check=False,
    )
    if run.returncode != 0:
        site.drop()
        raise AssertionError(run.stderr.decode("utf-8", "replace")[-4000:])
    site.log = run.stdout + b"\n" + run.stderr
    return site
