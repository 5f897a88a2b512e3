"""The admin says Jejak, in the person's language, not "Django administration"."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_admin_pages_are_titled_jejak(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("admin:index")).content.decode()
    assert "<title>Kelola data Jejak | Administrasi Jejak</title>" in page
    assert "Administrasi Jejak" in page.split('id="site-name"', 1)[1].split("</", 1)[0]
    assert "Django" not in page.split("<body", 1)[1].split('id="content"', 1)[0]


def test_the_admin_login_says_jejak_too(client, db):
    page = client.get(reverse("admin:login")).content.decode()
    assert "Administrasi Jejak" in page
    assert "Administrasi Django" not in page


def test_people_without_staff_access_are_sent_to_the_admin_login(client, world):
    client.force_login(world.participant)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
