"""Generated populations and an attacker written apart from the code under test: its
variables are the atomic cells themselves (no equivalence classes, no components)."""

from __future__ import annotations

import itertools
import math

import numpy as np
from hypothesis import strategies as st
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from safepassage.cases.models import Province
from safepassage.reports.disclosure import Person

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
QUARTERS = [MONTHS[i : i + 3] for i in range(0, 12, 3)]
SURNAMES = ["Kim OO", "Ri OO", "박 OO", "王 OO", "S OO", ""]
VALUES = {
    "sex": ["female", "male", ""],
    "age": ["adult", "teen", "child", ""],
    "home": [*sorted(Province.values), "abroad", "not_recorded"],
    "family_size": ["1", "2", "3", "4", "5+"],
}

member = st.tuples(
    st.sampled_from(["female", "female", "male", ""]),
    st.one_of(st.none(), st.integers(1940, 2025)),
    st.sampled_from(["", *Province.values]),
    st.sampled_from([False] * 9 + [True]),  # born abroad, now and then
    st.sampled_from(SURNAMES),
)
family = st.tuples(st.sampled_from(MONTHS), st.lists(member, min_size=1, max_size=4))
populations = st.lists(family, min_size=0, max_size=30)


def people_of(families) -> list[Person]:
    found = []
    for number, (month, members) in enumerate(families):
        for sex, born, province, abroad, surname in members:
            found.append(
                Person(
                    family=f"family-{number}",
                    month=month,
                    sex=sex,
                    birth_year=born,
                    province="" if abroad else province,
                    born_abroad=abroad,
                    surname=surname,
                )
            )
    return found


def attributes(person: Person, sizes: dict[str, int]) -> dict[str, str]:
    """The finest-level values, computed here and not by the package."""
    age = ""
    if person.birth_year is not None:
        years = int(person.month[:4]) - person.birth_year
        age = "child" if years < 13 else "teen" if years < 18 else "adult"
    n = sizes[person.family]
    return {
        "month": person.month,
        "sex": person.sex,
        "age": age,
        "home": "abroad" if person.born_abroad else (person.province or "not_recorded"),
        "family_size": str(n) if n < 5 else "5+",
    }


def counts(figure, people_attrs) -> tuple[int, int]:
    """(people, families) a figure's definition counts."""
    found = [
        (attrs, fam)
        for attrs, fam in people_attrs
        if attrs["month"] in figure["months"]
        and all(attrs[d] in v for d, v in figure["where"].items())
    ]
    return len(found), len({fam for _a, fam in found})


def atomic_intervals(figures) -> dict[str, tuple[int, float]]:
    """Each hidden figure's [min, max] over whole non-negative atomic cells."""
    dims = sorted({d for f in figures for d in f["where"]})
    months = sorted({m for f in figures for m in f["months"]})
    atoms = list(itertools.product(months, *(VALUES[d] for d in dims)))
    rows = []
    for f in figures:
        allowed = [set(f["months"]), *(set(f["where"].get(d, VALUES[d])) for d in dims)]
        rows.append(
            [int(all(a in s for a, s in zip(atom, allowed, strict=True))) for atom in atoms]
        )
    matrix = sparse.csr_array(np.array(rows, dtype=float))
    eq = [i for i, f in enumerate(figures) if f["value"] is not None and f["op"] == "="]
    ge = [i for i, f in enumerate(figures) if f["value"] is not None and f["op"] == ">="]
    eq_b = np.array([figures[i]["value"] for i in eq], dtype=float)
    ge_b = np.array([figures[i]["value"] for i in ge], dtype=float)

    def solve(cost):
        result = linprog(
            cost,
            A_eq=matrix[eq] if eq else None,
            b_eq=eq_b if eq else None,
            A_ub=-matrix[ge] if ge else None,
            b_ub=-ge_b if ge else None,
            bounds=(0, None),
            method="highs",
        )
        if result.status == 0 and not np.allclose(result.x, np.round(result.x), atol=1e-6):
            constraints = []
            if eq:
                constraints.append(LinearConstraint(matrix[eq], eq_b, eq_b))
            if ge:
                constraints.append(LinearConstraint(matrix[ge], ge_b, np.inf))
            result = milp(
                cost,
                constraints=constraints,
                integrality=np.ones(len(cost)),
                bounds=Bounds(0, np.inf),
            )
        assert result.status in (0, 3), result.message
        return None if result.status == 3 else result.fun

    found = {}
    for i, f in enumerate(figures):
        if f["value"] is not None:
            continue
        cost = matrix[[i]].toarray()[0]
        low = solve(cost)
        high = solve(-cost)
        found[f["id"]] = (
            math.ceil(low - 1e-6),
            math.inf if high is None else math.floor(-high + 1e-6),
        )
    return found
