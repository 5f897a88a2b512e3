"""`make run` serves where HOST says, and the links Jejak prints (SITE_URL) follow it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def _dry_run(*arguments: str, **environment: str) -> str:
    """The commands make would run (printed, none executed)."""
    env = {key: value for key, value in os.environ.items() if key not in {"HOST", "SITE_URL"}}
    completed = subprocess.run(
        ["make", "--no-print-directory", "-n", *arguments],
        cwd=ROOT,
        env={**env, **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return completed.stdout


def test_site_url_follows_the_served_address():
    commands = _dry_run("run", "HOST=0.0.0.0:8123")
    assert "runserver 0.0.0.0:8123" in commands
    assert "SITE_URL=http://127.0.0.1:8123" in commands
    assert "SITE_URL=http://127.0.0.1:8000" not in commands


def test_a_port_alone_is_served_on_this_machine():
    commands = _dry_run("serve", "HOST=9000")
    assert "SITE_URL=http://127.0.0.1:9000" in commands
    assert "runserver 127.0.0.1:9000" in commands


def test_a_site_url_set_by_hand_wins():
    commands = _dry_run("serve", SITE_URL="http://192.168.1.20:8000")
    assert "SITE_URL=http://192.168.1.20:8000" in commands


def test_make_help_names_host_and_site_url():
    text = subprocess.run(
        ["make", "--no-print-directory", "help"], cwd=ROOT, capture_output=True, text=True
    ).stdout
    assert "HOST=127.0.0.1:8000" in text and "SITE_URL=" in text


def test_the_readme_documents_host():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run HOST=" in readme
    assert "`SITE_URL`" in readme and "follows `HOST`" in readme
