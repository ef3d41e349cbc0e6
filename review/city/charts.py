"""Server-side SVG charts for the city's home: no script, nothing for the Content-Security-Policy to
refuse, and they print.

Pure functions: numbers and labels in, SVG markup out. Every label is escaped here, so the result
may be marked safe; the template marks safe nothing else. Each chart is an accessible image
(role="img", a <title> that states every number, named by aria-labelledby); the page shows the same
numbers in a table beside it.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from review.city import phrases

# The site's palette (static/css/site.css): the federation's red, the status badges' colours.
RED = "#b3261e"
ORANGE = "#a84f00"
LIGHT_BLUE = "#6ea8fe"
BLUE = "#0d6efd"
GREEN = "#198754"
GREY = "#adb5bd"
TEXT = "#212529"
MUTED = "#495057"

WIDTH = 400
FONT = 14
BAR = 14
ROW = 42  # a label line above a bar, and a gap
NUMBER_ROOM = 48  # on the right of the longest bar, for its number


@dataclass(frozen=True)
class Series:
    label: str
    colour: str


def text_width(text: str, size: int = FONT) -> float:
    """The width `text` takes, roughly: a CJK character one em, anything narrower ~0.6 em."""
    return sum(size if ord(ch) > 0x2E80 else size * 0.6 for ch in text)


def fit(text: str, width: float = WIDTH) -> str:
    """`text` cut with an ellipsis to fit `width` (the whole text stays in the chart's title)."""
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text + "…"


def _summary(title: str, rows: Sequence[tuple[str, Sequence[int]]], series: Sequence[Series], unit: str) -> str:
    """The chart in words: every row's total, and its parts when there is more than one series."""
    parts = []
    for label, values in rows:
        total = sum(values)
        text = f"{label}{total}{unit}"
        if len(series) > 1 and total:
            text += "（" + "，".join(f"{s.label}{v}" for s, v in zip(series, values, strict=True) if v) + "）"
        parts.append(text)
    return f"{title}：" + "；".join(parts) + "。"


def _legend(series: Sequence[Series], y: int) -> tuple[list[str], int]:
    """Swatches and labels, wrapped to the chart's width; returns the markup and the height used."""
    out, x, line = [], 0.0, 0
    for item in series:
        width = 14 + text_width(item.label) + 14
        if x and x + width > WIDTH:
            x, line = 0.0, line + 1
        top = y + line * 20
        out.append(
            f'<rect x="{x:.0f}" y="{top}" width="10" height="10" fill="{item.colour}"/>'
            f'<text x="{x + 14:.0f}" y="{top + 10}" font-size="{FONT}" fill="{TEXT}">{escape(item.label)}</text>'
        )
        x += width
    return out, (line + 1) * 20 + 6


def bar_chart(
    *,
    chart_id: str,
    title: str,
    rows: Sequence[tuple[str, Sequence[int]]],
    series: Sequence[Series],
    unit: str = "份",
) -> SafeString:
    """Horizontal bars, one per row, stacked by series: each row's label above its bar, the total
    after it. One series draws a plain bar chart (the funnel), several a stacked one with a legend."""
    for _, values in rows:
        if len(values) != len(series):
            raise ValueError("each row needs one value per series")
    chart_id = escape(chart_id)
    summary = _summary(title, rows, series, unit)
    longest = max((sum(values) for _, values in rows), default=0)
    scale = (WIDTH - NUMBER_ROOM) / longest if longest else 0
    body: list[str] = []
    y = 0
    if len(series) > 1:
        legend, y = _legend(series, 0)
        body += legend
    for label, values in rows:
        body.append(f'<text x="0" y="{y + FONT}" font-size="{FONT}" fill="{TEXT}">{escape(fit(label))}</text>')
        x, bar_top = 0.0, y + FONT + 5
        for item, value in zip(series, values, strict=True):
            if not value:
                continue
            width = value * scale
            body.append(
                f'<rect x="{x:.1f}" y="{bar_top}" width="{width:.1f}" height="{BAR}" fill="{item.colour}">'
                f"<title>{escape(label)} · {escape(item.label)}：{value}{escape(unit)}</title></rect>"
            )
            x += width
        body.append(
            f'<text x="{x + 4:.1f}" y="{bar_top + BAR - 2}" font-size="{FONT}" fill="{MUTED}">{sum(values)}</text>'
        )
        y += ROW
    height = max(y, ROW)
    return mark_safe(  # noqa: S308 — every text above went through escape()
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title">'
        f'<title id="{chart_id}-title">{escape(summary)}</title>' + "".join(body) + "</svg>"
    )


def funnel_chart(steps: Sequence[tuple[str, int]]) -> SafeString:
    """The funnel from submitted to named: (label, count) per step."""
    return bar_chart(
        chart_id="funnel-chart",
        title=phrases.FUNNEL_CHART_TITLE,
        rows=[(label, [count]) for label, count in steps],
        series=[Series(phrases.FUNNEL_CHART_TITLE, RED)],
    )


PHASE_COLOURS = {
    "pending": ORANGE,
    "recommended": LIGHT_BLUE,
    "reported": BLUE,
    "passed": GREEN,
    "named": RED,
    "out": GREY,
}


def bodies_chart(rows: Sequence[tuple[str, Sequence[int]]], phases: Sequence[str]) -> SafeString:
    """Each body's applications stacked by phase: (body label, one count per phase in `phases`)."""
    return bar_chart(
        chart_id="bodies-chart",
        title=phrases.BODIES_CHART_TITLE,
        rows=rows,
        series=[Series(phrases.PHASE_LABELS[key], PHASE_COLOURS[key]) for key in phases],
    )
