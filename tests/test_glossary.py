"""One word per concept and one date format per context, in every page, email, document and
message Jejak writes.

The glossary (Indonesian; the English catalogue follows it):

| Concept | Use | Not |
|---|---|---|
| progress of a plan | Progres ("Progres tonggak") | kemajuan |
| a milestone idle for STUCK_AFTER_DAYS | tersendat ("Tonggak tersendat") | macet (slang) |
| sort direction, names | A–Z / Z–A | naik / turun |
| sort direction, dates | terlama / terbaru | naik / turun |
| sort direction, numbers | terendah / tertinggi | naik / turun |
| a date | 14 Mei 2026: `|date`, `date_format(value)` | 14-05-2026, 14 Mei, Senin, 14 Mei 2026 |
| a date with its time | 14 Mei 2026, 08.00 WIB: `|date:"DATETIME_FORMAT"` | 14 Mei 2026 08.00 |
| a month (trend charts) | Mei 2026: `date_format(value, "YEAR_MONTH_FORMAT")` | 05/2026 |

The formats themselves live in tracker/formats/<language>/formats.py. Machine formats (`'c'`,
`'Y-m-d'` in `datetime=` attributes and inputs) are not what people read, so they may stay.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format, get_format

ROOT = Path(settings.BASE_DIR)
APPS = ("tracker", "milestones", "mentoring", "reports", "api")
# Demo and seed content is what people wrote (a project's own words), not Jejak's vocabulary.
CONTENT = {"demo_data.py", "demo.py", "seeding.py"}

BANNED = {
    r"\b[Kk]emajuan\w*": "Progres",
    r"\b[Mm]acet\b": "tersendat",
    r"%\(column\)s, (naik|turun)": "A–Z / Z–A, terlama / terbaru, terendah / tertinggi",
    r"urutkan (naik|turun)": "urutkan A–Z, urutkan terbaru, …",
}
# `|date:"..."` and date_format(value, "...") with a format of their own, not a named one.
NAMED_FORMATS = {"DATE_FORMAT", "DATETIME_FORMAT", "TIME_FORMAT", "YEAR_MONTH_FORMAT", "c", "Y-m-d"}
TEMPLATE_DATE = re.compile(r"""\|date:\s*["']([^"']*)["']""")
PYTHON_DATE = re.compile(r"""date_format\([^()]*(?:\([^()]*\)[^()]*)*,\s*["']([^"']*)["']""")
STRFTIME = re.compile(r"""(?:strftime\(|:)%d-%m-%Y|:%d/%m/%Y""")
# The seminar minutes name the weekday apart from the date, as berita acara are worded.
ALLOWED_PYTHON_FORMATS = {"l"}


def sources() -> list[Path]:
    found = [
        path for path in sorted((ROOT / "templates").rglob("*")) if path.suffix in {".html", ".txt"}
    ]
    for app in APPS:
        found += [
            path
            for path in sorted((ROOT / app).rglob("*.py"))
            if "migrations" not in path.parts and path.name not in CONTENT
        ]
    return found


def words_out_of_the_glossary(text: str) -> list[str]:
    return [
        f"{match.group(0)!r} (use {preferred})"
        for pattern, preferred in BANNED.items()
        for match in re.finditer(pattern, text)
    ]


def dates_out_of_format(text: str, *, python: bool) -> list[str]:
    found = [f"|date:{value!r}" for value in TEMPLATE_DATE.findall(text)]
    found = [item for item in found if item[6:].strip("'") not in NAMED_FORMATS]
    if python:
        found += [
            f"date_format(…, {value!r})"
            for value in PYTHON_DATE.findall(text)
            if value not in NAMED_FORMATS | ALLOWED_PYTHON_FORMATS
        ]
        found += [f"strftime {match!r}" for match in STRFTIME.findall(text)]
    return found


def test_the_checks_catch_the_variants_they_ban():
    assert words_out_of_the_glossary('{% translate "Tonggak macet" %} · Kemajuan tonggak')
    assert words_out_of_the_glossary('_("%(column)s, naik")')
    assert not words_out_of_the_glossary('{% translate "Tonggak tersendat" %} · Progres')
    assert dates_out_of_format('{{ due|date:"j M Y" }}', python=False)
    assert dates_out_of_format("""date_format(value, "j F Y H.i")""", python=True)
    assert dates_out_of_format('f"{when:%d-%m-%Y}"', python=True)
    assert not dates_out_of_format(
        """{{ due|date }} {{ at|date:"DATETIME_FORMAT" }} {{ at|date:'c' }}""", python=False
    )
    assert not dates_out_of_format(
        "date_format(timezone.localtime(at), 'DATETIME_FORMAT')", python=True
    )
    assert len(sources()) > 200


@pytest.mark.parametrize("path", sources(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_text_uses_the_glossary_and_the_date_formats(path):
    text = path.read_text(encoding="utf-8")
    problems = words_out_of_the_glossary(text) + dates_out_of_format(
        text, python=path.suffix == ".py"
    )
    assert not problems, "; ".join(problems)


def test_dates_read_the_indonesian_way_with_the_time_zone_named():
    import datetime
    import zoneinfo

    at = datetime.datetime(2026, 5, 14, 8, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Jakarta"))
    with translation.override("id"):
        assert date_format(at.date()) == "14 Mei 2026"
        assert date_format(at, "DATETIME_FORMAT") == "14 Mei 2026, 08.00 WIB"
    with translation.override("en"):
        assert date_format(at.date()) == "14 May 2026"
        assert date_format(at, "DATETIME_FORMAT") == "14 May 2026, 08:00 WIB"
    assert get_format("DATE_FORMAT", lang="id") == "j F Y"
