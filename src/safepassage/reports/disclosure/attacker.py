"""The attacker: what the published figures of the whole ledger say about each hidden one.

The attacker knows every published figure (equalities, and the list's lower bounds),
that counts are whole and not negative, and nothing else (a hidden cell reads "not
shown", whatever the reason). For a hidden figure it solves two linear programmes (HiGHS,
through ``highspy``, whole-number ones for a whole-number attacker) for the least and the
most the figure can be, on models kept between questions (``_Kept``).

Variables are not atomic cells (month x sex x age x home x family size, tens of thousands)
but their equivalence classes: atoms that every figure of the ledger counts alike are one
variable, found dimension by dimension (values of a dimension that every figure treats
alike merge first, then the product is merged again), so the programmes stay small
however long the history.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

from safepassage.reports.disclosure.ledger import Figure
from safepassage.reports.disclosure.records import DOMAINS

Interval = tuple[int, int | None]  # None: no upper bound
EPSILON = 1e-6


class InconsistentLedger(ValueError):
    """The published figures contradict each other (the data changed under a release)."""


def _merge(masks: np.ndarray) -> np.ndarray:
    """The distinct non-empty columns of a figures x classes mask, in a stable order."""
    keep = masks[:, masks.any(axis=0)]
    if keep.shape[1] == 0:
        return keep
    unique = np.unique(keep.T, axis=0)
    return unique.T


def _components(figures: Sequence[Figure]) -> list[tuple[str, ...]]:
    """Groups of dimensions that some figure restricts together (connected)."""
    parent = {dim: dim for dim in DOMAINS}

    def root(dim: str) -> str:
        while parent[dim] != dim:
            dim = parent[dim]
        return dim

    used = set()
    for fig in figures:
        dims = sorted(fig["where"])
        used.update(dims)
        for other in dims[1:]:
            parent[root(other)] = root(dims[0])
    groups: dict[str, list[str]] = {}
    for dim in DOMAINS:
        if dim in used:
            groups.setdefault(root(dim), []).append(dim)
    return [tuple(group) for _root, group in sorted(groups.items())] or [()]


def classes(figures: Sequence[Figure]) -> tuple[np.ndarray, np.ndarray]:
    """The figures x variables incidence matrix, and the linking rows (each = 0).

    Dimensions fall into components (dimensions some figure restricts together). Given
    per-month counts, the components are independent: any non-negative whole counts of
    each component that agree on every month class come from some population (couple
    them one month class at a time), so each component gets its own variables, month
    class by month class, and linking rows make their month-class totals agree. A figure
    restricting no dimension is counted in the first component. This is exact, for the
    linear and the whole-number attacker alike.
    """
    months = sorted({m for fig in figures for m in fig["months"]})
    index = {m: i for i, m in enumerate(months)}
    by_month = np.zeros((len(figures), len(months)), dtype=bool)
    for row, fig in enumerate(figures):
        by_month[row, [index[m] for m in fig["months"]]] = True
    month_classes = _merge(by_month)  # figures x month classes
    # Each month's class, as indicator rows, so no component's class straddles two.
    month_of = np.zeros((month_classes.shape[1], len(months)), dtype=bool)
    for c in range(month_classes.shape[1]):
        member = np.all(by_month == month_classes[:, [c]], axis=0)
        month_of[c] = member
    components = _components(figures)
    blocks, block_months = [], []
    for number, component in enumerate(components):
        own = [
            row
            for row, fig in enumerate(figures)
            if (fig["where"] and set(fig["where"]) <= set(component))
            or (not fig["where"] and number == 0)
        ]
        rows = np.zeros((len(figures) + len(month_of), len(months)), dtype=bool)
        rows[own] = by_month[own]
        rows[len(figures) :] = month_of
        combined = rows
        for dim in component:
            domain = DOMAINS[dim]
            mask = np.ones((len(rows), len(domain)), dtype=bool)
            for row in own:
                if dim in figures[row]["where"]:
                    allowed = set(figures[row]["where"][dim])
                    mask[row] = [value in allowed for value in domain]
            product = combined[:, :, None] & mask[:, None, :]
            combined = _merge(product.reshape(len(rows), -1))
        blocks.append(combined[: len(figures)])
        block_months.append(combined[len(figures) :])
    matrix = np.concatenate(blocks, axis=1).astype(np.int8)
    links = []
    for number in range(1, len(blocks)):
        for c in range(len(month_of)):
            parts = [np.zeros(block.shape[1], dtype=np.int8) for block in blocks]
            parts[0] = block_months[0][c].astype(np.int8)
            parts[number] = -block_months[number][c].astype(np.int8)
            links.append(np.concatenate(parts))
    width = matrix.shape[1]
    return matrix, (np.array(links, dtype=np.int8) if links else np.zeros((0, width), np.int8))


class Attacker:
    """The attacker's model of a ledger, built once and asked about many cells."""

    def __init__(self, figures: Sequence[Figure]):
        self.figures = list(figures)
        self.ids = [fig["id"] for fig in self.figures]
        self.row_of = {fid: row for row, fid in enumerate(self.ids)}
        if len(self.row_of) != len(self.ids):
            raise ValueError("figure ids repeat")
        matrix, links = classes(self.figures)
        self.matrix = matrix.astype(float)
        self.links = links.astype(float)
        self._sparse = sparse.csr_array(self.matrix)
        self._sparse_links = sparse.csr_array(self.links)
        self._linear = _Kept(self._sparse, self._sparse_links, integral=False)
        self._whole = _Kept(self._sparse, self._sparse_links, integral=True)
        self._ops = [fig["op"] for fig in self.figures]
        self._values = [fig["value"] for fig in self.figures]
        # The same question comes back (the protector re-checks a cell after choosing);
        # the answer depends only on the cell and which figures are known.
        self._answers: dict[tuple, Interval] = {}
        # Whole-number points found so far, by the set of known figures they satisfy.
        self._whole_points: dict[tuple, list[np.ndarray]] = {}

    @property
    def variables(self) -> int:
        return self.matrix.shape[1]

    def interval(self, fid: str, *, hidden: Iterable[str] = (), integral: bool = False) -> Interval:
        """[min, max] of figure ``fid`` given every figure with a value that is not in
        ``hidden`` (``fid`` itself is always unknown)."""
        hidden = {*hidden, fid}
        known = tuple(
            row
            for row, fid_ in enumerate(self.ids)
            if self._values[row] is not None and fid_ not in hidden
        )
        question = (fid, known, integral)
        if question not in self._answers:
            self._answers[question] = self._interval(fid, known, integral)
        return self._answers[question]

    def _interval(self, fid: str, known: tuple[int, ...], integral: bool) -> Interval:
        eq_rows = [row for row in known if self._ops[row] != ">="]
        ge_rows = [row for row in known if self._ops[row] == ">="]
        eq_values = [self._values[row] for row in eq_rows]
        ge_values = [self._values[row] for row in ge_rows]
        target = self.matrix[self.row_of[fid]]
        if not target.any():
            return (0, 0)
        high = self._solve(-target, eq_rows, eq_values, ge_rows, ge_values, integral)
        low = self._solve(target, eq_rows, eq_values, ge_rows, ge_values, integral)
        high_value = None if high is None else math.floor(-high + EPSILON)
        return (max(0, math.ceil(low - EPSILON)), high_value)

    def _solve(self, cost, eq_rows, eq_values, ge_rows, ge_values, integral) -> float | None:
        result = self._programme(cost, eq_rows, eq_values, ge_rows, ge_values, False)
        if integral and result.status == 0:
            known = (tuple(eq_rows), tuple(eq_values), tuple(ge_rows), tuple(ge_values))
            pool = self._whole_points.setdefault(known, [])
            if np.allclose(result.x, np.round(result.x), atol=EPSILON):
                # A whole-number optimum of the relaxation is the whole-number optimum.
                pool.append(np.round(result.x))
            else:
                # The whole-number optimum is at least the relaxation's, rounded up (the
                # cost counts whole people). A whole-number point of the same figures
                # found for another question that reaches it proves it is the optimum,
                # so the whole-number programme runs only when none does.
                bound = math.ceil(result.fun - EPSILON)
                if not any(abs(float(cost @ point) - bound) < EPSILON for point in pool):
                    result = self._programme(cost, eq_rows, eq_values, ge_rows, ge_values, True)
                    if result.status == 0:
                        pool.append(np.round(result.x))
                else:
                    return float(bound)
        if result.status not in (0, 2, 3):
            # HiGHS's presolve may only say "infeasible or unbounded": ask which.
            check = self._programme(
                np.zeros_like(cost), eq_rows, eq_values, ge_rows, ge_values, integral
            )
            if check.status == 0:
                return None
            result = check
        if result.status == 2 or (result.status != 0 and result.status != 3):
            raise InconsistentLedger("the published figures contradict each other")
        if result.status == 3:
            return None
        return float(result.fun)

    def _programme(self, cost, eq_rows, eq_values, ge_rows, ge_values, integral):
        if not integral:
            return self._linear.solve(cost, eq_rows, eq_values, ge_rows, ge_values)
        return self._whole.solve(cost, eq_rows, eq_values, ge_rows, ge_values)


