"""Rules the test suite keeps so its tests stay independent of their order."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).parent


def test_every_transactional_test_restores_the_seeded_data():
    # A transactional test flushes the database. Without serialized_rollback it lets Django
    # recreate the content types under new ids, and a later test that restores the migrations'
    # data (the default rubrics, the groups) then fails on duplicate keys, on PostgreSQL only.
    marker = re.compile(r"django_db\(([^)]*)\)")
    offenders = [
        f"{path.relative_to(TESTS)}: {match.group(0)}"
        for path in TESTS.rglob("*.py")
        for match in marker.finditer(path.read_text())
        if "transaction=True" in match.group(1) and "serialized_rollback=True" not in match.group(1)
    ]
    assert offenders == []
