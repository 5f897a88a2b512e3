"""Jejak's date formats in English: "14 May 2026" and "14 May 2026, 08:00 WIB"."""

from __future__ import annotations

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i T"
TIME_FORMAT = "H:i T"
# A month on its own, as the trend charts label it: "Mei 2026".
YEAR_MONTH_FORMAT = "F Y"
