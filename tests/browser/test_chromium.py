"""Where the browser tests find Chromium, and what happens when it is not there."""

from __future__ import annotations

import pytest

from tests.browser.chromium import CHROMIUM_ARGS, chromium_path, unavailable


def test_chromium_path_comes_from_chromium_path_when_set(monkeypatch, tmp_path):
    browser = tmp_path / "chromium"
    browser.write_text("#!/bin/sh\n")
    browser.chmod(0o755)
    monkeypatch.setenv("CHROMIUM_PATH", str(browser))
    assert chromium_path() == str(browser)


def test_a_chromium_path_that_is_not_executable_counts_as_missing(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-such-chromium"))
    assert chromium_path() is None


def test_chromium_starts_headless_without_sandbox_or_background_traffic():
    assert {"--no-sandbox", "--disable-background-networking", "--disable-component-update"} <= (
        set(CHROMIUM_ARGS)
    )


def test_without_chromium_a_local_run_skips_saying_how_to_install_it(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        unavailable("Chromium was not found")


def test_without_chromium_ci_fails(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="must run"):
        unavailable("Chromium was not found")
