"""Money in a report: public categories only, and no channel that shows one donor."""

from __future__ import annotations

import pytest

from safepassage.reports.disclosure import Settings, public_spending, raised_by_channel

TAXONOMY = {"boat crossing, country X": "rescue_travel", "safe house rent": "shelter"}


def test_spending_reaches_the_public_by_public_category_only():
    table = public_spending(
        {"boat crossing, country X": 1_500_000, "safe house rent": 300_000, "bribe?": 7},
        TAXONOMY,
    )
    assert [r["key"] for r in table["rows"]] == ["rescue_travel", "shelter", "other"]
    assert "country X" not in repr(table)
    assert table["total"] == 1_800_007


def test_spending_refuses_floats():
    with pytest.raises(TypeError):
        public_spending({"safe house rent": 1.5}, TAXONOMY)


def test_a_channel_one_donor_dominates_is_not_shown_alone():
    table, decisions = raised_by_channel(
        {
            "bank": [100_000, 100_000, 100_000, 100_000],
            "card": [60_000, 1_000, 1_000],  # one donor gave most of it
            "cash": [20_000, 20_000, 20_000],
        }
    )
    keys = {r["key"]: r for r in table["rows"]}
    assert "card" not in keys
    # "other" alone would be the card's dominant donor: the smallest channel joins it.
    assert "cash" not in keys
    assert keys["other"]["value"] == 122_000
    assert keys["bank"]["value"] == 400_000
    assert table["total"] == 522_000
    assert {d["row"] for d in decisions} == {"card", "cash"}


def test_a_channel_of_fewer_than_k_donors_is_merged():
    table, _ = raised_by_channel(
        {"bank": [100, 100, 100, 100], "cash": [30, 30, 30], "legacy": [50, 50]},
        settings=Settings(k=3),
    )
    # Two donors alone would be the legacy channel: the smallest other channel joins them.
    assert table["rows"] == [
        {"key": "bank", "value": 400, "hidden": False},
        {"key": "other", "value": 190, "hidden": False},
    ]


def test_when_everything_merged_still_shows_one_donor_the_total_is_hidden_too():
    table, _ = raised_by_channel({"bank": [1_000_000, 10], "card": [5]})
    assert table["rows"] == [{"key": "other", "value": None, "hidden": True}]
    assert table["total"] is None
    assert table["hidden_total"] is True
