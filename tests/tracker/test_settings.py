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


def test_mypy_alone_loads_the_settings_without_a_secret():
    # The Django plugin imports the settings inside the mypy process, which serves nothing.
    result = subprocess.run(
        [sys.executable, "-c", "import mypy, tracker.settings as s; print(bool(s.SECRET_KEY))"],
        env={key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY"}},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


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


def _production(tmp_path, **overrides: str) -> dict:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECURE_SSL_REDIRECT", "SECURE_COOKIES", "STATICFILES_STORAGE"}
    }
    environment.update(
        SECRET_KEY="x" * 20 + "a-long-and-random-production-secret-key-0123456789",
        ALLOWED_HOSTS="jejak.example.go.id",
        STATIC_ROOT=str(tmp_path / "staticfiles"),
        **overrides,
    )
    return environment


def _manage(environment: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_production_settings_pass_the_deployment_checks_once_static_files_are_collected(
    tmp_path,
):
    environment = _production(tmp_path)
    before = _manage(environment, "check", "--deploy", "--fail-level", "WARNING")
    assert before.returncode != 0
    assert "jejak.E001" in before.stderr and "collectstatic" in before.stderr

    collected = _manage(environment, "collectstatic", "--no-input", "-v", "0")
    assert collected.returncode == 0, collected.stderr
    result = _manage(environment, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def _setting(name: str, **overrides: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "DEBUG"}
    environment.update(DEBUG="1", **overrides)
    return subprocess.run(
        [sys.executable, "-c", f"import tracker.settings as s; print(repr(s.{name}))"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("zone", ["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"])
def test_time_zone_is_one_of_indonesias_three(zone):
    result = _setting("TIME_ZONE", TIME_ZONE=zone)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == repr(zone)


@pytest.mark.parametrize("zone", ["Asia/Singapore", "WITA", "asia/jakarta", "UTC"])
def test_another_time_zone_stops_start_up(zone):
    result = _setting("TIME_ZONE", TIME_ZONE=zone)
    assert result.returncode != 0
    assert "TIME_ZONE must be one of Asia/Jakarta, Asia/Makassar, Asia/Jayapura" in result.stderr


def test_admins_are_read_as_names_and_addresses(monkeypatch):
    monkeypatch.setenv("ADMINS", "Tim TI <ti@bpsdm.example.go.id>, ops@bpsdm.example.go.id")
    assert env.env_admins("ADMINS") == [
        ("Tim TI", "ti@bpsdm.example.go.id"),
        ("ops@bpsdm.example.go.id", "ops@bpsdm.example.go.id"),
    ]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ADMINS": "Tim TI"}, "ADMINS must list email addresses"),
        ({"SENTRY_DSN": "sentry.example.go.id"}, "SENTRY_DSN must be a Sentry DSN"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT must be one of json, text"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL must be one of"),
        ({"S3_BUCKET": "jejak", "S3_ADDRESSING_STYLE": "sideways"}, "S3_ADDRESSING_STYLE"),
    ],
)
def test_malformed_production_values_stop_start_up(overrides, message):
    result = _setting("DEBUG", **overrides)
    assert result.returncode != 0
    assert message in result.stderr


def test_a_sentry_dsn_is_never_echoed_whole():
    result = _setting("DEBUG", SENTRY_DSN="secretkey-not-a-dsn")
    assert result.returncode != 0
    assert "secretkey-not-a-dsn" not in result.stderr


def test_s3_bucket_puts_media_on_object_storage():
    result = _setting(
        "STORAGES['default']",
        S3_BUCKET="jejak-media",
        S3_ENDPOINT_URL="https://s3.bpsdm.example.go.id",
    )
    assert result.returncode == 0, result.stderr
    assert "'storages.backends.s3.S3Storage'" in result.stdout
    assert "'bucket_name': 'jejak-media'" in result.stdout
    assert "'default_acl': 'private'" in result.stdout
    assert "FileSystemStorage" in _setting("STORAGES['default']").stdout
