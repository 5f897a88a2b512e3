"""The home page per role: what waits on each person, oldest first, with pinned query counts."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mentoring.models import (
    Comment,
    Consultation,
    JournalEntry,
    ProposalSeminarResult,
    SeminarGrade,
    SignOff,
)
from milestones.models import Milestone, MilestoneLog
from reports import dashboards
from tests.factories import (
    AgencyFactory,
    AgencyHeadFactory,
    ChangeProjectFactory,
    SeminarFactory,
    UserFactory,
)
from tests.mentoring.conftest import fill_scores, score_proposal
from tests.mentoring.factories import (
    CommentFactory,
    ConsultationFactory,
    JournalEntryFactory,
    JournalReplyFactory,
    SeminarGradeFactory,
)
from tests.milestones.factories import MilestoneFactory, RescheduleFactory, put_project_in
from tests.sql import filters_on_ids
from tracker import summary
from tracker.models import ChangeProject, Role, Seminar, TransitionLog

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
NOW = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=JAKARTA)
HOME = reverse("tracker:home")
S = ChangeProject.State


def _at(day: int, month: int = 11) -> datetime.datetime:
    return datetime.datetime(2026, month, day, 10, 0, tzinfo=JAKARTA)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _home(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def _opened_review(project: ChangeProject, state: str, at: datetime.datetime) -> TransitionLog:
    put_project_in(project, state)
    return TransitionLog.objects.create(
        project=project,
        actor=project.participant,
        role=Role.PARTICIPANT,
        transition="submit_proposal" if state == S.PROPOSAL_REVIEW else "submit_report",
        from_state=S.DRAFT if state == S.PROPOSAL_REVIEW else S.IMPLEMENTATION,
        to_state=state,
        created_at=at,
    )


def _submitted(project: ChangeProject, at: datetime.datetime, **fields) -> Milestone:
    milestone = MilestoneFactory(project=project, state=Milestone.State.SUBMITTED, **fields)
    MilestoneLog.objects.create(
        project=project,
        milestone=milestone,
        actor=project.participant,
        role=Role.PARTICIPANT,
        action=MilestoneLog.Action.SUBMIT,
        from_state=Milestone.State.IN_PROGRESS,
        to_state=Milestone.State.SUBMITTED,
        created_at=at,
    )
    summary.refresh(project.pk)  # as the submission service does
    return milestone


# --- participant ---------------------------------------------------------------------------


def test_participant_sees_state_next_step_deadlines_and_feedback(client, world):
    project = put_project_in(world.project, S.IMPLEMENTATION)
    MilestoneFactory(
        project=project,
        activity="Sosialisasi ke kepala puskesmas",
        state=Milestone.State.IN_PROGRESS,
        due_date=datetime.date(2026, 11, 20),
    )
    MilestoneFactory(
        project=project,
        activity="Sudah selesai dan diterima",
        state=Milestone.State.ACCEPTED,
        due_date=datetime.date(2026, 11, 10),
    )
    CommentFactory(
        project=project, author=world.coach, author_role=Role.COACH, body="Bagus, lanjut"
    )
    CommentFactory(
        project=project,
        author=world.coach,
        author_role=Role.COACH,
        body="Catatan khusus penelaah",
        visibility=Comment.Visibility.REVIEWERS,
    )
    TransitionLog.objects.create(
        project=project,
        actor=world.mentor,
        role=Role.MENTOR,
        transition="return_report",
        from_state=S.REPORT_REVIEW,
        to_state=S.IMPLEMENTATION,
        comment="Lengkapi bukti tonggak kedua",
    )
    returned = MilestoneFactory(project=project, state=Milestone.State.RETURNED)
    MilestoneLog.objects.create(
        project=project,
        milestone=returned,
        actor=world.mentor,
        role=Role.MENTOR,
        action=MilestoneLog.Action.SEND_BACK,
        from_state=Milestone.State.SUBMITTED,
        to_state=Milestone.State.RETURNED,
        comment="Foto kegiatan belum ada",
    )
    page = _home(client, world.participant)
    assert "Proyek saya" in page
    assert "Foto kegiatan belum ada" in page
    assert returned.get_absolute_url() in page
    assert "Laksanakan tonggak jangka pendek dan unggah buktinya." in page
    assert "Sosialisasi ke kepala puskesmas" in page
    assert "Terlambat" in page
    assert "Sudah selesai dan diterima" not in page
    assert "Bagus, lanjut" in page
    assert "Lengkapi bukti tonggak kedua" in page
    assert "Catatan khusus penelaah" not in page
    assert world.other_project.title not in page


def test_participant_sees_deferral_deadline_and_upcoming_seminar(client, world):
    project = put_project_in(world.project, S.DEFERRED)
    ChangeProject.objects.filter(pk=project.pk).update(
        deferral_deadline=datetime.date(2026, 12, 15)
    )
    seminar = SeminarFactory(
        cohort=world.cohort, kind=Seminar.Kind.RESULTS, starts_at=_at(10, 12), place="Aula Timur"
    )
    seminar.projects.add(project)
    page = _home(client, world.participant)
    assert "Batas pengajuan ulang:" in page
    assert "15 Desember 2026" in page
    assert "Aula Timur" in page


def test_participant_without_plan_or_feedback_is_told_what_to_do(client, world):
    page = _home(client, world.participant)
    assert "Susun rencana tonggak" in page
    assert reverse("milestones:list", args=[world.project.pk]) in page
    assert "Belum ada masukan." in page


# --- coach and mentor ----------------------------------------------------------------------


@pytest.fixture
def waiting(world):
    """One of each thing waiting on the coach and mentor of `world.project` and a second one."""
    second = ChangeProjectFactory(
        cohort=world.cohort, coach=world.coach, mentor=world.mentor, title="Proyek Kedua"
    )
    put_project_in(second, S.IMPLEMENTATION)
    journal = JournalEntryFactory(
        project=second,
        happened="Refleksi yang dibagikan",
        sharing=JournalEntry.Sharing.SHARED,
        created_at=_at(1),
    )
    _opened_review(world.project, S.PROPOSAL_REVIEW, _at(5))
    milestone = _submitted(second, _at(10), activity="Tonggak yang diajukan")
    consultation = ConsultationFactory(
        project=second,
        consultant=world.coach,
        consultant_role=Role.COACH,
        topic="Konsultasi menunggu konfirmasi",
        created_at=_at(20),
    )
    change = RescheduleFactory(
        milestone=MilestoneFactory(project=second, activity="Tonggak dijadwal ulang"),
        requested_at=_at(25),
    )
    return {
        "second": second,
        "journal": journal,
        "milestone": milestone,
        "consultation": consultation,
        "change": change,
    }


def test_coach_queue_lists_what_waits_oldest_first(client, world, waiting):
    page = _home(client, world.coach)
    assert "Menunggu tindakan saya" in page
    order = [
        "Refleksi yang dibagikan",
        "Setujui rancangan",
        "Tonggak yang diajukan",
        "Konsultasi menunggu konfirmasi",
    ]
    positions = [page.index(text) for text in order]
    assert positions == sorted(positions)
    # Only the mentor decides schedule changes.
    assert "Tonggak dijadwal ulang" not in page
    assert waiting["milestone"].get_absolute_url() in page


def test_mentor_queue_has_the_change_request_and_the_sign_off(client, world, waiting):
    page = _home(client, world.mentor)
    assert "Putuskan usulan perubahan jadwal" in page
    assert "Tonggak dijadwal ulang" in page
    assert "Setujui rancangan" in page
    # The consultation names the coach, so it waits on the coach only.
    assert "Konsultasi menunggu konfirmasi" not in page


def test_items_leave_the_queue_once_done(client, world, waiting):
    submission = TransitionLog.objects.get(project=world.project, to_state=S.PROPOSAL_REVIEW)
    SignOff.objects.create(
        project=world.project,
        submission=submission,
        stage=SignOff.Stage.PROPOSAL,
        role=Role.COACH,
        signer=world.coach,
        wording="Disetujui untuk diseminarkan",
    )
    Milestone.objects.filter(pk=waiting["milestone"].pk).update(state=Milestone.State.ACCEPTED)
    Consultation.objects.filter(pk=waiting["consultation"].pk).update(
        status=Consultation.Status.CONFIRMED
    )
    JournalReplyFactory(entry=waiting["journal"], author=world.mentor, author_role=Role.MENTOR)
    coach_page = _home(client, world.coach)
    assert "Tidak ada yang menunggu tindakan Anda saat ini." in coach_page
    # The mentor has not signed yet.
    assert "Setujui rancangan" in _home(client, world.mentor)


def test_queue_flags_overdue_stuck_and_long_waits(client, world, waiting):
    MilestoneFactory(
        project=waiting["second"],
        state=Milestone.State.IN_PROGRESS,
        start_date=datetime.date(2026, 10, 1),
        due_date=datetime.date(2026, 11, 1),
        created_at=_at(1, 10),
    )
    page = _home(client, world.coach)
    assert 'class="flag flag--overdue"' in page
    assert 'class="flag flag--stuck"' in page
    assert "Lama menunggu" in page


def test_coach_sees_counts_by_state_linking_to_the_filtered_list(client, world, waiting):
    page = _home(client, world.coach)
    assert "Proyek yang saya dampingi sebagai coach" in page
    assert f"?coach={world.coach.pk}&amp;state=implementation" in page
    assert f"?coach={world.coach.pk}&amp;state=proposal_review" in page
    assert "Proyek yang saya bimbing sebagai mentor" not in page


def test_empty_queue_says_so(client, world):
    page = _home(client, world.mentor)
    assert "Tidak ada yang menunggu tindakan Anda saat ini." in page


# --- examiner ------------------------------------------------------------------------------


def test_examiner_sees_seminars_and_the_recording_still_to_do(client, world):
    put_project_in(world.project, S.PROPOSAL_SEMINAR)
    page = _home(client, world.examiner)
    assert "Seminar yang saya uji" in page
    assert "Isi nilai (0 dari 5 kriteria)" in page
    seminar = Seminar.objects.get(projects=world.project)
    assert reverse("mentoring:score-project", args=[seminar.pk, world.project.pk]) in page
    score_proposal(seminar, world.project, world.examiner, 85)
    page = _home(client, world.examiner)
    assert "Catat hasil seminar rancangan" in page
    assert reverse("mentoring:record-proposal-result", args=[seminar.pk, world.project.pk]) in page


def test_a_proposal_decided_at_an_earlier_seminar_waits_only_at_the_new_one(client, world):
    project = put_project_in(world.project, S.PROPOSAL_SEMINAR)
    earlier = Seminar.objects.get(projects=project)
    ProposalSeminarResult.objects.create(
        project=project, seminar=earlier, examiner=world.examiner, accepted=False
    )
    later = SeminarFactory(cohort=world.cohort, starts_at=_at(10, 12))
    later.examiners.add(world.examiner)
    later.projects.add(project)
    page = _home(client, world.examiner)
    assert reverse("mentoring:score-project", args=[later.pk, project.pk]) in page
    assert reverse("mentoring:score-project", args=[earlier.pk, project.pk]) not in page


def test_examiner_scoring_moves_from_score_to_wait_to_grade(client, world):
    put_project_in(world.project, S.RESULTS_SEMINAR)
    other_examiner = UserFactory()
    seminar = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    seminar.examiners.add(world.examiner, other_examiner)
    seminar.projects.add(world.project)
    assert "Isi nilai (0 dari" in _home(client, world.examiner)
    fill_scores(seminar, world.project, world.examiner, 85)
    assert "Menunggu nilai penguji lain" in _home(client, world.examiner)
    fill_scores(seminar, world.project, other_examiner, 80)
    page = _home(client, world.examiner)
    assert "Tetapkan hasil seminar laporan" in page
    assert reverse("mentoring:grade-project", args=[seminar.pk, world.project.pk]) in page


def test_graded_project_leaves_the_examiner_list(client, world):
    put_project_in(world.project, S.RESULTS_SEMINAR)
    seminar = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    seminar.examiners.add(world.examiner)
    seminar.projects.add(world.project)
    SeminarGrade.objects.create(
        project=world.project,
        seminar=seminar,
        score=85,
        predikat="Memuaskan",
        outcome=SeminarGrade.Outcome.PASSED,
        decided_by=world.examiner,
    )
    page = _home(client, world.examiner)
    assert "Tidak ada penilaian yang menunggu Anda." in page


# --- organiser -----------------------------------------------------------------------------


def test_organiser_board_shows_states_gaps_and_seminars(client, world):
    put_project_in(world.other_project, S.PROPOSAL_SEMINAR)
    SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS, starts_at=_at(10, 12))
    page = _home(client, world.organiser)
    assert "Angkatan yang saya selenggarakan" in page
    assert f"?cohort={world.cohort.pk}&amp;state=draft" in page
    assert "1 proyek belum punya coach" in page
    assert "1 proyek belum punya mentor" in page
    # other_project waits for a proposal seminar and is on none.
    assert "1 proyek menunggu jadwal seminar" in page
    assert "1 seminar mendatang belum punya penguji" in page
    assert reverse("tracker:participant-import", args=[world.cohort.pk]) in page
    assert reverse("tracker:coach-assignment", args=[world.cohort.pk]) in page


def test_scheduled_project_no_longer_waits_for_a_seminar(client, world):
    put_project_in(world.other_project, S.PROPOSAL_SEMINAR)
    Seminar.objects.get(projects=world.project).projects.add(world.other_project)
    assert "menunggu jadwal seminar" not in _home(client, world.organiser)


# --- agency head ---------------------------------------------------------------------------


def test_agency_head_sees_units_grades_and_report_links(client, world):
    put_project_in(world.project, S.PASSED)
    seminar = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    SeminarGradeFactory(
        project=world.project,
        seminar=seminar,
        score=91,
        predikat="Sangat Memuaskan",
        decided_by=world.examiner,
    )
    page = _home(client, world.agency_head)
    assert "Proyek di instansi saya dan unit di bawahnya" in page
    assert "Dinas Kesehatan Uji" in page
    assert "Sangat Memuaskan" in page
    assert reverse("reports:project-report", args=[world.project.pk]) in page
    assert world.other_project.title not in page
    assert reverse("reports:project-report", args=[world.other_project.pk]) not in page


@time_machine.travel(datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_agency_totals_come_from_the_summary_columns(world):
    put_project_in(world.project, S.IMPLEMENTATION)
    second = ChangeProjectFactory(
        cohort=world.cohort, agency=world.dinas, participant=UserFactory(agency=world.dinas)
    )
    put_project_in(second, S.PASSED)
    for state in (Milestone.State.ACCEPTED, Milestone.State.PLANNED, Milestone.State.PLANNED):
        MilestoneFactory(project=world.project, state=state, due_date=datetime.date(2026, 11, 1))
    MilestoneFactory(project=second, state=Milestone.State.ACCEPTED)
    for predikat in ("Cukup Memuaskan", "Memuaskan"):  # the second is the latest: it counts
        SeminarGradeFactory(project=second, predikat=predikat, decided_by=world.examiner)
    SeminarGradeFactory(project=world.project, predikat="Memuaskan", decided_by=world.examiner)
    with CaptureQueriesContext(connection) as queries:
        section = dashboards.agency_section(world.agency_head)
    (unit,) = section["units"]
    # 2 of 4 milestones accepted in the unit; the two planned ones of the project at work are
    # overdue on 1 December.
    assert (unit["agency"], unit["total"], unit["progress"], unit["overdue"]) == (
        world.dinas,
        2,
        50,
        2,
    )
    assert section["grades"] == [("Memuaskan", 2)]
    assert {row["state"]: row["total"] for row in section["states"]} == {
        S.IMPLEMENTATION: 1,
        S.PASSED: 1,
    }
    # No grade row is read. The changes marked the unit: its figures were counted afresh, in one
    # grouped read of its milestones, beside the flags of the latest projects listed.
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [q for q in sql if "mentoring_seminargrade" in q]
    read = [q for q in sql if 'FROM "milestones_milestone"' in q]
    assert len(read) == 2
    assert filters_on_ids(read[0], "agency_id", world.dinas.pk), read[0]
    assert read[1].endswith(f'"id" IN ({second.pk}, {world.project.pk})')
    # Read again, nothing changed: the unit's kept row, and milestones for the flags only.
    with CaptureQueriesContext(connection) as queries:
        assert dashboards.agency_section(world.agency_head)["units"] == section["units"]
    sql = [query["sql"] for query in queries.captured_queries]
    assert len([q for q in sql if 'FROM "milestones_milestone"' in q]) == 1
    assert not [q for q in sql if "GROUP BY" in q and "tracker_changeproject" in q]


def test_a_head_of_an_agency_and_of_a_unit_inside_it_has_each_project_counted_once(world):
    AgencyHeadFactory(user=world.agency_head, agency=world.dinas)
    ChangeProjectFactory(cohort=world.cohort, agency=world.province)
    section = dashboards.agency_section(world.agency_head)
    assert section["total"] == 2
    # The province's sum holds the dinas's: its own is not added again.
    assert {row["state"]: row["total"] for row in section["states"]} == {S.DRAFT: 2}


@pytest.mark.parametrize("looked_through", [2, 200])
def test_the_latest_to_move_are_found_among_the_newest_or_in_the_units_own(
    world, monkeypatch, looked_through
):
    """Whether the newest projects of all hold a head's latest (200) or not (2, as when other
    agencies moved last), the head sees their own latest, newest first."""
    monkeypatch.setattr(dashboards, "NEWEST_LOOKED_THROUGH", looked_through)
    monkeypatch.setattr(dashboards, "AGENCY_PROJECTS_SHOWN", 3)
    moment = datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC)
    own = [world.project]
    for _ in range(3):
        own.append(ChangeProjectFactory(cohort=world.cohort, agency=world.dinas))
    elsewhere = [
        ChangeProjectFactory(cohort=world.cohort, agency=world.other_agency) for _ in range(4)
    ]
    for n, project in enumerate([*own, *elsewhere]):  # the other agency's moved last
        ChangeProject.objects.filter(pk=project.pk).update(
            updated_at=moment + datetime.timedelta(hours=n)
        )
    keys = dashboards.latest_moved(
        ChangeProject.objects.filter(agency=world.dinas), {world.dinas.pk}
    )
    assert keys == [own[3].pk, own[2].pk, own[1].pk]


def test_agency_head_of_an_empty_agency_is_told_why(client, world):
    head = UserFactory()
    from tests.factories import AgencyHeadFactory

    AgencyHeadFactory(user=head, agency=AgencyFactory(name="Badan Kosong"))
    page = _home(client, head)
    assert "Belum ada proyek perubahan di instansi ini." in page


# --- several roles -------------------------------------------------------------------------


def test_a_person_with_several_roles_sees_each_section(client, world):
    ChangeProjectFactory(participant=world.coach, title="Proyek Coach Sendiri")
    Seminar.objects.get(projects=world.project).examiners.add(world.coach)
    page = _home(client, world.coach)
    for heading in ("Menunggu tindakan saya", "Proyek saya", "Seminar yang saya uji"):
        assert heading in page
    assert "Proyek Coach Sendiri" in page
    assert "Angkatan yang saya selenggarakan" not in page


def test_stranger_is_told_to_contact_the_organiser(client, world):
    page = _home(client, world.stranger)
    assert "belum terhubung dengan proyek perubahan mana pun" in page


def test_admin_is_pointed_to_the_project_list(client, world):
    page = _home(client, world.admin)
    assert reverse("reports:project-list") in page
    assert "Sebagai admin" in page


# --- pinned query counts: the same for 1 row as for 50 -------------------------------------

# The coach's queue counts each of its five kinds (one page of it is shown); the organiser's
# board and the agency head's units read one page of cohorts or units, after counting them;
# the agency head's totals (by unit, state and predikat, with the plan's summary columns) are
# one pass over the projects; the latest projects are sorted as bare keys, then read.
HOME_QUERIES = {
    "participant": 9,
    "coach": 16,
    "examiner": 13,
    # Six of these are the post-training figures (reports/impact.py), whatever the data; two are
    # the plan per term and the milestones accepted per month (the charts).
    "organiser": 17,
    # With the units marked by the growth: their figures counted afresh and stored, and the
    # sums above them moved (sixteen).
    "agency_head": 33,
}


def _grow_participant(world, count):
    project = put_project_in(world.project, S.IMPLEMENTATION)
    for _ in range(count):
        MilestoneFactory(project=project, state=Milestone.State.IN_PROGRESS)
        CommentFactory(project=project, author=world.coach, author_role=Role.COACH)


def _grow_coach(world, count):
    for _ in range(count):
        project = ChangeProjectFactory(cohort=world.cohort, coach=world.coach, mentor=world.mentor)
        put_project_in(project, S.IMPLEMENTATION)
        _submitted(project, _at(3))
        ConsultationFactory(project=project, consultant=world.coach, consultant_role=Role.COACH)
        JournalEntryFactory(project=project, sharing=JournalEntry.Sharing.SHARED)


def _grow_examiner(world, count):
    seminar = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    seminar.examiners.add(world.examiner)
    for _ in range(count):
        project = ChangeProjectFactory(cohort=world.cohort)
        put_project_in(project, S.RESULTS_SEMINAR)
        seminar.projects.add(project)
        fill_scores(seminar, project, world.examiner, 80)


def _grow_organiser(world, count):
    for _ in range(count):
        project = ChangeProjectFactory(cohort=world.cohort)
        put_project_in(project, S.PROPOSAL_SEMINAR)
        MilestoneFactory(project=project)
    for _ in range(count):
        SeminarFactory(cohort=world.cohort, starts_at=_at(10, 12))


def _grow_agency_head(world, count):
    # New units sit beside the dinas: the sub-unit walk costs one query per level of depth.
    for _ in range(count):
        unit = AgencyFactory(parent=world.province)
        project = ChangeProjectFactory(
            cohort=world.cohort, participant=UserFactory(agency=unit), agency=unit
        )
        MilestoneFactory(project=project)


GROW = {
    "participant": _grow_participant,
    "coach": _grow_coach,
    "examiner": _grow_examiner,
    "organiser": _grow_organiser,
    "agency_head": _grow_agency_head,
}


@pytest.mark.parametrize("persona", list(HOME_QUERIES))
def test_home_query_count_is_pinned_and_the_same_for_1_and_50_rows(
    client, world, persona, django_assert_num_queries
):
    client.force_login(world.persona(persona))
    GROW[persona](world, 1)
    with django_assert_num_queries(HOME_QUERIES[persona]):
        assert client.get(HOME).status_code == 200
    GROW[persona](world, 49)
    with django_assert_num_queries(HOME_QUERIES[persona]):
        page = client.get(HOME).content.decode()
    assert page.count("<li") + page.count("<tr") >= 10
