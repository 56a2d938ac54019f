"""What the audit log costs writers that run at the same time.

    .venv/bin/python scripts/pg_throwaway.py -- .venv/bin/python -m bench.audit [--tiny]

Writers are separate processes (as app servers and task workers are), each with its own
database connection, writing as many transactions as they can for a few seconds. Three
kinds of transaction, timed in the same run, interleaved:

- *raw*: one INSERT into a plain table, then COMMIT: the baseline, what the machine and
  the database give without the audit log;
- *one chain*: the same INSERT and one ``audit.record`` in the same transaction, with the
  log held to a single chain (``record(..., chain=1)``, the log before issue 13): every
  audited write waits for the one head row;
- *chains*: the same with the log as it is (up to ``audit.chains.CHAINS`` chains).

``--hold-ms M`` makes every transaction (raw ones too) wait M ms after its entry before it
commits: the statements and round trips that follow an audit entry in a real service, on
a database across a network, while the head stays locked. It is a model, and says so in
the table's head; with it, the cost of one lock for every writer shows even on 2 CPUs.

The figure that matters is how throughput grows with writers: target, 4 writers reach at
least 3x one writer's audited throughput. The raw column says how far this machine lets
anything grow (on 2 CPUs, not far): the "of raw" column divides the audited growth by the
raw growth, 1.0 meaning the log adds no queueing of its own. On SQLite every write is
serialised by the database itself, so the figures only show that the benchmark runs.
"""

from __future__ import annotations

import argparse
import multiprocessing
import statistics
import sys
import time

from bench.harness import TINY_VERDICT, add_tiny_option, describe_site, is_tiny, throwaway_site

TARGET = 3.0
KINDS = ("raw", "one chain", "chains")


def _writer(kind: str, number: int, seconds: float, hold: float, start, results) -> None:
    """One writer process: count the transactions committed within ``seconds``."""
    from django.db import connection, transaction

    from safepassage.audit.chain import record

    # One chain: every writer waits for chain 1's head, as every audited write did before.
    pinned = 1 if kind == "one chain" else None
    connection.ensure_connection()
    start.wait()
    deadline = time.perf_counter() + seconds
    done = 0
    while time.perf_counter() < deadline:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO bench_audit_raw (writer, n) VALUES (%s, %s)", [number, done]
                )
            if kind != "raw":
                record(
                    actor=f"bench writer {number}",
                    action="bench.written",
                    data={"n": done},
                    chain=pinned,
                )
            if hold:
                time.sleep(hold)  # the rest of the transaction, waiting on the network
        done += 1
    connection.close()
    results.put(done / seconds)


def run_once(kind: str, writers: int, seconds: float, hold: float) -> float:
    """Transactions per second of ``writers`` writers of ``kind``, together."""
    from django.db import connections

    connections.close_all()  # children must not share the parent's socket
    context = multiprocessing.get_context("fork")
    start, results = context.Event(), context.Queue()
    processes = [
        context.Process(target=_writer, args=(kind, n, seconds, hold, start, results))
        for n in range(writers)
    ]
    for process in processes:
        process.start()
    time.sleep(0.2)  # every child connected
    start.set()
    rates = [results.get(timeout=seconds + 60) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        if process.exitcode != 0:
            raise RuntimeError(f"a {kind} writer failed (exit code {process.exitcode})")
    return sum(rates)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_tiny_option(parser)
    parser.add_argument("--seconds", type=float, default=3.0, help="per run (default 3)")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (default 3)")
    parser.add_argument(
        "--hold-ms",
        type=float,
        default=0.0,
        help="after the entry, wait this long before the commit (default 0)",
    )
    args = parser.parse_args(argv)
    seconds, runs, counts = args.seconds, args.runs, (1, 4, 8)
    if is_tiny():
        seconds, runs, counts = 0.3, 1, (1, 2)

    with throwaway_site():
        from django.db import connection

        from safepassage.audit.chain import verify

        print(describe_site())
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE bench_audit_raw (id INTEGER PRIMARY KEY, writer INTEGER, n INTEGER)"
                if connection.vendor == "sqlite"
                else "CREATE TABLE bench_audit_raw (id bigserial PRIMARY KEY, writer int, n int)"
            )
        rates: dict[tuple[str, int], list[float]] = {}
        for round_number in range(runs):
            for writers in counts:
                order = KINDS if round_number % 2 == 0 else tuple(reversed(KINDS))
                for kind in order:
                    rates.setdefault((kind, writers), []).append(
                        run_once(kind, writers, seconds, args.hold_ms / 1000)
                    )
        median = {key: statistics.median(values) for key, values in rates.items()}
        result = verify()

        print(
            f"{seconds:g} s per run, {runs} runs per figure (medians), writers in processes,"
            f" {args.hold_ms:g} ms held after the entry"
        )
        header = (
            f"{'writers':>7} {'raw tx/s':>9} {'one chain':>10} {'chains':>8}  "
            f"{'growth raw':>10} {'one chain':>10} {'chains':>8} {'of raw':>7}"
        )
        print(header)
        print("-" * len(header))
        for writers in counts:
            growth = {kind: median[kind, writers] / median[kind, 1] for kind in KINDS}
            print(
                f"{writers:>7} {median['raw', writers]:>9.0f} {median['one chain', writers]:>10.0f}"
                f" {median['chains', writers]:>8.0f}  {growth['raw']:>9.2f}x"
                f" {growth['one chain']:>9.2f}x {growth['chains']:>7.2f}x"
                f" {growth['chains'] / growth['raw']:>7.2f}"
            )
        print(
            f"audit verify: {'OK' if result.ok else 'BROKEN'}, {result.checked} entries in "
            f"{result.chains} chains"
        )
        if not result.ok:
            print(result.reason)
            return 1
        if is_tiny():
            print(TINY_VERDICT)
        elif 4 in counts:
            growth = median["chains", 4] / median["chains", 1]
            verdict = "PASS" if growth >= TARGET else "OVER"
            print(
                f"4 writers: {growth:.2f}x one writer's audited throughput "
                f"(target >= {TARGET:.1f}x): {verdict}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
