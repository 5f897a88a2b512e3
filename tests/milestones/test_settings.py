from __future__ import annotations

import pytest

from tests.tracker.test_settings import _load_settings


@pytest.mark.parametrize(
    ("name", "value"),
    [("EVIDENCE_MAX_BYTES", "10MB"), ("STUCK_AFTER_DAYS", "0"), ("REVIEW_WAITING_DAYS", "-1")],
)
def test_malformed_milestone_setting_stops_start_up_naming_it(name, value):
    result = _load_settings(DEBUG="1", **{name: value})
    assert result.returncode != 0
    assert name in result.stderr
