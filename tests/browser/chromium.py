"""Where Debian's Chromium is, how Jejak starts it (browser tests, `make screenshots`), and what
the browser tests do when it or Playwright is missing."""

from __future__ import annotations

import importlib
import os
import shutil

import pytest

# Headless in a container: no sandbox (no user namespaces), no GPU, no /dev/shm, and none of the
# background traffic (updates, sync, safe browsing lists) a closed government network refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """The Chromium executable: CHROMIUM_PATH if set, else Debian's /usr/bin/chromium."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.access(configured, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def unavailable(reason: str) -> None:
    """Skip the browser tests, saying why and how to fix it; in CI (CI=true) fail them instead."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}. In CI the browser tests must run: .ci/run installs chromium.")
    pytest.skip(
        f"{reason}; install Debian's chromium (apt-get install chromium) and the test extra "
        "(pip install -e '.[test]') to run them",
        allow_module_level=True,
    )


def import_or_skip(name: str):
    """A module the browser tests need (Playwright, axe), or skip them as `unavailable` says."""
    try:
        return importlib.import_module(name)
    except ImportError:
        unavailable(f"{name} is not installed")
