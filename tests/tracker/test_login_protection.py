"""Login: a correct Indonesian refusal, and lockout after repeated failures (django-axes)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

PASSWORD = "demo12345"  # the factories' password


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=15)


def _login(client, username, password, *, url=None, address="203.0.113.7"):
    return client.post(
        url or reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_a_wrong_password_gets_a_correct_indonesian_message(client, world):
    response = _login(client, "participant", "salah")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nama pengguna atau kata sandi salah." in page
    assert "nama pengguna nama pengguna" not in page.lower()


def test_the_login_page_offers_a_password_reset(client, db):
    page = client.get(reverse("login")).content.decode()
    assert "Lupa kata sandi?" in page
    assert reverse("password_reset") in page


def test_the_account_is_locked_after_the_limit_with_a_message_saying_when(client, world):
    for _attempt in range(2):
        assert _login(client, "participant", "salah").status_code == 200
    locked = _login(client, "participant", "salah")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Terlalu banyak percobaan masuk" in page
    until = timezone.localtime(timezone.now() + datetime.timedelta(minutes=15))
    assert f"setelah pukul {until:%H.%M} WIB" in page
    assert reverse("password_reset") in page
    # The right password does not open it meanwhile.
    assert _login(client, "participant", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_account_from_any_address(client, world):
    for attempt in range(3):
        _login(client, "participant", "salah", address=f"198.51.100.{attempt}")
    assert _login(client, "participant", PASSWORD, address="192.0.2.50").status_code == 429
    # Another account from a fresh address logs in.
    assert _login(client, "coach", PASSWORD, address="192.0.2.51").status_code == 302


def test_the_lock_is_per_address_across_accounts(client, world):
    for username in ("participant", "coach", "mentor"):
        _login(client, username, "salah", address="203.0.113.99")
    assert _login(client, "examiner", PASSWORD, address="203.0.113.99").status_code == 429
    assert _login(client, "examiner", PASSWORD, address="203.0.113.100").status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_counts(client, world, settings):
    import ipaddress

    settings.TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.1/32"),)
    for username in ("participant", "coach", "mentor"):
        client.post(
            reverse("login"),
            {"username": username, "password": "salah"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR="203.0.113.5",
        )
    # Another visitor behind the same proxy is not locked out with the first.
    response = client.post(
        reverse("login"),
        {"username": "examiner", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="203.0.113.6",
    )
    assert response.status_code == 302


def test_the_lock_lifts_after_the_cool_off(client, world):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for _attempt in range(3):
            _login(client, "participant", "salah")
        clock.shift(datetime.timedelta(minutes=14))
        assert _login(client, "participant", PASSWORD).status_code == 429
        # Trying while locked did not prolong the lock: 15 minutes from the last counted failure.
        clock.shift(datetime.timedelta(minutes=2))
        assert _login(client, "participant", PASSWORD).status_code == 302


def test_a_success_resets_the_count(client, world):
    _login(client, "participant", "salah")
    _login(client, "participant", "salah")
    assert _login(client, "participant", PASSWORD).status_code == 302
    client.logout()
    _login(client, "participant", "salah")
    _login(client, "participant", "salah")
    assert _login(client, "participant", PASSWORD).status_code == 302


def test_without_reset_on_success_failures_keep_counting(client, world, settings):
    settings.AXES_RESET_ON_SUCCESS = False
    _login(client, "participant", "salah")
    _login(client, "participant", "salah")
    assert _login(client, "participant", PASSWORD).status_code == 302
    client.logout()
    assert _login(client, "participant", "salah").status_code == 429


def test_thirty_wrong_passwords_with_the_default_settings_lock_the_account(client, world, settings):
    settings.AXES_FAILURE_LIMIT = 10  # the default of LOGIN_FAILURE_LIMIT
    statuses = [_login(client, "participant", f"tebakan-{n}").status_code for n in range(30)]
    assert statuses.count(429) == 21
    assert _login(client, "participant", PASSWORD).status_code == 429


def test_the_admin_login_is_covered_too(client, world):
    url = reverse("admin:login")
    for _attempt in range(3):
        _login(client, "admin", "salah", url=url)
    response = _login(client, "admin", PASSWORD, url=url)
    assert response.status_code == 429
    assert "Terlalu banyak percobaan masuk" in response.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # not logged in


def test_settings_come_from_the_environment():
    import os
    import subprocess
    import sys

    environment = {**os.environ, "DEBUG": "1", "LOGIN_FAILURE_LIMIT": "7"}
    environment |= {"LOGIN_COOLOFF_MINUTES": "45", "LOGIN_RESET_ON_SUCCESS": "0"}
    code = (
        "import tracker.settings as s; "
        "print(s.AXES_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(), s.AXES_RESET_ON_SUCCESS)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["7", "2700.0", "False"], result.stderr
    environment["LOGIN_FAILURE_LIMIT"] = "nol"
    result = subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=60
    )
    assert "LOGIN_FAILURE_LIMIT must be a whole number" in result.stderr
