from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import CohortFactory, SeminarFactory
from tracker.models import Seminar

URL = reverse("mentoring:seminar-list")


def _page(client, user) -> str:
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_organiser_sees_their_cohorts_seminars_and_may_schedule(client, world):
    SeminarFactory(place="Gedung Angkatan Lain")
    page = _page(client, world.organiser)
    assert "Aula BPSDM" in page
    assert "Gedung Angkatan Lain" not in page
    assert reverse("mentoring:seminar-create", args=[world.cohort.pk]) in page


def test_examiner_sees_the_seminars_they_examine_only(client, world):
    SeminarFactory(cohort=world.cohort, place="Ruang Tanpa Penguji Ini")
    page = _page(client, world.examiner)
    assert reverse("mentoring:seminar-detail", args=[Seminar.objects.first().pk]) in page
    assert "Ruang Tanpa Penguji Ini" not in page
    assert "Jadwalkan seminar" not in page


@pytest.mark.parametrize("persona", ["participant", "coach", "mentor", "agency_head", "stranger"])
def test_others_get_an_empty_list(client, world, persona):
    page = _page(client, world.persona(persona))
    assert "Belum ada seminar yang dapat Anda lihat." in page
    assert "Aula BPSDM" not in page


def test_admin_sees_every_seminar(client, world):
    SeminarFactory(place="Gedung Angkatan Lain")
    page = _page(client, world.admin)
    assert "Aula BPSDM" in page
    assert "Gedung Angkatan Lain" in page


def test_anonymous_is_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("organiser", True), ("examiner", True), ("participant", False), ("stranger", False)],
)
def test_navigation_links_the_list_for_organisers_and_examiners(client, world, persona, shown):
    client.force_login(world.persona(persona))
    page = client.get(reverse("tracker:home")).content.decode()
    assert (f'href="{URL}"' in page) is shown


def test_organiser_without_seminars_yet_still_gets_the_link(client, world):
    client.force_login(world.organiser)
    Seminar.objects.all().delete()
    assert f'href="{URL}"' in client.get(reverse("tracker:home")).content.decode()


def test_query_count_is_the_same_for_one_and_many_seminars(
    client, world, django_assert_num_queries
):
    client.force_login(world.organiser)
    # Session, user, seminars, their examiners, the organiser's cohorts, the navigation check.
    with django_assert_num_queries(5) as one:
        client.get(URL)
    other_cohort = CohortFactory()
    other_cohort.organisers.add(world.organiser)
    for n in range(8):
        seminar = SeminarFactory(cohort=other_cohort if n % 2 else world.cohort, place=f"Ruang {n}")
        seminar.examiners.add(world.examiner)
        seminar.projects.add(world.project, world.other_project)
    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(URL).content.decode()
    assert len(re.findall(r'href="/seminar/\d+/"', page)) == 9