@dataclass(frozen=True)
class _Result:
    """What ``linprog`` would answer: ``status`` 0 optimal, 2 infeasible, 3 unbounded,
    4 anything else (HiGHS could not tell infeasible from unbounded)."""

    status: int
    x: np.ndarray | None = None
    fun: float | None = None


class _Kept:
    """The programmes of one ledger as one HiGHS model kept between questions (one for
    the linear attacker, one for the whole-number one).

    Every figure is a row; a question only changes which rows are bound (a known figure:
    = its value, or >= it) and the cost, so HiGHS starts each linear programme from the
    last one's basis instead of from nothing: a release asks thousands of them of one
    ledger. The whole-number model is solved to optimality (no relative gap), without
    the two primal heuristics that cost more than they find on these programmes (sums
    of counts whose relaxation is mostly already whole).
    """

    STATUS = {
        highspy.HighsModelStatus.kOptimal: 0,
        highspy.HighsModelStatus.kInfeasible: 2,
        highspy.HighsModelStatus.kUnbounded: 3,
    }

    def __init__(self, figures: sparse.csr_array, links: sparse.csr_array, *, integral: bool):
        self.highs = highspy.Highs()
        self.highs.setOptionValue("output_flag", False)
        self.highs.setOptionValue("threads", 1)
        if integral:
            self.highs.setOptionValue("mip_rel_gap", 0.0)
            self.highs.setOptionValue("mip_heuristic_run_feasibility_jump", False)
            self.highs.setOptionValue("mip_heuristic_run_root_reduced_cost", False)
        infinity = self.highs.getInfinity()
        self.infinity = infinity
        self.figures = figures.shape[0]
        self.columns = figures.shape[1]
        self.highs.addVars(self.columns, np.zeros(self.columns), np.full(self.columns, infinity))
        rows = sparse.vstack([figures, links], format="csr")
        lower = np.concatenate([np.full(self.figures, -infinity), np.zeros(links.shape[0])])
        upper = np.concatenate([np.full(self.figures, infinity), np.zeros(links.shape[0])])
        self.highs.addRows(
            rows.shape[0],
            lower,
            upper,
            rows.nnz,
            rows.indptr.astype(np.int32),
            rows.indices.astype(np.int32),
            rows.data.astype(float),
        )
        self.every_row = np.arange(self.figures, dtype=np.int32)
        self.every_column = np.arange(self.columns, dtype=np.int32)
        if integral:
            self.highs.changeColsIntegrality(
                self.columns,
                self.every_column,
                np.full(self.columns, highspy.HighsVarType.kInteger),
            )
        self.known: tuple | None = None

    def solve(self, cost, eq_rows, eq_values, ge_rows, ge_values) -> _Result:
        known = (tuple(eq_rows), tuple(eq_values), tuple(ge_rows), tuple(ge_values))
        if known != self.known:
            lower = np.full(self.figures, -self.infinity)
            upper = np.full(self.figures, self.infinity)
            lower[list(eq_rows)] = eq_values
            upper[list(eq_rows)] = eq_values
            lower[list(ge_rows)] = ge_values
            self.highs.changeRowsBounds(self.figures, self.every_row, lower, upper)
            self.known = known
        self.highs.changeColsCost(self.columns, self.every_column, np.asarray(cost, dtype=float))
        self.highs.run()
        status = self.STATUS.get(self.highs.getModelStatus(), 4)
        if status != 0:
            return _Result(status)
        return _Result(
            0,
            np.asarray(self.highs.getSolution().col_value),
            float(self.highs.getInfo().objective_function_value),
        )


def attack(
    figures: Sequence[Figure], *, targets: Iterable[str] | None = None, integral: bool = False
) -> dict[str, Interval]:
    """Every hidden figure's (or each of ``targets``') [min, max] from the others."""
    attacker = Attacker(figures)
    wanted = (
        sorted(targets)
        if targets is not None
        else sorted(fig["id"] for fig in figures if fig["value"] is None)
    )
    return {fid: attacker.interval(fid, integral=integral) for fid in wanted}
