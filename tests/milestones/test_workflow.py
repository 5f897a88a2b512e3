"""The milestone workflow: planned -> in_progress -> submitted -> accepted | returned."""

from __future__ import annotations

import pytest
from django.urls import reverse

from milestones import services
from milestones.models import Milestone, MilestoneLog
from tests.conftest import PERSONAS
from tests.milestones.conftest import with_state
from tests.milestones.factories import LinkEvidenceFactory, MilestoneFactory, put_project_in
from tracker.models import ChangeProject, Role
from tracker.workflow import Forbidden, Refused, Stale

M = Milestone.State
IN_SCOPE = {"participant", "coach", "mentor", "examiner", "organiser", "agency_head", "admin"}

# (url name, state before, personas allowed, extra data, state after)
STEPS = [
    ("milestones:start", M.PLANNED, {"participant"}, {}, M.IN_PROGRESS),
    ("milestones:submit", M.IN_PROGRESS, {"participant"}, {}, M.SUBMITTED),
    ("milestones:submit", M.RETURNED, {"participant"}, {}, M.SUBMITTED),
    ("milestones:accept", M.SUBMITTED, {"coach", "mentor"}, {}, M.ACCEPTED),
    (
        "milestones:return",
        M.SUBMITTED,
        {"coach", "mentor"},
        {"comment": "Lampirkan daftar hadir rapat."},
        M.RETURNED,
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "before", "allowed", "data", "after"),
    STEPS,
    # Sorted, so that every process (pytest-xdist's workers) names the cases alike.
    ids=lambda v: "+".join(sorted(v)) if isinstance(v, set) else str(v),
)
def test_milestone_step_per_persona(
    client, world, at_work, persona, name, before, allowed, data, after
):
    milestone = with_state(MilestoneFactory(project=at_work), before)
    LinkEvidenceFactory(milestone=milestone)
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)
    response = client.post(reverse(name, args=[milestone.pk]), {"expected_state": before, **data})
    milestone.refresh_from_db()
    if persona in allowed:
        assert response.status_code == 302
        assert response["Location"] == milestone.get_absolute_url()
        assert milestone.state == after
        log = MilestoneLog.objects.get(milestone=milestone)
        assert (log.actor, log.from_state, log.to_state) == (user, before, after)
        assert log.role == persona
        assert log.comment == data.get("comment", "")
        return
    assert milestone.state == before
    assert not MilestoneLog.objects.exists()
    if persona == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif persona in IN_SCOPE:
        assert response.status_code == 403
    else:
        assert response.status_code == 404


def test_submitting_needs_evidence(client, world, milestone):
    with_state(milestone, M.IN_PROGRESS)
    client.force_login(world.participant)
    response = client.post(
        reverse("milestones:submit", args=[milestone.pk]), {"expected_state": M.IN_PROGRESS}
    )
    assert response.status_code == 400
    assert "Unggah minimal satu bukti" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.state == M.IN_PROGRESS
    assert not MilestoneLog.objects.exists()


def test_page_shows_submit_disabled_with_reason_until_evidence_exists(client, world, milestone):
    with_state(milestone, M.IN_PROGRESS)
    client.force_login(world.participant)
    page = client.get(milestone.get_absolute_url()).content.decode()
    assert "Unggah minimal satu bukti" in page
    assert "disabled>Ajukan untuk diperiksa" in page
    LinkEvidenceFactory(milestone=milestone)
    page = client.get(milestone.get_absolute_url()).content.decode()
    assert "disabled>Ajukan untuk diperiksa" not in page
    assert "Ajukan untuk diperiksa" in page


def test_returning_needs_a_comment(client, world, milestone):
    with_state(milestone, M.SUBMITTED)
    client.force_login(world.mentor)
    response = client.post(
        reverse("milestones:return", args=[milestone.pk]),
        {"expected_state": M.SUBMITTED, "comment": "  "},
    )
    assert response.status_code == 400
    assert "Komentar wajib diisi" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.state == M.SUBMITTED


def test_milestones_wait_until_implementation(client, world):
    milestone = MilestoneFactory(project=world.project)  # the project is still a draft
    client.force_login(world.participant)
    response = client.post(
        reverse("milestones:start", args=[milestone.pk]), {"expected_state": M.PLANNED}
    )
    assert response.status_code == 400
    assert "Tonggak dikerjakan setelah rancangan disetujui" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.state == M.PLANNED


