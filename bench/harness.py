"""What every benchmark needs: a throwaway site, interleaved timing, one table of figures.

``throwaway_site()`` never touches a database that holds anything: without
``SAFEPASSAGE_DATABASE_URL`` it makes a fresh SQLite file in a temporary folder; with one
(e.g. from ``scripts/pg_throwaway.py``) it lets Django create and later drop a separate
test database on that server, the way the test runner does.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

TINY_VERDICT = "tiny: not judged"
_tiny = False


class _TinyAction(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None) -> None:
        global _tiny
        _tiny = True
        setattr(namespace, self.dest, True)


def add_tiny_option(parser: argparse.ArgumentParser) -> None:
    """``--tiny``: a size that runs in seconds, for ``make test``; no target is judged."""
    parser.add_argument(
        "--tiny",
        action=_TinyAction,
        nargs=0,
        default=False,
        help="a size that runs in seconds (a smoke test): figures printed, no target judged",
    )


def is_tiny() -> bool:
    """Whether ``--tiny`` was given (after the parser that ``add_tiny_option`` armed ran)."""
    return _tiny


def verdict(ratio: float, target: float | None) -> str:
    """PASS or OVER against ``target``; "-" without one; never judged at the tiny size."""
    if _tiny:
        return TINY_VERDICT
    if target is None:
        return "-"
    return "PASS" if ratio <= target else "OVER"


@contextlib.contextmanager
def throwaway_site() -> Iterator[None]:
    """Configure and set up Django on a fresh, migrated database; remove it afterwards."""
    own_mode = "SAFEPASSAGE_MODE" not in os.environ
    # Test mode makes the vault keyring and the other keys in a temporary folder.
    os.environ.setdefault("SAFEPASSAGE_MODE", "test")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "safepassage.settings")
    folder = Path(tempfile.mkdtemp(prefix="safepassage-bench-"))
    own_sqlite = not os.environ.get("SAFEPASSAGE_DATABASE_URL")
    if own_sqlite:
        os.environ["SAFEPASSAGE_DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    try:
        import django

        django.setup()
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        try:
            if own_sqlite:
                call_command("migrate", verbosity=0, interactive=False)
                yield
            else:
                if connection.vendor == "sqlite":
                    # Django's test database for SQLite is in memory unless named.
                    connection.settings_dict["TEST"]["NAME"] = str(folder / "test.sqlite3")
                configured_name = settings.DATABASES["default"]["NAME"]
                # It runs createcachetable at its default verbosity; a migration has
                # already made the table, and the "already exists" note is noise here.
                with contextlib.redirect_stdout(io.StringIO()):
                    connection.creation.create_test_db(
                        verbosity=0, autoclobber=True, serialize=False
                    )
                try:
                    yield
                finally:
                    connection.creation.destroy_test_db(configured_name, verbosity=0)
        finally:
            connection.close()
            if own_mode and Path(settings.VAR_DIR).name.startswith("safepassage-test-"):
                shutil.rmtree(settings.VAR_DIR, ignore_errors=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def describe_site() -> str:
    """Python, Django and database versions, for the head of a report."""
    import cryptography
    import django
    from django.db import connection

    if connection.vendor == "postgresql":
        number = connection.pg_version
        database = f"PostgreSQL {number // 10000}.{number % 10000}"
    elif connection.vendor == "sqlite":
        database = f"SQLite {connection.Database.sqlite_version}"
    else:
        database = connection.vendor
    return (
        f"database: {database} ({connection.vendor})\n"
        f"Python {platform.python_version()} · Django {django.get_version()} · "
        f"cryptography {cryptography.__version__} · {platform.machine()}, "
        f"{os.cpu_count()} CPUs"
    )


def interleaved(
    baseline: Callable[[], object], real: Callable[[], object], *, runs: int, warmup: int
) -> tuple[list[int], list[int]]:
    """Time both callables ``runs`` times each in ABBA order, after ``warmup`` rounds.

    Alternating which one goes first cancels out any cost that falls on whichever runs
    first or second in a round (caches, garbage collection, the database's own state).
    Returns the durations in nanoseconds.
    """
    for _ in range(warmup):
        baseline()
        real()
    timed: dict[str, list[int]] = {"baseline": [], "real": []}
    steps = (("baseline", baseline), ("real", real))
    for round_number in range(runs):
        for name, function in steps if round_number % 2 == 0 else reversed(steps):
            start = time.perf_counter_ns()
            function()
            timed[name].append(time.perf_counter_ns() - start)
    return timed["baseline"], timed["real"]


def count_queries(function: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        function()
    return len(captured.captured_queries)


@dataclass
class Comparison:
    name: str
    baseline_ns: list[int]
    real_ns: list[int]
    target: float | None
    baseline_queries: int
    real_queries: int

    @property
    def baseline_ms(self) -> float:
        return statistics.median(self.baseline_ns) / 1e6

    @property
    def real_ms(self) -> float:
        return statistics.median(self.real_ns) / 1e6

    @property
    def ratio(self) -> float:
        return self.real_ms / self.baseline_ms

    @property
    def verdict(self) -> str:
        return verdict(self.ratio, self.target)


def compare(
    name: str,
    *,
    baseline: Callable[[], object],
    real: Callable[[], object],
    runs: int,
    warmup: int,
    target: float | None = None,
) -> Comparison:
    """Time ``real`` against ``baseline``; count each one's queries in one more run.

    Without a ``target`` the ratio is reported as a figure, with no verdict.
    """
    baseline_ns, real_ns = interleaved(baseline, real, runs=runs, warmup=warmup)
    return Comparison(
        name=name,
        baseline_ns=baseline_ns,
        real_ns=real_ns,
        target=target,
        baseline_queries=count_queries(baseline),
        real_queries=count_queries(real),
    )


def print_table(
    comparisons: list[Comparison], *, counted: str = "queries counted in one extra run of each"
) -> None:
    """The figures, one comparison a line; ``counted`` says where the queries were counted."""
    width = max([36, *(len(c.name) for c in comparisons)])
    judged = max([7, *(len(c.verdict) for c in comparisons)])
    header = (
        f"{'benchmark':<{width}} {'runs':>5} {'baseline ms':>12} {'real ms':>10} "
        f"{'ratio':>7} {'target':>8}  {'verdict':<{judged}} {'queries base/real':>17}"
    )
    print(header)
    print("-" * len(header))
    for c in comparisons:
        queries = f"{c.baseline_queries} / {c.real_queries}"
        target = "-" if c.target is None else f"<={c.target:.3g}x"
        print(
            f"{c.name:<{width}} {len(c.real_ns):>5} {c.baseline_ms:>12.2f} {c.real_ms:>10.2f} "
            f"{c.ratio:>6.3g}x {target:>8}  {c.verdict:<{judged}} {queries:>17}"
        )
    print(f"(medians of interleaved runs; {counted})")
