"""Run a command against a throwaway PostgreSQL cluster, then remove the cluster.

    python scripts/pg_throwaway.py [--durable] -- python -m pytest

The cluster is made with the machine's own PostgreSQL server binaries (initdb, pg_ctl) in a
temporary folder, listens only on a Unix socket of its own, and is deleted afterwards even
when the command fails. PostgreSQL refuses to run as root, so as root the server runs as
the ``postgres`` system user. The command gets SAFEPASSAGE_DATABASE_URL and
SAFEPASSAGE_PG_BIN (for pg_dump) in its environment, and SAFEPASSAGE_PG_DATA (the data folder,
with ``server.log`` beside it) so that a fault test can restart the server in mid-request
(``pg_ctl restart`` keeps the options it was started with). Commits do not wait for the
disk (fsync off), which tests do not need; ``--durable`` keeps PostgreSQL's defaults, for a
benchmark of commit rates (``bench.audit``).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def find_bindir() -> Path:
    explicit = os.environ.get("SAFEPASSAGE_PG_BIN")
    candidates = [explicit] if explicit else []
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        candidates.append(out.stdout.strip())
    for candidate in candidates:
        if candidate and (Path(candidate) / "initdb").exists():
            return Path(candidate)
    sys.exit("pg_throwaway: no PostgreSQL server binaries (initdb) found; install postgresql")


def as_server_user(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


def main() -> int:
    if "--" not in sys.argv:
        sys.exit("usage: pg_throwaway.py [--durable] -- COMMAND [ARGS...]")
    command = sys.argv[sys.argv.index("--") + 1 :]
    # --durable: commits wait for the disk, as in production (benchmarks of commit rates).
    durable = "--durable" in sys.argv[: sys.argv.index("--")]
    bindir = find_bindir()
    root = Path(tempfile.mkdtemp(prefix="safepassage-pg-"))
    data, sockets = root / "data", root / "sock"
    sockets.mkdir()
    if os.geteuid() == 0:
        os.chmod(root, 0o755)  # noqa: S103  (the server user must reach its socket)
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    port = str(54000 + os.getpid() % 1000)
    started = False
    try:
        subprocess.run(
            as_server_user(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    "postgres",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = f"-p {port} -k {sockets} -c listen_addresses='' -c max_connections=100"
        if not durable:
            # Tests need no durability: commits do not wait for the disk.
            options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        subprocess.run(
            as_server_user(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(root / "server.log"),
                    "-w",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        started = True
        env = dict(
            os.environ,
            SAFEPASSAGE_DATABASE_URL=f"postgres://postgres@/postgres?host={sockets}&port={port}",
            SAFEPASSAGE_PG_BIN=str(bindir),
            SAFEPASSAGE_PG_DATA=str(data),
        )
        print(f"pg_throwaway: PostgreSQL from {bindir} on {sockets} port {port}", flush=True)
        return subprocess.run(command, env=env, check=False).returncode
    finally:
        if started:
            subprocess.run(
                as_server_user(
                    [str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
                ),
                check=False,
                stdout=subprocess.DEVNULL,
            )
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
