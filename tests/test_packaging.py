"""`pip install .` brings the runtime only; the production files read their settings."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
TEST_TOOLS = {
    "pytest",
    "pytest-django",
    "pytest-xdist",
    "playwright",
    "axe-playwright-python",
    "moto",
    "ruff",
    "hypothesis",
    "factory-boy",
    "time-machine",
}


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>~ ]", requirement, maxsplit=1)[0].lower()


def test_the_runtime_dependencies_hold_no_test_tool_and_are_all_pinned():
    runtime = PYPROJECT["project"]["dependencies"]
    assert not {_name(r) for r in runtime} & TEST_TOOLS
    assert {"gunicorn", "sentry-sdk", "django-storages", "boto3"} <= {_name(r) for r in runtime}
    assert all("==" in requirement for requirement in runtime)
    assert {_name(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]} >= {
        "pytest",
        "playwright",
        "moto",
    }


def _gunicorn_config(**environment: str) -> subprocess.CompletedProcess:
    script = (
        "import runpy; c = runpy.run_path('deploy/gunicorn.conf.py');"
        "print(c['bind'], c['workers'], c['timeout'], c['wsgi_app'])"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_gunicorn_reads_bind_workers_and_timeout_from_the_environment():
    result = _gunicorn_config(
        GUNICORN_BIND="127.0.0.1:8001", GUNICORN_WORKERS="3", GUNICORN_TIMEOUT="180"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["127.0.0.1:8001", "3", "180", "tracker.wsgi:application"]


def test_gunicorn_refuses_a_malformed_worker_count():
    result = _gunicorn_config(GUNICORN_WORKERS="many")
    assert result.returncode != 0
    assert "GUNICORN_WORKERS must be a whole number" in result.stderr


def test_nginx_body_limit_matches_the_request_cap(settings):
    locations = (ROOT / "deploy/nginx/jejak-locations.conf").read_text()
    (limit,) = re.findall(r"client_max_body_size (\d+)m;", locations)
    assert int(limit) * 1024 * 1024 == settings.REQUEST_MAX_BYTES


def test_every_unit_runs_unprivileged_with_the_environment_file_and_restarts():
    for unit in (ROOT / "deploy/systemd").glob("*.service"):
        text = unit.read_text()
        assert "User=jejak" in text, unit.name
        assert "EnvironmentFile=/etc/jejak/jejak.env" in text, unit.name
        if "Type=oneshot" not in text:
            assert "Restart=on-failure" in text, unit.name


def test_the_survey_run_is_timed_after_the_morning_digest():
    def times(text: str) -> list[str]:
        return [
            line.split("=", 1)[1] for line in text.splitlines() if line.startswith("OnCalendar=")
        ]

    digest = times((ROOT / "deploy/systemd/jejak-command@.timer").read_text())
    drop_in = ROOT / "deploy/systemd/jejak-command@send_survey_reminders.timer.d"
    survey = times((drop_in / "after-the-digest.conf").read_text())
    # The drop-in first clears the template's time, then sets its own, later on the same clock.
    assert survey[0] == "" and len(survey) == 2
    assert digest == ["*-*-* 07:00:00 Asia/Jakarta"]
    assert survey[1] == "*-*-* 07:30:00 Asia/Jakarta"


def test_the_agency_figures_are_counted_after_midnight():
    """The day's overdue milestones and the trend's months change at midnight: the figures are
    counted afresh then (reports/figures.py), before anyone reads them."""
    drop_in = ROOT / "deploy/systemd/jejak-command@agency_figures.timer.d/after-midnight.conf"
    times = [
        line.split("=", 1)[1]
        for line in drop_in.read_text().splitlines()
        if line.startswith("OnCalendar=")
    ]
    assert times == ["", "*-*-* 00:05:00 Asia/Jakarta"]
    assert (ROOT / "reports/management/commands/agency_figures.py").exists()
