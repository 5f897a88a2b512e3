from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from tracker import env


def _load_settings(**overrides: str) -> subprocess.CompletedProcess:
    """Import the settings module in a fresh interpreter with the given environment."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "DATABASE_URL", "EMAIL_PORT"}
    }
    environment.update(overrides)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import tracker.settings as s; print(s.DATABASES['default']['ENGINE'])",
        ],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_nothing_set_with_debug_gives_sqlite():
    result = _load_settings(DEBUG="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_database_url_switches_to_postgresql():
    result = _load_settings(DEBUG="1", DATABASE_URL="postgres://postgres@127.0.0.1:5432/jejak")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_secret_key_is_required_when_debug_is_off():
    result = _load_settings()
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"DEBUG": "maybe"}, "DEBUG must be one of"),
        ({"DEBUG": "1", "DATABASE_URL": "mysql://root@localhost/jejak"}, "DATABASE_URL must start"),
        ({"DEBUG": "1", "EMAIL_PORT": "twenty-five"}, "EMAIL_PORT must be a whole number"),
        ({"DEBUG": "1", "EMAIL_MAX_ATTEMPTS": "0"}, "EMAIL_MAX_ATTEMPTS must be at least 1"),
        ({"DEBUG": "1", "EMAIL_RETRY_DELAY": "soon"}, "EMAIL_RETRY_DELAY must be a whole number"),
    ],
)
def test_malformed_values_stop_start_up_with_a_clear_message(overrides, message):
    result = _load_settings(**overrides)
    assert result.returncode != 0
    assert message in result.stderr


def test_env_bool_reads_the_usual_spellings(monkeypatch):
    for raw, expected in [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False)]:
        monkeypatch.setenv("FLAG", raw)
        assert env.env_bool("FLAG") is expected
    monkeypatch.delenv("FLAG")
    assert env.env_bool("FLAG", default=True) is True


def test_env_int_refuses_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("PORT", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env.env_int("PORT", 25, minimum=1)


def test_postgres_url_without_database_name_is_refused(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432")
    with pytest.raises(ImproperlyConfigured, match="must name a database"):
        env.env_database("DATABASE_URL", "db.sqlite3")


def test_env_list_splits_on_commas(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.go.id, b.go.id ,,")
    assert env.env_list("HOSTS", []) == ["a.go.id", "b.go.id"]


def test_defaults_are_indonesian_and_jakarta(settings):
    assert settings.LANGUAGE_CODE == "id"
    assert settings.TIME_ZONE == "Asia/Jakarta"
    assert [code for code, _name in settings.LANGUAGES] == ["id", "en"]


def test_production_settings_pass_the_deployment_checks():
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "STATICFILES_STORAGE"}
    }
    environment.update(
        SECRET_KEY="x" * 20 + "a-long-and-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="jejak.example.go.id",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
