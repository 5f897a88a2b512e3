"""The project list's sort options are worded in the language of the request, not of import."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from reports.filters import ProjectFilter, sort_direction

URL = reverse("reports:project-list")
pytestmark = pytest.mark.django_db


def _options(page: str) -> list[str]:
    select = page.split('name="sort"', 1)[1].split("</select>", 1)[0]
    return [" ".join(text.split()) for text in re.findall(r"<option[^>]*>([^<]*)</option>", select)]


def test_sort_labels_follow_the_language_of_each_request(client, world):
    client.force_login(world.organiser)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _options(client.get(URL).content.decode())
    assert "Participant, A–Z" in english
    assert "Title, Z–A" in english
    assert not any(label.startswith(("Peserta", "Judul")) for label in english)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "id"
    indonesian = _options(client.get(URL).content.decode())
    assert "Peserta, A–Z" in indonesian
    assert "Diperbarui, terbaru" in indonesian
    assert "Progres, tertinggi" in indonesian


def test_sort_choices_stay_lazy_until_drawn():
    [field] = [f for name, f in ProjectFilter.base_filters.items() if name == "sort"]
    choices = dict(field.extra["choices"])
    with translation.override("en"):
        assert str(choices["participant"]) == "Participant, A–Z"
    with translation.override("id"):
        assert str(choices["participant"]) == "Peserta, A–Z"
        assert str(choices["-updated"]) == "Diperbarui, terbaru"


def test_each_column_reads_its_own_way():
    with translation.override("id"):
        assert sort_direction("title") == "A–Z"
        assert sort_direction("-title") == "Z–A"
        assert sort_direction("-updated") == "terbaru"
        assert sort_direction("progress") == "terendah"
