"""The stylesheet's text colours meet WCAG 2.1 AA (4.5:1) on the backgrounds they sit on.

axe checks the pages it scans; this covers what it cannot decide (SVG text of the workflow
diagram) and colours of states no scanned page happens to show (every badge and flag).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

CSS = (Path(settings.BASE_DIR) / "static" / "css" / "jejak.css").read_text(encoding="utf-8")
AA = 4.5

VARIABLES = dict(re.findall(r"(--[a-z-]+):\s*(#[0-9a-fA-F]{6})", CSS))
RULES = [
    (selector.strip(), body)
    for selector, body in re.findall(r"([^{}@/]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", CSS))
]


def colour(value: str) -> str:
    value = value.strip()
    if value.startswith("var("):
        return VARIABLES[value[4:-1]]
    if value in ("#fff", "white"):
        return "#ffffff"
    return value


def declared(selector: str, prop: str) -> str:
    """The last value the stylesheet gives `prop` in the rule with exactly this selector."""
    values = [
        match
        for rule_selector, body in RULES
        if rule_selector == selector
        for match in re.findall(rf"(?:^|;|\s){prop}:\s*([^;]+)", body)
    ]
    assert values, f"no {prop} for {selector}"
    return colour(values[-1])


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(foreground: str, background: str) -> float:
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def coloured_rules() -> list[tuple[str, str, str]]:
    """Every rule that sets both a text colour and a solid background colour."""
    pairs = []
    for selector, body in RULES:
        text = re.search(r"(?:^|;|\s)color:\s*([^;]+)", body)
        fill = re.search(
            r"(?:^|;|\s)background(?:-color)?:\s*(#[0-9a-fA-F]{3,6}|var\([^)]+\))", body
        )
        if text and fill and "disabled" not in selector:
            pairs.append((selector, colour(text.group(1)), colour(fill.group(1))))
    return pairs


def test_the_stylesheet_is_parsed():
    assert VARIABLES["--ink"] == "#1c2430"
    assert len(coloured_rules()) > 20
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize(
    ("selector", "foreground", "background"), coloured_rules(), ids=lambda value: str(value)
)
def test_text_on_its_own_background_is_readable(selector, foreground, background):
    assert contrast(foreground, background) >= AA


SURFACE, PAGE = VARIABLES["--surface"], VARIABLES["--page"]


@pytest.mark.parametrize(
    ("what", "foreground", "background"),
    [
        ("body text on a card", VARIABLES["--ink"], SURFACE),
        ("body text on the page", VARIABLES["--ink"], PAGE),
        ("muted text on a card", VARIABLES["--muted"], SURFACE),
        ("muted text on the page", VARIABLES["--muted"], PAGE),
        ("links on a card", VARIABLES["--brand"], SURFACE),
        ("links on the page", VARIABLES["--brand"], PAGE),
        ("header links", "#ffffff", VARIABLES["--brand-dark"]),
        ("errors", VARIABLES["--bad"], SURFACE),
        ("danger buttons", "#ffffff", declared(".button--danger", "background")),
        ("messages", VARIABLES["--ink"], declared(".message", "background")),
        ("success messages", VARIABLES["--ink"], declared(".message--success", "background")),
        ("error messages", VARIABLES["--ink"], declared(".message--error", "background")),
        ("warning messages", VARIABLES["--ink"], declared(".message--warning", "background")),
        (
            "disabled buttons",
            declared(".button[disabled]", "color"),
            declared(".button[disabled]", "background"),
        ),
        ("overdue flag", declared(".flag--overdue", "color"), SURFACE),
        ("stuck flag", declared(".flag--stuck", "color"), SURFACE),
        ("diagram boxes", declared(".wf-node text", "fill"), declared(".wf-node rect", "fill")),
        ("diagram current box", "#ffffff", VARIABLES["--brand-dark"]),
        ("diagram edge labels", declared(".wf-edge-label", "fill"), SURFACE),
        ("diagram notes", declared(".wf-note", "fill"), SURFACE),
        ("diagram current note", declared(".wf-note--current", "fill"), SURFACE),
        ("ratings below target", declared(".rating--kurang", "color"), SURFACE),
        ("ratings on target", declared(".rating--sesuai", "color"), SURFACE),
        ("ratings above target", declared(".rating--melampaui", "color"), SURFACE),
    ],
)
def test_text_on_cards_pages_and_the_diagram_is_readable(what, foreground, background):
    assert contrast(foreground, background) >= AA, what
