from __future__ import annotations

import pytest
from django.urls import reverse

from tests.html import element
from tests.milestones.factories import complete_plan
from tracker.models import ChangeProject, TransitionLog
from tracker.services import run_transition

S = ChangeProject.State


@pytest.fixture
def in_review(world):
    ChangeProject.objects.filter(pk=world.project.pk).update(
        goal_short_term="Dua puskesmas daring.", innovation_summary="Antrean daring."
    )
    world.project.refresh_from_db()
    complete_plan(world.project)
    run_transition(project=world.project, by=world.participant, name="submit_proposal")
    return world.project


def test_participant_submits_the_proposal_from_the_page(client, world):
    ChangeProject.objects.filter(pk=world.project.pk).update(
        goal_short_term="Dua puskesmas daring.", innovation_summary="Antrean daring."
    )
    complete_plan(world.project)
    client.force_login(world.participant)
    response = client.post(
        reverse("tracker:submit-proposal", args=[world.project.pk]),
        {"expected_state": S.DRAFT},
    )
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.state == S.PROPOSAL_REVIEW
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert "Ajukan rancangan: berhasil" in page


def test_incomplete_proposal_shows_what_is_missing_and_a_disabled_button(client, world):
    complete_plan(world.project)
    client.force_login(world.participant)
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert "Lengkapi dulu: tujuan jangka pendek, ringkasan inovasi." in page
    response = client.post(
        reverse("tracker:submit-proposal", args=[world.project.pk]), {"expected_state": S.DRAFT}
    )
    assert response.status_code == 400
    assert "Lengkapi dulu: tujuan jangka pendek, ringkasan inovasi." in response.content.decode()
    world.project.refresh_from_db()
    assert world.project.state == S.DRAFT


def test_return_without_comment_is_refused_in_indonesian(client, world, in_review):
    client.force_login(world.coach)
    response = client.post(
        reverse("tracker:return-proposal", args=[in_review.pk]),
        {"expected_state": S.PROPOSAL_REVIEW, "comment": ""},
    )
    assert response.status_code == 400
    assert "Komentar wajib diisi untuk tindakan ini." in response.content.decode()
    in_review.refresh_from_db()
    assert in_review.state == S.PROPOSAL_REVIEW


def test_stale_page_keeps_what_the_person_typed_and_says_who_moved_it(client, world, in_review):
    run_transition(project=in_review, by=world.organiser, name="withdraw", comment="Mutasi.")
    client.force_login(world.coach)
    response = client.post(
        reverse("tracker:return-proposal", args=[in_review.pk]),
        {"expected_state": S.PROPOSAL_REVIEW, "comment": "Latar belakang perlu data 2025."},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert (
        f"{world.organiser.full_name} sudah memindahkan proyek ini ke status “Mengundurkan diri”"
        in page
    )
    # The action is gone with the state, but what the coach wrote is still there to copy.
    assert "Latar belakang perlu data 2025." in page
    assert (
        TransitionLog.objects.filter(project=in_review, transition="return_proposal").count() == 0
    )


def test_stale_comment_is_shown_again_when_the_action_is_still_offered(client, world, in_review):
    # Someone returned and the participant resubmitted: same state, but the page was stale.
    run_transition(project=in_review, by=world.mentor, name="return_proposal", comment="Revisi.")
    run_transition(project=in_review, by=world.participant, name="submit_proposal")
    client.force_login(world.coach)
    response = client.post(
        reverse("tracker:return-proposal", args=[in_review.pk]),
        {"expected_state": S.DRAFT, "comment": "Perlu data dasar 2025."},
    )
    assert response.status_code == 409
    assert "Perlu data dasar 2025." in response.content.decode()


def _actions_of(client, project) -> str:
    page = client.get(project.get_absolute_url()).content.decode()
    return element(page, "actions").text


def test_page_shows_only_the_actions_this_person_may_take(client, world, in_review):
    client.force_login(world.coach)
    actions = _actions_of(client, in_review)
    assert "Kembalikan rancangan" in actions
    assert "Tarik proyek" not in actions
    client.force_login(world.organiser)
    actions = _actions_of(client, in_review)
    assert "Tarik proyek" in actions
    assert "Kembalikan rancangan" not in actions
    client.force_login(world.agency_head)
    assert "Tidak ada tindakan yang menunggu Anda" in _actions_of(client, in_review)


def test_timeline_and_diagram_tell_the_story(client, world, in_review):
    run_transition(project=in_review, by=world.coach, name="return_proposal", comment="Revisi A.")
    client.force_login(world.participant)
    page = client.get(in_review.get_absolute_url()).content.decode()
    assert page.index("Ajukan rancangan") < page.index("Revisi A.")
    assert 'class="wf-node wf-node--current"' in page
    assert "Draf</text>" in page.split("wf-node--current", 1)[1][:400]


def test_detail_page_query_count_does_not_grow_with_history(
    client, world, in_review, django_assert_max_num_queries
):
    client.force_login(world.coach)
    with django_assert_max_num_queries(50) as first:
        client.get(in_review.get_absolute_url())
    for _ in range(5):
        run_transition(project=in_review, by=world.coach, name="return_proposal", comment="x")
        run_transition(project=in_review, by=world.participant, name="submit_proposal")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(in_review.get_absolute_url())


def test_diagram_is_drawn_from_the_declared_transitions(client, world):
    from tracker.diagram import workflow_edges, workflow_svg

    edges, from_anywhere = workflow_edges()
    field = ChangeProject._meta.get_field("state")
    declared = {t.name for t in field.get_all_transitions(ChangeProject)}
    assert {edge.name for edge in edges + from_anywhere} == declared
    svg = workflow_svg(current=S.IMPLEMENTATION)
    for _value, label in S.choices:
        assert f"{label}</text>" in svg
    assert svg.count("wf-node--current") == 1


def test_page_title_is_only_the_project_title(client, world):
    client.force_login(world.participant)
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert element(page, tag="title").text == f"{world.project.title} · Jejak"
