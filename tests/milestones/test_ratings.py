"""Examiners rate each short-term milestone's achievement at the results seminar."""

from __future__ import annotations

import pytest
from django.urls import reverse

from milestones.models import MilestoneRating, Term
from milestones.selectors import milestone_ratings
from tests.factories import SeminarFactory, UserFactory
from tests.milestones.factories import MilestoneFactory, put_project_in
from tracker.models import ChangeProject, Seminar


@pytest.fixture
def seminar(world):
    """The results seminar: the world's examiner and a second one, with the project listed."""
    put_project_in(world.project, ChangeProject.State.RESULTS_SEMINAR)
    seminar = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    seminar.examiners.add(world.examiner)
    seminar.projects.add(world.project)
    return seminar


@pytest.fixture
def short(world):
    return MilestoneFactory(project=world.project, state="accepted", activity="Uji coba SIRUJAK")


def _rate(client, milestone, rating="sesuai", note="", **extra):
    return client.post(
        reverse("milestones:rate", args=[milestone.pk]), {"rating": rating, "note": note}, **extra
    )


def test_examiner_rates_and_may_change_their_rating(client, world, seminar, short):
    client.force_login(world.examiner)
    response = _rate(client, short, "kurang", "Baru 6 dari 10 puskesmas.")
    assert response.status_code == 302
    assert response["Location"] == reverse("milestones:ratings", args=[world.project.pk])
    _rate(client, short, "melampaui", "Ternyata 12 puskesmas.")
    rating = MilestoneRating.objects.get()
    assert (rating.examiner, rating.rating, rating.note, rating.seminar) == (
        world.examiner,
        "melampaui",
        "Ternyata 12 puskesmas.",
        seminar,
    )


def test_ratings_of_every_examiner_show_on_the_project_and_feed_the_selector(
    client, world, seminar, short
):
    second = UserFactory(full_name="Ratna Penguji")
    seminar.examiners.add(second)
    client.force_login(world.examiner)
    _rate(client, short, "sesuai", "Sesuai rencana.")
    client.force_login(second)
    _rate(client, short, "melampaui")
    rows = [
        (r.milestone, r.examiner.full_name, r.get_rating_display())
        for r in milestone_ratings(world.project)
    ]
    assert rows == [
        (short, "Bambang Penguji", "Sesuai target"),
        (short, "Ratna Penguji", "Melampaui target"),
    ]
    client.force_login(world.participant)
    page = client.get(reverse("milestones:ratings", args=[world.project.pk])).content.decode()
    assert "Sesuai target</strong> · Bambang Penguji: Sesuai rencana." in page
    assert "Melampaui target</strong> · Ratna Penguji" in page
    assert reverse("milestones:rate", args=[short.pk]) not in page  # no form for the participant
    page = client.get(short.get_absolute_url()).content.decode()
    assert "Penilaian capaian di seminar laporan" in page


def test_htmx_rating_answers_with_the_ratings_fragment(client, world, seminar, short):
    client.force_login(world.examiner)
    response = _rate(client, short, "sesuai", headers={"HX-Request": "true"})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="ratings">')
    assert "Penilaian capaian “Uji coba SIRUJAK” tersimpan." in page


def test_rating_waits_for_the_results_seminar(client, world, seminar, short):
    put_project_in(world.project, ChangeProject.State.REPORT_REVIEW)
    client.force_login(world.examiner)
    response = _rate(client, short)
    assert response.status_code == 400
    assert "Capaian tonggak dinilai selama seminar laporan" in response.content.decode()
    assert not MilestoneRating.objects.exists()


def test_only_short_term_milestones_are_rated(client, world, seminar):
    medium = MilestoneFactory(project=world.project, term=Term.MEDIUM)
    client.force_login(world.examiner)
    response = _rate(client, medium)
    assert response.status_code == 400
    assert "Hanya tonggak jangka pendek" in response.content.decode()


def test_a_rating_must_be_one_of_the_three(client, world, seminar, short):
    client.force_login(world.examiner)
    assert _rate(client, short, "luar biasa").status_code == 400
    assert not MilestoneRating.objects.exists()


def test_proposal_seminar_examiner_does_not_rate(client, world, short):
    put_project_in(world.project, ChangeProject.State.RESULTS_SEMINAR)
    client.force_login(world.examiner)  # appointed to the proposal seminar only
    assert _rate(client, short).status_code == 403


@pytest.mark.parametrize(
    ("persona", "status"), [("coach", 403), ("mentor", 403), ("other_participant", 404)]
)
def test_others_do_not_rate(client, world, seminar, short, persona, status):
    client.force_login(world.persona(persona))
    assert _rate(client, short).status_code == status
    assert not MilestoneRating.objects.exists()


def test_examiner_sees_a_form_per_short_term_milestone(client, world, seminar, short):
    MilestoneFactory(project=world.project, term=Term.LONG, activity="Standar provinsi")
    client.force_login(world.examiner)
    page = client.get(reverse("milestones:ratings", args=[world.project.pk])).content.decode()
    assert reverse("milestones:rate", args=[short.pk]) in page
    assert "Standar provinsi" not in page
