"""Run every benchmark, each in a process of its own.

A benchmark configures Django, makes its own throwaway database and keys, and may register
models at run time, so each one starts from a clean interpreter. A figure over its target
is a finding, not a failure: the exit status is non-zero only when a benchmark crashed.

    python -m bench [--tiny]

``--tiny`` is passed to each one: a size that runs in seconds, no target judged (what
``make test`` runs, on SQLite and on PostgreSQL, so a benchmark that no longer runs is
caught).
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from bench import harness

BENCHMARKS = [
    "bench.vault",
    "bench.cases",
    "bench.rescue",
    "bench.funds_import",
    "bench.funds_totals",
    "bench.hope",
    "bench.reports",
    "bench.audit",
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    harness.add_tiny_option(parser)
    args = parser.parse_args(argv)
    passed = ["--tiny"] if args.tiny else []
    crashed = []
    for name in BENCHMARKS:
        print(f"=== {name}{' --tiny' if args.tiny else ''}", flush=True)
        # Fixed module names from the list above, run by this same interpreter.
        result = subprocess.run([sys.executable, "-m", name, *passed], check=False)  # noqa: S603
        if result.returncode != 0:
            crashed.append(name)
        print(flush=True)
    if crashed:
        print(f"crashed: {', '.join(crashed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
