"""Run every benchmark, each in a process of its own.

A benchmark configures Django, makes its own throwaway database and keys, and may register
models at run time, so each one starts from a clean interpreter. A figure over its target
is a finding, not a failure: the exit status is non-zero only when a benchmark crashed.
"""

from __future__ import annotations

import subprocess
import sys

BENCHMARKS = [
    "bench.vault",
    "bench.cases",
    "bench.rescue",
    "bench.funds_import",
    "bench.funds_totals",
    "bench.hope",
]


def main() -> int:
    crashed = []
    for name in BENCHMARKS:
        print(f"=== {name}", flush=True)
        # Fixed module names from the list above, run by this same interpreter.
        result = subprocess.run([sys.executable, "-m", name], check=False)  # noqa: S603
        if result.returncode != 0:
            crashed.append(name)
        print(flush=True)
    if crashed:
        print(f"crashed: {', '.join(crashed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
