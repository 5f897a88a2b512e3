"""Appointing several examiners to a seminar at once: organiser only, new ones are told."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import CohortFactory, SeminarFactory, UserFactory
from tests.html import element
from tracker.models import Notification, PoolExaminer, Seminar

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def seminar(world) -> Seminar:
    return Seminar.objects.get(projects=world.project)


def _url(seminar) -> str:
    return reverse("mentoring:examiner-assignment", args=[seminar.pk])


@pytest.fixture
def organiser(client, world):
    client.force_login(world.organiser)
    return client


@pytest.fixture
def pool(world):
    """Two people in the examiner pool of the organiser's institution."""
    people = [
        UserFactory(username="penguji_a", full_name="Ani Penguji"),
        UserFactory(username="penguji_b", full_name="Bayu Penguji", nip="197505052000031002"),
    ]
    SeminarFactory(cohort=world.cohort).examiners.add(*people)
    for person in people:
        PoolExaminer.objects.create(institution=world.cohort.institution, person=person)
    return people


def _examiners(seminar) -> set[str]:
    return set(seminar.examiners.values_list("username", flat=True))


def test_organiser_adds_examiners_from_the_pool_and_by_username_or_nip(
    organiser, world, seminar, pool, run_tasks, mailoutbox
):
    typed = UserFactory(username="penguji_c", nip="198002022006041003")
    response = organiser.post(
        _url(seminar),
        {"pool": [pool[0].pk], "people": f"penguji_b\n\n{typed.nip[:8]} {typed.nip[8:]}\n"},
    )
    run_tasks()
    assert response.status_code == 302
    assert response["Location"] == reverse("mentoring:seminar-detail", args=[seminar.pk])
    assert _examiners(seminar) == {"examiner", "penguji_a", "penguji_b", "penguji_c"}
    # Only the new examiners are told; the participant and the old examiner are not.
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert told == {"penguji_a", "penguji_b", "penguji_c"}
    assert len(mailoutbox) == 3
    page = organiser.get(response["Location"]).content.decode()
    assert "3 penguji ditambahkan dan diberi tahu" in page


def test_pool_offers_the_cohorts_examiners_not_yet_on_this_seminar(organiser, world, seminar, pool):
    SeminarFactory(cohort=CohortFactory()).examiners.add(UserFactory(full_name="Orang Luar"))
    page = organiser.get(_url(seminar)).content.decode()
    assert "Ani Penguji" in page
    assert "Bayu Penguji" in page
    assert "Orang Luar" not in page
    assert f'name="pool" value="{pool[0].pk}"' in page
    assert f'name="pool" value="{world.examiner.pk}"' not in page


def test_unknown_names_are_listed_and_nothing_changes(organiser, world, seminar, pool):
    response = organiser.post(_url(seminar), {"pool": [pool[0].pk], "people": "siapa\nentah"})
    assert response.status_code == 400
    assert "Tidak dapat dijadikan penguji angkatan ini: “siapa”, “entah”." in (
        response.content.decode()
    )
    assert _examiners(seminar) == {"examiner"}


def test_a_participant_of_the_cohort_cannot_examine_it(organiser, world, seminar):
    response = organiser.post(_url(seminar), {"people": "other_participant"})
    assert response.status_code == 400
    assert "Tidak dapat dijadikan penguji angkatan ini: “other_participant”." in (
        response.content.decode()
    )
    assert _examiners(seminar) == {"examiner"}


def test_nothing_chosen_or_only_current_examiners_is_refused(organiser, world, seminar):
    response = organiser.post(_url(seminar), {"people": ""})
    assert response.status_code == 400
    assert "Pilih atau tulis minimal satu penguji." in response.content.decode()
    response = organiser.post(_url(seminar), {"people": "examiner"})
    assert response.status_code == 400
    assert "sudah menjadi penguji seminar ini" in response.content.decode()


def test_htmx_answers_with_the_panel(organiser, world, seminar, pool):
    response = organiser.post(_url(seminar), {"pool": [pool[1].pk]}, **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="examiner-panel">')
    assert "1 penguji ditambahkan dan diberi tahu: Bayu Penguji." in page
    current = element(page, "current-examiners").text
    assert "Bayu Penguji" in current


def test_htmx_refusal_answers_with_the_panel(organiser, world, seminar):
    response = organiser.post(_url(seminar), {"people": "siapa"}, **HTMX)
    assert response.status_code == 400
    assert response.content.decode().lstrip().startswith('<div id="examiner-panel">')


def test_seminar_page_links_organisers_to_the_assignment(organiser, world, seminar):
    page = organiser.get(reverse("mentoring:seminar-detail", args=[seminar.pk])).content.decode()
    assert _url(seminar) in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("examiner", 403), ("admin", 403), ("coach", 404), ("participant", 404), ("stranger", 404)],
)
def test_only_the_organiser_may_appoint(client, world, seminar, pool, persona, status):
    client.force_login(world.persona(persona))
    assert client.post(_url(seminar), {"pool": [pool[0].pk]}).status_code == status
    assert _examiners(seminar) == {"examiner"}


def test_page_query_count_is_the_same_for_1_and_50_people(
    organiser, world, seminar, django_assert_num_queries
):
    def pooled(count: int) -> list:
        people = [UserFactory() for _ in range(count)]
        PoolExaminer.objects.bulk_create(
            PoolExaminer(institution=world.cohort.institution, person=person) for person in people
        )
        return people

    other = SeminarFactory(cohort=world.cohort)
    other.examiners.add(*pooled(1))
    with django_assert_num_queries(6):
        organiser.get(_url(seminar))
    other.examiners.add(*pooled(49))
    seminar.examiners.add(*pooled(49))
    with django_assert_num_queries(6):
        page = organiser.get(_url(seminar)).content.decode()
    assert page.count('name="pool"') == 50


def test_the_page_answers_the_same_for_nobody_and_for_someone_not_eligible(
    organiser, world, seminar, elsewhere
):
    # Another institution's examiner, the admin, the organiser and a made-up name: one answer,
    # so the page cannot be used to learn which usernames and NIPs exist.
    for handle in ("far_examiner", "admin", "organiser", elsewhere.examiner.nip, "tidakada"):
        response = organiser.post(_url(seminar), {"people": handle})
        assert response.status_code == 400
        page = response.content.decode()
        assert f"Tidak dapat dijadikan penguji angkatan ini: “{handle}”." in page
        assert "Eko Penguji Jauh" not in page
        assert "tidak dapat menjadi penguji seminarnya" not in page
    assert _examiners(seminar) == {"examiner"}


def test_people_invited_by_the_institution_may_examine(organiser, world, seminar):
    from tracker.models import Invitation

    invited = UserFactory(username="diundang")
    Invitation.objects.create(
        user=invited, cohort=world.cohort, role="examiner", invited_by=world.organiser
    )
    response = organiser.post(_url(seminar), {"people": "diundang"})
    assert response.status_code == 302
    assert "diundang" in _examiners(seminar)
