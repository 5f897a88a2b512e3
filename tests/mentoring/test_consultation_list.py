"""The control form as a list: counts per stage, the sessions, constant queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import Consultation
from mentoring.selectors import consultation_counts, consultations_of
from tests.mentoring.factories import HTMX, ConsultationFactory
from tracker.models import Role

Stage, Status = Consultation.Stage, Consultation.Status


def _url(world):
    return reverse("mentoring:consultations", args=[world.project.pk])


def _sessions(world, *specs):
    for stage, status in specs:
        ConsultationFactory(
            project=world.project, consultant=world.mentor, stage=stage, status=status
        )


def test_counts_per_stage_come_from_the_loaded_sessions(world, django_assert_num_queries):
    _sessions(
        world,
        (Stage.PROPOSAL, Status.CONFIRMED),
        (Stage.PROPOSAL, Status.CONFIRMED),
        (Stage.PROPOSAL, Status.RECORDED),
        (Stage.IMPLEMENTATION, Status.DISPUTED),
        (Stage.IMPLEMENTATION, Status.CONFIRMED),
    )
    ConsultationFactory(project=world.other_project, stage=Stage.PROPOSAL)
    with django_assert_num_queries(1):
        counts = consultation_counts(consultations_of(world.project))
    table = {row["stage"]: (row["recorded"], row["confirmed"], row["disputed"]) for row in counts}
    assert table == {
        Stage.PROPOSAL: (3, 2, 0),
        Stage.IMPLEMENTATION: (2, 1, 1),
        Stage.REPORT: (0, 0, 0),
        Stage.AFTER_TRAINING: (0, 0, 0),
    }
    assert [row["label"] for row in counts] == [
        "Rancangan",
        "Implementasi",
        "Laporan",
        "Pascapelatihan",
    ]


def test_page_shows_counts_and_sessions(client, world):
    _sessions(world, (Stage.IMPLEMENTATION, Status.CONFIRMED), (Stage.REPORT, Status.DISPUTED))
    client.force_login(world.examiner)
    page = client.get(_url(world)).content.decode()
    assert page.count("Pembahasan tonggak") == 2
    implementation_row = page.split('consultation-counts__implementation">')[1].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in implementation_row.split('class="num">')[1:]] == [
        "1",
        "1",
        "0",
    ]


@pytest.mark.parametrize("persona", ["coach", "examiner", "organiser", "agency_head", "admin"])
def test_people_in_scope_read_the_sessions_without_forms(client, world, persona):
    _sessions(world, (Stage.PROPOSAL, Status.RECORDED))
    client.force_login(world.persona(persona))
    page = client.get(_url(world)).content.decode()
    assert "Pembahasan tonggak" in page
    assert "/konfirmasi/" not in page
    assert "Catat konsultasi" not in page


def test_named_mentor_gets_confirm_and_dispute_forms(client, world):
    _sessions(world, (Stage.PROPOSAL, Status.RECORDED))
    client.force_login(world.mentor)
    page = client.get(_url(world)).content.decode()
    assert "/konfirmasi/" in page
    assert "/sanggah/" in page


def test_participant_gets_the_record_form_and_a_next_step(client, world):
    client.force_login(world.participant)
    page = client.get(_url(world)).content.decode()
    assert "Catat setiap sesi dengan coach atau mentor di formulir di bawah" in page
    assert "Tahap saat ini: Rancangan." in page
    assert 'name="held_on"' in page


def test_participant_without_coach_and_mentor_is_told_who_to_ask(client, world):
    type(world.project).objects.filter(pk=world.project.pk).update(coach=None, mentor=None)
    client.force_login(world.participant)
    page = client.get(_url(world)).content.decode()
    assert "Minta penyelenggara menetapkannya" in page
    assert 'name="held_on"' not in page


def test_htmx_get_returns_only_the_panel(client, world):
    client.force_login(world.coach)
    response = client.get(_url(world), headers=HTMX)
    fragment = response.content.decode()
    assert "<html" not in fragment
    assert 'id="consultations"' in fragment
    assert "Belum ada konsultasi yang dicatat peserta." in fragment


# Session, the user (with the header's counts), the project with the viewer's roles, sessions.
CONSULTATION_PAGE_QUERIES = 4


def test_query_count_is_pinned_and_the_same_for_one_and_many_sessions(
    client, world, django_assert_num_queries
):
    client.force_login(world.mentor)
    _sessions(world, (Stage.PROPOSAL, Status.RECORDED))
    with django_assert_num_queries(CONSULTATION_PAGE_QUERIES):
        client.get(_url(world))
    for index in range(12):
        ConsultationFactory(
            project=world.project,
            consultant=world.coach if index % 2 else world.mentor,
            consultant_role=Role.COACH if index % 2 else Role.MENTOR,
            status=[Status.RECORDED, Status.CONFIRMED, Status.DISPUTED][index % 3],
            stage=list(Stage)[index % 4],
        )
    with django_assert_num_queries(CONSULTATION_PAGE_QUERIES):
        page = client.get(_url(world)).content.decode()
    assert page.count('<li class="note consultation--') == 13
