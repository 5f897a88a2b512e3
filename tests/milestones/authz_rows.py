from __future__ import annotations

ROWS: list = []
