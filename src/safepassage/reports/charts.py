"""Server-drawn SVG charts for the page and the PDF: no JavaScript, nothing fetched, only
presentation attributes (the Content Security Policy refuses inline styles).

A hidden cell is drawn as an empty dashed box the full height (or width) of the plot,
labelled "not shown": never a bar whose length could be measured. The scale comes from
the shown values alone. Each chart carries a <title> and a <desc> listing the same
figures, and the template puts the same figures in a table beside it.

Call inside ``translation.override(language)``: the words come from ``reports.labels``.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from safepassage.reports import labels

FONT = "NanumGothic, 'Nanum Gothic', 'Noto Sans KR', 'Noto Sans CJK KR', system-ui, sans-serif"
INK = "#1b1f24"
MUTED = "#5b6470"
BAR = "#0b5cab"
EMPTY = "#eef1f4"
# A phone's width: the text stays readable when the chart is drawn 320 px wide.
WIDTH = 360


def _text(
    x: float, y: float, words: str, *, size: int = 12, anchor: str = "middle", **extra
) -> str:
    attrs = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in extra.items())
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{INK}"{attrs}>{escape(words)}</text>'
    )


def _shown(row: dict) -> bool:
    return not row.get("hidden") and row.get("value") is not None


def _figure(row: dict) -> str:
    return labels.number(row["value"]) if _shown(row) else labels.not_shown()


def _svg(chart_id: str, height: float, title: str, desc: str, body: list[str]) -> SafeString:
    return mark_safe(  # noqa: S308 - every word in it went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
        f'role="img" aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'font-family="{FONT}">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )


def _description(table: dict, label) -> str:
    return "; ".join(f"{label(row['key'])}: {_figure(row)}" for row in table.get("rows", []))


def _axis_month(code: str) -> str:
    first = labels._month_date(code)
    if first is None:
        return code
    return formats.date_format(first, "n월" if labels._korean() else "M")


def monthly_bars(
    table: dict, *, title: str, chart_id: str = "chart-months", axis=None, label=None
) -> SafeString:
    """Vertical bars, one per month of the per-month table (or per row of any table, with
    ``axis`` and ``label`` saying how a row's key reads under its bar and in the desc)."""
    axis = axis or _axis_month
    label = label or labels.month
    rows = table.get("rows", [])
    top, plot, bottom = 22.0, 150.0, 26.0
    height = top + plot + bottom
    slot = (WIDTH - 8) / max(len(rows), 1)
    bar = min(slot * 0.62, 48)
    biggest = max((row["value"] for row in rows if _shown(row)), default=0) or 1
    body = [
        f'<line x1="4" y1="{top + plot:.1f}" x2="{WIDTH - 4}" y2="{top + plot:.1f}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    ]
    for index, row in enumerate(rows):
        centre = 4 + slot * index + slot / 2
        left = centre - bar / 2
        if _shown(row):
            length = plot * row["value"] / biggest
            body.append(
                f'<rect class="bar" x="{left:.1f}" y="{top + plot - length:.1f}" '
                f'width="{bar:.1f}" height="{length:.1f}" fill="{BAR}"/>'
            )
            body.append(_text(centre, top + plot - length - 5, labels.number(row["value"])))
        else:
            body.append(
                f'<rect class="hidden-cell" x="{left:.1f}" y="{top:.1f}" width="{bar:.1f}" '
                f'height="{plot:.1f}" fill="{EMPTY}" stroke="{MUTED}" stroke-width="1" '
                f'stroke-dasharray="4 3"/>'
            )
            middle = top + plot / 2
            words = labels.not_shown()
            # Across the box when it fits (about 6.2 units a character at size 11),
            # else along it.
            turn = (
                {}
                if bar >= 6.2 * len(words)
                else {"transform": f"rotate(-90 {centre:.1f} {middle:.1f})"}
            )
            body.append(_text(centre, middle, words, size=11, dominant_baseline="middle", **turn))
        body.append(_text(centre, top + plot + 17, axis(row["key"]), size=11))
    return _svg(chart_id, height, title, _description(table, label), body)


def who_bars(table: dict, *, title: str, chart_id: str = "chart-who") -> SafeString:
    """Horizontal bars, one per group of the who-table, each with its label above it."""
    rows = table.get("rows", [])
    line = 44.0
    height = line * max(len(rows), 1) + 4
    room = WIDTH - 8 - 44  # the figure's place after the longest bar
    biggest = max((row["value"] for row in rows if _shown(row)), default=0) or 1
    body = []
    for index, row in enumerate(rows):
        y = 4 + line * index
        body.append(_text(4, y + 13, labels.who(row["key"]), anchor="start"))
        if _shown(row):
            length = max(room * row["value"] / biggest, 1.0)
            body.append(
                f'<rect class="bar" x="4" y="{y + 19:.1f}" width="{length:.1f}" height="16" '
                f'fill="{BAR}"/>'
            )
            body.append(_text(length + 10, y + 32, labels.number(row["value"]), anchor="start"))
        else:
            body.append(
                f'<rect class="hidden-cell" x="4" y="{y + 19:.1f}" width="{room:.1f}" '
                f'height="16" fill="{EMPTY}" stroke="{MUTED}" stroke-width="1" '
                f'stroke-dasharray="4 3"/>'
            )
            body.append(
                _text(4 + room / 2, y + 27, labels.not_shown(), size=11, dominant_baseline="middle")
            )
    return _svg(chart_id, height, title, _description(table, labels.who), body)
