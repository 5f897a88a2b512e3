"""Jejak's date formats in Indonesian: one for a date, one for a date with its time.

"14 Mei 2026" and "14 Mei 2026, 08.00 WIB" (the time zone named, since Indonesia has three).
Templates use `|date` and `|date:"DATETIME_FORMAT"`; Python uses `date_format(value)` and
`date_format(value, "DATETIME_FORMAT")`. tests/test_glossary.py keeps other formats out.
"""

from __future__ import annotations

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H.i T"
TIME_FORMAT = "H.i T"
# A month on its own, as the trend charts label it: "Mei 2026".
YEAR_MONTH_FORMAT = "F Y"
