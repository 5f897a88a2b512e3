"""The header's navigation marks the section a page belongs to, with icons beside its labels."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _current(page: str) -> dict[str, str]:
    """Navigation label -> its aria-current value, for the marked links of the main menu."""
    nav = page.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    marked = re.findall(r'<a href="[^"]*"(?: class="bell")? aria-current="(\w+)">(.*?)</a>', nav)
    return {re.sub(r"<[^>]+>", "", label).strip(): value for value, label in marked}


def test_home_is_the_current_page(client, world):
    client.force_login(world.participant)
    assert _current(client.get(reverse("tracker:home")).content.decode()) == {"Beranda": "page"}


def test_a_project_page_is_in_the_projects_section(client, world):
    client.force_login(world.participant)
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert _current(page) == {"Proyek": "true"}


def test_the_project_list_is_the_projects_page(client, world):
    client.force_login(world.organiser)
    page = client.get(reverse("reports:project-list")).content.decode()
    assert _current(page) == {"Proyek": "page"}


def test_icons_are_decorative_and_drawn_from_the_inline_sprite(client, world):
    client.force_login(world.participant)
    page = client.get(reverse("tracker:home")).content.decode()
    assert '<symbol id="icon-home"' in page
    nav = page.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    icons = re.findall(r"<svg [^>]*>", nav)
    assert icons and all('aria-hidden="true"' in tag for tag in icons)
    assert '<use href="#icon-projects">' in nav


def test_visitors_get_no_menu(client, db):
    page = client.get(reverse("login")).content.decode()
    assert 'class="site-nav"' not in page
