"""Charts for printed reports, drawn as inline SVG: no script, no image file, no other program.

Each function takes plain numbers and labels and returns SVG markup that is safe to print
inside a document (labels are escaped). Sizes are in millimetres of the printed page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

FONT = "DejaVu Sans, sans-serif"
INK = "#111111"
MUTED = "#555555"
GRID = "#c8ccd2"
# Colours that stay apart when printed in greyscale (dark, middle, light).
SERIES = ("#1b4d2b", "#6f9a7a", "#d5e3d8")


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


@dataclass(frozen=True)
class StackedBar:
    label: str
    parts: tuple[int, ...]
    note: str = ""

    @property
    def total(self) -> int:
        return sum(self.parts)


def _text(x: float, y: float, text: str, *, anchor="start", size=3.2, weight="normal", fill=INK):
    return (
        f'<text x="{x:.2f}" y="{y:.2f}" font-family="{FONT}" font-size="{size}" '
        f'font-weight="{weight}" fill="{fill}" text-anchor="{anchor}">{escape(text)}</text>'
    )


def _svg(width: float, height: float, title: str, body: list[str]) -> SafeString:
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:.2f} {height:.2f}" '
        f'width="{width:.2f}mm" height="{height:.2f}mm" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>"
    )


def bar_chart(
    bars: Sequence[Bar], *, title: str, width: float = 160, label_width: float = 58
) -> SafeString:
    """Horizontal bars, one per label, each with its count written after it."""
    row, top = 7.0, 2.0
    height = top + row * max(1, len(bars)) + 2
    scale_max = max((bar.value for bar in bars), default=0) or 1
    room = width - label_width - 14  # space for the count after the longest bar
    body = [
        f'<line x1="{label_width:.2f}" y1="{top:.2f}" x2="{label_width:.2f}" '
        f'y2="{height - 2:.2f}" stroke="{GRID}" stroke-width="0.3"/>'
    ]
    for index, bar in enumerate(bars):
        y = top + index * row
        length = room * bar.value / scale_max
        body.append(_text(label_width - 2, y + 4.3, bar.label, anchor="end"))
        if length:
            body.append(
                f'<rect x="{label_width:.2f}" y="{y + 1.2:.2f}" width="{length:.2f}" '
                f'height="4.4" fill="{SERIES[0]}"/>'
            )
        body.append(_text(label_width + length + 1.5, y + 4.3, number_format(bar.value)))
    return _svg(width, height, title, body)


def _legend(
    names: Sequence[str], *, x: float, width: float, size: float = 3
) -> tuple[list[str], float]:
    """Swatches with their names from `x`, wrapping onto another line where the width ends;
    the markup and the height it takes."""
    steps = [6 + len(name) * size * 0.58 for name in names]
    if x + sum(steps) > width:  # it will wrap anyway: use the whole width
        x = 0
    body, left, y = [], x, 1.0
    for index, (name, step) in enumerate(zip(names, steps, strict=True)):
        if left > x and left + step > width:
            left, y = x, y + 5
        body.append(
            f'<rect x="{left:.2f}" y="{y:.2f}" width="3.2" height="3.2" fill="{SERIES[index]}" '
            f'stroke="{MUTED}" stroke-width="0.2"/>'
        )
        body.append(_text(left + 4.4, y + 2.9, name, size=size))
        left += step
    return body, y + 5


def stacked_bar_chart(
    bars: Sequence[StackedBar],
    *,
    title: str,
    legend: Sequence[str],
    width: float = 160,
    label_width: float = 36,
    note_width: float = 38,
) -> SafeString:
    """Horizontal bars split into parts (e.g. accepted, under way, planned), with a legend."""
    row = 8.0
    body, top = _legend(legend, x=label_width, width=width)
    top += 2
    height = top + row * max(1, len(bars)) + 2
    room = width - label_width - note_width - 2
    for index, bar in enumerate(bars):
        y = top + index * row
        body.append(_text(label_width - 2, y + 4.6, bar.label, anchor="end"))
        body.append(
            f'<rect x="{label_width:.2f}" y="{y + 1.2:.2f}" width="{room:.2f}" height="5" '
            f'fill="none" stroke="{GRID}" stroke-width="0.3"/>'
        )
        start = label_width
        for part, value in enumerate(bar.parts):
            if not bar.total or not value:
                continue
            length = room * value / bar.total
            body.append(
                f'<rect x="{start:.2f}" y="{y + 1.2:.2f}" width="{length:.2f}" height="5" '
                f'fill="{SERIES[part]}"/>'
            )
            start += length
        body.append(_text(label_width + room + 2, y + 4.6, bar.note, size=3))
    return _svg(width, height, title, body)


@dataclass(frozen=True)
class Column:
    """One column of a column chart: a value over a label (e.g. a month), with an optional
    second line under the label (e.g. the year where it changes)."""

    label: str
    value: int
    sublabel: str = ""


def column_chart(
    columns: Sequence[Column], *, title: str, width: float = 160, plot_height: float = 30
) -> SafeString:
    """Vertical columns in order (e.g. one per month), each with its count written above it."""
    base = 5.0 + plot_height  # room above the tallest column for its count
    height = base + 9.5
    step = width / max(1, len(columns))
    scale_max = max((column.value for column in columns), default=0) or 1
    body = [
        f'<line x1="0" y1="{base:.2f}" x2="{width:.2f}" y2="{base:.2f}" '
        f'stroke="{MUTED}" stroke-width="0.3"/>'
    ]
    for index, column in enumerate(columns):
        middle = step * index + step / 2
        length = plot_height * column.value / scale_max
        if length:
            bar = min(step * 0.6, 14)
            body.append(
                f'<rect x="{middle - bar / 2:.2f}" y="{base - length:.2f}" width="{bar:.2f}" '
                f'height="{length:.2f}" fill="{SERIES[0]}"/>'
            )
        body.append(
            _text(middle, base - length - 1.2, number_format(column.value), anchor="middle")
        )
        body.append(_text(middle, base + 4, column.label, anchor="middle", size=3))
        if column.sublabel:
            body.append(
                _text(middle, base + 8, column.sublabel, anchor="middle", size=2.8, fill=MUTED)
            )
    return _svg(width, height, title, body)


def progress_bar(done: int, total: int, *, title: str, width: float = 40) -> SafeString:
    """A small bar: the share done of a total, for one project's milestones."""
    length = width * done / total if total else 0
    body = [
        f'<rect x="0.15" y="0.15" width="{width - 0.3:.2f}" height="2.7" fill="none" '
        f'stroke="{MUTED}" stroke-width="0.3"/>'
    ]
    if length:
        body.append(f'<rect x="0" y="0" width="{length:.2f}" height="3" fill="{SERIES[0]}"/>')
    return _svg(width, 3, title, body)


