"""The figures the attack suite reports at the end of the run (see conftest.py)."""

from __future__ import annotations

from collections import defaultdict

FIGURES: dict[str, dict[str, int]] = defaultdict(dict)


def report(probe: str, **counts: int) -> None:
    """Record ``counts`` for ``probe``; a probe run twice (parametrised) adds up."""
    for name, count in counts.items():
        FIGURES[probe][name] = FIGURES[probe].get(name, 0) + count


def lines() -> list[str]:
    return [
        f"attack: {probe}: " + ", ".join(f"{count:,} {name}" for name, count in counts.items())
        for probe, counts in FIGURES.items()
    ]
