"""No import cycle joins two apps: a cycle, if any, stays inside one app's own modules.

import-linter's contracts (``pyproject.toml``) keep the floors; this finds the cycles they
cannot see inside a floor (the security core's three apps share one). Tests, migrations
and ``safepassage.testing`` are left out: they may reach anything.
"""

from __future__ import annotations

import sys

import grimp


def product_graph() -> dict[str, list[str]]:
    graph = grimp.build_graph("safepassage", exclude_type_checking_imports=True)
    modules = {
        m
        for m in graph.modules
        if ".tests" not in m and ".migrations" not in m and not m.startswith("safepassage.testing")
    }
    return {
        m: sorted(n for n in graph.find_modules_directly_imported_by(m) if n in modules)
        for m in modules
    }


def cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for other in graph[module]:
            if other not in index:
                visit(other)
                low[module] = min(low[module], low[other])
            elif other in on_stack:
                low[module] = min(low[module], index[other])
        if low[module] == index[module]:
            group = []
            while True:
                other = stack.pop()
                on_stack.discard(other)
                group.append(other)
                if other == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for module in sorted(graph):
            if module not in index:
                visit(module)
    finally:
        sys.setrecursionlimit(limit)
    return found


def app_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def test_the_finder_finds_a_cycle_across_apps():
    graph = {"safepassage.a.x": ["safepassage.b.y"], "safepassage.b.y": ["safepassage.a.x"]}
    assert cycles(graph) == [["safepassage.a.x", "safepassage.b.y"]]
    assert cycles({"safepassage.a.x": ["safepassage.b.y"], "safepassage.b.y": []}) == []


def test_no_import_cycle_joins_two_apps():
    across = [group for group in cycles(product_graph()) if len({app_of(m) for m in group}) > 1]
    assert across == []
