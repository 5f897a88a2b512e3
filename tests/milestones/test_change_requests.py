"""After approval, new milestones and moved due dates wait for the mentor; all of it is logged."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from milestones import services
from milestones.models import ChangeRequest, Milestone, MilestoneLog
from tests.milestones.conftest import with_state
from tests.milestones.factories import MilestoneFactory, RescheduleFactory, put_project_in
from tracker.models import ChangeProject

CR = ChangeRequest.State
NEW_MILESTONE = {
    "term": "short",
    "activity": "Pelatihan petugas puskesmas memakai SIRUJAK",
    "implementer": "Peserta dan Diskominfo",
    "start_date": "2026-11-23",
    "due_date": "2026-12-04",
    "expected_output": "40 petugas terlatih",
    "reason": "Uji coba menunjukkan petugas belum terbiasa dengan aplikasi.",
}


def test_reschedule_end_to_end(client, world, milestone, mailoutbox, run_tasks):
    old_due = milestone.due_date
    client.force_login(world.participant)
    response = client.post(
        reverse("milestones:request-reschedule", args=[milestone.pk]),
        {"new_due_date": "2026-12-11", "reason": "Narasumber berhalangan."},
    )
    run_tasks()
    assert response.status_code == 302
    change = ChangeRequest.objects.get()
    assert (change.state, change.old_due_date, change.new_due_date) == (
        CR.PENDING,
        old_due,
        datetime.date(2026, 12, 11),
    )
    milestone.refresh_from_db()
    assert milestone.due_date == old_due  # nothing moves before the mentor decides
    request_log = MilestoneLog.objects.get(action="request_change")
    assert (request_log.actor, request_log.change_request, request_log.to_state) == (
        world.participant,
        change,
        CR.PENDING,
    )
    assert [mail.to for mail in mailoutbox] == [[world.mentor.email]]
    assert "Narasumber berhalangan." in mailoutbox[0].body

    # The mentor sees the request on the project page and approves it there, in place.
    mailoutbox.clear()
    client.force_login(world.mentor)
    page = client.get(world.project.get_absolute_url()).content.decode()
    assert reverse("milestones:approve-change", args=[change.pk]) in page
    response = client.post(
        reverse("milestones:approve-change", args=[change.pk]),
        {"expected_state": CR.PENDING, "comment": "Setuju."},
        headers={"HX-Request": "true", "HX-Target": "milestone-panel"},
    )
    run_tasks()
    assert response.status_code == 200
    fragment = response.content.decode()
    assert fragment.lstrip().startswith("<section") and 'id="milestone-panel"' in fragment
    assert "Usulan perubahan disetujui." in fragment
    milestone.refresh_from_db()
    assert milestone.due_date == datetime.date(2026, 12, 11)
    change.refresh_from_db()
    assert (change.state, change.decided_by, change.decision_comment) == (
        CR.APPROVED,
        world.mentor,
        "Setuju.",
    )
    decision = MilestoneLog.objects.get(action="approve")
    assert (decision.actor, decision.role, decision.from_state, decision.to_state) == (
        world.mentor,
        "mentor",
        CR.PENDING,
        CR.APPROVED,
    )
    assert [mail.to for mail in mailoutbox] == [[world.participant.email]]


def test_addition_end_to_end_with_rejection_then_approval(
    client, world, at_work, mailoutbox, run_tasks
):
    MilestoneFactory(project=at_work, order=1)
    client.force_login(world.participant)
    url = reverse("milestones:request-addition", args=[at_work.pk])
    assert client.post(url, NEW_MILESTONE).status_code == 302
    first = ChangeRequest.objects.get()
    assert (first.kind, first.activity, first.new_due_date) == (
        "addition",
        NEW_MILESTONE["activity"],
        datetime.date(2026, 12, 4),
    )
    assert at_work.milestones.count() == 1

    client.force_login(world.mentor)
    reject = reverse("milestones:reject-change", args=[first.pk])
    response = client.post(reject, {"expected_state": CR.PENDING})
    assert response.status_code == 400
    assert "Komentar wajib diisi" in response.content.decode()
    first.refresh_from_db()
    assert first.state == CR.PENDING
    response = client.post(
        reject,
        {
            "expected_state": CR.PENDING,
            "comment": "Gabungkan dengan sosialisasi.",
            "next": at_work.get_absolute_url(),
        },
    )
    assert response.status_code == 302
    assert response["Location"] == at_work.get_absolute_url()
    first.refresh_from_db()
    assert first.state == CR.REJECTED
    assert at_work.milestones.count() == 1

    client.force_login(world.participant)
    client.post(url, NEW_MILESTONE)
    second = ChangeRequest.objects.get(state=CR.PENDING)
    client.force_login(world.mentor)
    response = client.post(
        reverse("milestones:approve-change", args=[second.pk]),
        {"expected_state": CR.PENDING},
    )
    run_tasks()
    assert response.status_code == 302
    second.refresh_from_db()
    added = at_work.milestones.get(activity=NEW_MILESTONE["activity"])
    assert second.milestone == added
    assert (added.term, added.order, added.state, added.due_date) == (
        "short",
        2,
        Milestone.State.PLANNED,
        datetime.date(2026, 12, 4),
    )
    assert list(
        MilestoneLog.objects.order_by("pk").values_list("action", "change_request", "to_state")
    ) == [
        ("request_change", first.pk, CR.PENDING),
        ("reject", first.pk, CR.REJECTED),
        ("request_change", second.pk, CR.PENDING),
        ("approve", second.pk, CR.APPROVED),
    ]
    assert world.participant.email in [mail.to[0] for mail in mailoutbox]


def test_in_draft_the_plan_changes_directly_not_by_request(client, world):
    client.force_login(world.participant)
    response = client.post(
        reverse("milestones:request-addition", args=[world.project.pk]), NEW_MILESTONE
    )
    assert response.status_code == 400
    assert "ubah rencana tonggak tanpa usulan" in response.content.decode()
    assert not ChangeRequest.objects.exists()


def test_after_approval_a_direct_addition_is_refused(client, world, at_work):
    client.force_login(world.participant)
    response = client.post(reverse("milestones:add", args=[at_work.pk]), NEW_MILESTONE)
    assert response.status_code == 400
    assert "ajukan usulan perubahan kepada mentor" in response.content.decode()
    assert not at_work.milestones.exists()


@pytest.mark.parametrize("persona", ["coach", "participant", "organiser", "agency_head"])
def test_only_the_mentor_decides(client, world, milestone, persona):
    change = RescheduleFactory(milestone=milestone)
    client.force_login(world.persona(persona))
    for name in ("milestones:approve-change", "milestones:reject-change"):
        response = client.post(
            reverse(name, args=[change.pk]), {"expected_state": CR.PENDING, "comment": "x"}
        )
        assert response.status_code == 403
    change.refresh_from_db()
    assert change.state == CR.PENDING


def test_other_participant_cannot_see_a_change_request(client, world, milestone):
    change = RescheduleFactory(milestone=milestone)
    client.force_login(world.other_participant)
    response = client.post(
        reverse("milestones:approve-change", args=[change.pk]), {"expected_state": CR.PENDING}
    )
    assert response.status_code == 404


def test_a_decided_request_cannot_be_decided_again(client, world, milestone):
    change = RescheduleFactory(milestone=milestone)
    services.change_reject(change=change, by=world.mentor, comment="Tidak perlu.")
    client.force_login(world.mentor)
    response = client.post(
        reverse("milestones:approve-change", args=[change.pk]), {"expected_state": CR.PENDING}
    )
    assert response.status_code == 409
    assert "Usulan ini sudah diputuskan: Ditolak" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.due_date != change.new_due_date


@pytest.mark.parametrize(
    ("setup", "new_due", "message"),
    [
        (lambda m: with_state(m, Milestone.State.ACCEPTED), "2026-12-30", "sudah diterima"),
        (lambda m: None, "2026-11-20", "sama dengan tenggat sekarang"),
        (lambda m: None, "2026-10-01", "sebelum tanggal mulai"),
        (lambda m: RescheduleFactory(milestone=m), "2026-12-30", "masih menunggu keputusan"),
    ],
    ids=["accepted", "same date", "before start", "already pending"],
)
def test_reschedule_refusals_change_nothing(client, world, milestone, setup, new_due, message):
    setup(milestone)
    pending_before = ChangeRequest.objects.count()
    client.force_login(world.participant)
    response = client.post(
        reverse("milestones:request-reschedule", args=[milestone.pk]),
        {"new_due_date": new_due, "reason": "Alasan"},
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert ChangeRequest.objects.count() == pending_before
    assert not MilestoneLog.objects.filter(action="request_change").exists()


def test_requests_are_open_from_the_proposal_seminar_on(world, milestone):
    put_project_in(world.project, ChangeProject.State.PROPOSAL_SEMINAR)
    change = services.request_reschedule(
        milestone=milestone,
        by=world.participant,
        new_due_date=datetime.date(2026, 12, 1),
        reason="Jadwal seminar bergeser.",
    )
    assert change.state == CR.PENDING


def test_plan_page_lists_requests_with_old_and_new_values(client, world, milestone):
    change = RescheduleFactory(milestone=milestone, new_due_date=datetime.date(2026, 12, 4))
    client.force_login(world.coach)
    page = client.get(reverse("milestones:list", args=[world.project.pk])).content.decode()
    assert "Tenggat 20 November 2026 → 4 Desember 2026" in page
    assert "Narasumber dari Kominfo berhalangan" in page
    assert reverse("milestones:approve-change", args=[change.pk]) not in page  # coach: no say


def test_deciding_on_the_plan_page_refreshes_the_plan_in_place(client, world, milestone):
    change = RescheduleFactory(milestone=milestone, new_due_date=datetime.date(2026, 12, 4))
    client.force_login(world.mentor)
    response = client.post(
        reverse("milestones:approve-change", args=[change.pk]),
        {"expected_state": CR.PENDING},
        headers={"HX-Request": "true", "HX-Target": "milestone-plan"},
    )
    fragment = response.content.decode()
    assert response.status_code == 200
    assert fragment.lstrip().startswith('<div id="milestone-plan">')
    assert '<time datetime="2026-12-04">' in fragment
