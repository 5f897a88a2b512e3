"""Read typed settings from the environment, refusing malformed values with a clear message."""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


# SQLite takes one writer at a time. Taking the write lock when a transaction begins (instead of
# upgrading a read lock halfway, which fails at once when another writer holds it) and waiting
# up to 20 s for it turns concurrent requests into a queue; WAL lets pages read meanwhile.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def env_database(name: str, default_sqlite_path: str) -> dj_database_url.DBConfig:
    raw = env_str(name)
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": default_sqlite_path,
            "OPTIONS": SQLITE_OPTIONS,
        }
    if not raw.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(
            f"{name} must start with postgres://, postgresql:// or sqlite://; got {raw!r}."
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {exc}") from None
    if config["ENGINE"].endswith("postgresql") and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database, e.g. postgres://user@host/jejak.")
    if config["ENGINE"].endswith("sqlite3"):
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    return config


def env_cache(name: str, *, table: str) -> dict:
    """Redis when the variable holds a redis:// URL, else the database cache table `table`."""
    raw = env_str(name)
    if not raw:
        # Rate limits count one entry per allowed request: room for them before any culling.
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": table,
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    if not _is_redis_url(raw):
        # The URL may carry a password: name only its start.
        raise ImproperlyConfigured(
            f"{name} must be a URL such as redis://127.0.0.1:6379/0 (redis://, rediss:// or "
            f"unix://); got one starting with {raw.split(':', 1)[0] + ':'!r}."
        )
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw}


def _is_redis_url(raw: str) -> bool:
    try:
        parts = urlsplit(raw)
        if parts.scheme == "unix":
            return bool(parts.path)
        return parts.scheme in ("redis", "rediss") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a port that is not a number, or out of range
        return False


def env_networks(name: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Comma-separated IP addresses or CIDR ranges, e.g. 10.0.0.1,192.168.10.0/24."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must list IP addresses or CIDR ranges separated by commas, such as "
                f"10.0.0.1,192.168.10.0/24; got {item!r}."
            ) from None
    return tuple(networks)


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of `choices`, exactly as spelled there."""
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; got {value!r}.")
    return value


def env_admins(name: str) -> list[tuple[str, str]]:
    """Comma-separated addresses, each `Name <address>` or a bare address: who gets error mail."""
    from email.utils import parseaddr

    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    admins = []
    for item in env_list(name, []):
        display, address = parseaddr(item)
        try:
            validate_email(address)
        except ValidationError:
            raise ImproperlyConfigured(
                f"{name} must list email addresses separated by commas, such as "
                f"'Tim TI <ti@bpsdm.example.go.id>'; got {item!r}."
            ) from None
        admins.append((display or address, address))
    return admins


def env_sentry_dsn(name: str) -> str:
    """A Sentry DSN such as https://key@sentry.example.go.id/2, or empty."""
    raw = env_str(name)
    if not raw:
        return ""
    from sentry_sdk.utils import BadDsn, Dsn

    try:
        Dsn(raw)
    except BadDsn:
        # A DSN carries a key: never echo it.
        raise ImproperlyConfigured(
            f"{name} must be a Sentry DSN such as https://key@sentry.example.go.id/2 (the value "
            f"set is not one; it is not repeated here as it may hold a key)."
        ) from None
    return raw
