"""Long titles in the dashboards' and seminars' tables are clamped to two lines, whole on hover."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import SeminarFactory

pytestmark = pytest.mark.django_db


def test_agency_dashboard_titles_are_clamped_with_the_full_title_on_hover(client, world):
    client.force_login(world.agency_head)
    page = client.get(reverse("tracker:home")).content.decode()
    url, title = world.project.get_absolute_url(), world.project.title
    assert f'<a class="clamp-2" href="{url}" title="{title}">' in page


def test_seminar_project_titles_are_clamped(client, world):
    seminar = SeminarFactory(cohort=world.project.cohort)
    seminar.examiners.add(world.examiner)
    seminar.projects.add(world.project)
    client.force_login(world.examiner)
    page = client.get(reverse("mentoring:seminar-detail", args=[seminar.pk])).content.decode()
    assert f'class="clamp-2" href="{world.project.get_absolute_url()}"' in page
    client.force_login(world.stranger)
    assert client.get(reverse("mentoring:seminar-detail", args=[seminar.pk])).status_code == 404