def test_a_step_on_a_milestone_that_moved_is_refused_as_stale(client, world, milestone):
    with_state(milestone, M.ACCEPTED)
    client.force_login(world.coach)
    response = client.post(
        reverse("milestones:return", args=[milestone.pk]),
        {"expected_state": M.SUBMITTED, "comment": "Kurang lengkap"},
    )
    assert response.status_code == 409
    assert "sekarang berstatus “Diterima”" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.state == M.ACCEPTED


def test_htmx_step_answers_with_the_milestone_fragment(client, world, milestone):
    LinkEvidenceFactory(milestone=milestone)
    with_state(milestone, M.IN_PROGRESS)
    client.force_login(world.participant)
    response = client.post(
        reverse("milestones:submit", args=[milestone.pk]),
        {"expected_state": M.IN_PROGRESS},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert 'id="milestone-body"' in page
    assert "Status tonggak sekarang: Diajukan" in page
    milestone.refresh_from_db()
    assert milestone.state == M.SUBMITTED


def test_htmx_refusal_answers_with_the_fragment_and_message(client, world, milestone):
    with_state(milestone, M.IN_PROGRESS)
    client.force_login(world.participant)
    response = client.post(
        reverse("milestones:submit", args=[milestone.pk]),
        {"expected_state": M.IN_PROGRESS},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "<html" not in page
    assert "Unggah minimal satu bukti" in page


def test_submission_tells_coach_and_mentor_and_acceptance_tells_participant(
    world, milestone, mailoutbox, run_tasks
):
    LinkEvidenceFactory(milestone=milestone)
    with_state(milestone, M.IN_PROGRESS)
    services.milestone_submit(milestone=milestone, by=world.participant)
    run_tasks()
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [world.coach.email, world.mentor.email]
    )
    assert "Diajukan" in mailoutbox[0].subject
    mailoutbox.clear()
    services.milestone_accept(milestone=milestone, by=world.mentor)
    run_tasks()
    assert [mail.to for mail in mailoutbox] == [[world.participant.email]]
    assert milestone.activity in mailoutbox[0].body
    assert world.participant.notifications.filter(url=milestone.get_absolute_url()).exists()


def test_starting_tells_nobody(world, milestone, mailoutbox, run_tasks):
    services.milestone_start(milestone=milestone, by=world.participant)
    run_tasks()
    assert mailoutbox == []


def test_service_rechecks_permission_and_state(world, milestone):
    with pytest.raises(Forbidden):
        services.milestone_start(milestone=milestone, by=world.mentor)
    with pytest.raises(Stale):
        services.milestone_accept(milestone=milestone, by=world.mentor)
    with pytest.raises(Stale):
        services.milestone_start(
            milestone=milestone, by=world.participant, expected_state=M.SUBMITTED
        )
    put_project_in(world.project, ChangeProject.State.PROPOSAL_REVIEW)
    with pytest.raises(Refused) as refused:
        services.milestone_start(milestone=milestone, by=world.participant)
    assert "Rancangan ditelaah" in str(refused.value.message)
    milestone.refresh_from_db()
    assert milestone.state == M.PLANNED


def test_state_cannot_be_assigned_directly(milestone):
    with pytest.raises(AttributeError):
        milestone.state = M.ACCEPTED


def test_milestone_log_is_append_only(world, milestone):
    log = services.milestone_start(milestone=milestone, by=world.participant)
    assert log.role == Role.PARTICIPANT
    with pytest.raises(PermissionError):
        log.save()
    with pytest.raises(PermissionError):
        MilestoneLog.objects.update(comment="diubah")
    with pytest.raises(PermissionError):
        log.delete()


def test_history_shows_each_step_on_the_milestone_page(client, world, milestone):
    services.milestone_start(milestone=milestone, by=world.participant)
    LinkEvidenceFactory(milestone=milestone)
    services.milestone_submit(milestone=milestone, by=world.participant)
    services.milestone_send_back(milestone=milestone, by=world.coach, comment="Foto buram.")
    client.force_login(world.agency_head)
    page = client.get(milestone.get_absolute_url()).content.decode()
    assert "Mulai kerjakan" in page
    assert "Foto buram." in page
    assert "Hendra Coach (Coach)" in page