def paired_bar_chart(
    rows: Sequence[tuple[str, Decimal | None, Decimal | None]],
    *,
    title: str,
    legend: tuple[str, str],
    maximum: float,
    width: float = 160,
    label_width: float = 58,
) -> SafeString:
    """Two bars per label (e.g. alumni and mentors) on a fixed scale, each with its value."""
    pair = 11.0
    body, top = _legend(legend, x=label_width, width=width)
    top += 2
    height = top + pair * max(1, len(rows)) + 2
    room = width - label_width - 14
    for index, (label, first, second) in enumerate(rows):
        y = top + index * pair
        body.append(_text(label_width - 2, y + 6, label, anchor="end"))
        for part, value in enumerate((first, second)):
            bar_y = y + 1 + part * 4.6
            if value is None:
                body.append(_text(label_width + 1.5, bar_y + 3.4, "—", size=3, fill=MUTED))
                continue
            length = room * float(value) / maximum
            body.append(
                f'<rect x="{label_width:.2f}" y="{bar_y:.2f}" width="{length:.2f}" '
                f'height="4" fill="{SERIES[part]}" stroke="{MUTED}" stroke-width="0.2"/>'
            )
            body.append(_text(label_width + length + 1.5, bar_y + 3.4, number_format(value, 2)))
    return _svg(width, height, title, body)
