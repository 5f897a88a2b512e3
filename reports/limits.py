"""Rate limits that hold across processes and hosts, and the client address they are keyed on.

Counts live in the shared cache (CACHES: the database cache table, or Redis), never in a
process's memory: production runs several processes on several hosts.
"""

from __future__ import annotations

import ipaddress
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

logger = logging.getLogger(__name__)


class LimitsUnavailable(Exception):
    """The shared cache the counts live in could not be reached: nothing was counted.

    Each caller decides what that means for its own use (fail open or closed), and says why.
    """


def take(scope: str, who: object, *, limit: int, window: int) -> bool:
    """Count one request of `who` in `scope`; False once `limit` were counted in this window.

    Raises `LimitsUnavailable` when the cache cannot be reached (Redis down, the cache table
    unreadable): never the backend's own error, which would answer 500.

    Windows are fixed (they start at multiples of `window` seconds). Each counted request claims
    a key of its own with `cache.add`, which only one caller can win in every backend: a unique
    row in the database cache, SET NX in Redis. So concurrent requests from any number of
    processes never count more than `limit`; `cache.incr` could not promise that, as the
    database cache implements it as a read and then a write. A refused request claims nothing.
    """
    try:
        return _take(scope, who, limit=limit, window=window)
    except Exception as error:
        # Cache backends' errors are not a closed set (redis' ConnectionError and TimeoutError,
        # the database's OperationalError, ...); whatever failed, nothing was counted.
        logger.warning("rate limit %s unavailable: %r", scope, error)
        raise LimitsUnavailable(scope) from error


def _take(scope: str, who: object, *, limit: int, window: int) -> bool:
    now = int(time.time())
    start = now - now % window
    prefix = f"limit:{scope}:{who}:{start}"
    # Keys outlive their window, so a key is never claimed twice; the next window has new ones.
    timeout = start + window - now + 1
    # Where to start looking: only a hint, so losing a race for it costs one more attempt.
    hint = f"{prefix}:next"
    slot = cache.get(hint, 0)
    retries = 3
    while slot < limit:
        key = f"{prefix}:{slot}"
        if cache.add(key, True, timeout):
            cache.set(hint, slot + 1, timeout)
            return True
        if retries and cache.get(key) is None:
            # The database cache also answers False when the database was busy (SQLite refuses
            # one of two writers at once): the slot is still free, so try it again.
            retries -= 1
            time.sleep(0.01)
            continue
        slot += 1
    return False


def client_address(request: HttpRequest) -> str:
    """The address the request came from, as far as Jejak can trust it.

    REMOTE_ADDR, unless that is one of TRUSTED_PROXIES: then the right-most address in
    X-Forwarded-For that is not itself a trusted proxy (each proxy appends the address it was
    reached from, so anything left of that was written by the client and proves nothing).
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(remote):
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        try:
            address = ipaddress.ip_address(hop.strip())
        except ValueError:
            break  # not written by a proxy of ours: the client's word only
        if not _trusted(address):
            return str(address)
    return remote


def _trusted(address: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, str):
        try:
            address = ipaddress.ip_address(address)
        except ValueError:
            return False
    return any(address in network for network in settings.TRUSTED_PROXIES)
