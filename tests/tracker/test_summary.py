"""The projects' summary columns never drift: after every service that changes the plan or the
grades, what is stored equals a fresh count (in SQL, `summary.drifted`, and in Python here).
Nor do the agencies' kept figures (`reports.figures`): every change marks its agency."""

from __future__ import annotations

import contextlib
import datetime
import io

import pytest
import time_machine
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import F
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from mentoring.models import SeminarGrade, SignOff
from mentoring.services import seminar_grade
from milestones.models import ChangeRequest, Evidence, Milestone, Term
from milestones.services import (
    change_approve,
    evidence_add_link,
    evidence_delete,
    milestone_accept,
    milestone_create,
    milestone_delete,
    milestone_send_back,
    milestone_start,
    milestone_submit,
    milestone_update,
    request_addition,
    request_reschedule,
)
from reports import figures
from reports.seeding import seed_projects
from tests.factories import ChangeProjectFactory, SeminarFactory, UserFactory
from tests.mentoring.conftest import fill_scores
from tests.milestones.factories import put_project_in
from tracker import summary
from tracker.models import ChangeProject, Role, Seminar, TransitionLog, User
from tracker.services import project_resubmit
from tracker.workflow import Refused

S = ChangeProject.State
M = Milestone.State
TODAY = datetime.datetime(2026, 10, 1, 9, 0, tzinfo=datetime.UTC)


def expected(project: ChangeProject) -> tuple:
    """The summary counted in Python, apart from the SQL of `tracker.summary.fresh`."""
    milestones = list(Milestone.objects.filter(project=project))
    plan = [(milestone.state, milestone.due_date) for milestone in milestones]
    accepted = [state for state, _due in plan].count(M.ACCEPTED)
    latest = SeminarGrade.objects.filter(project=project).order_by("-pk").first()
    submitted = [m for m in milestones if m.state == M.SUBMITTED]
    zone = timezone.get_default_timezone()

    def idle_since(milestone: Milestone) -> datetime.datetime:
        midnight = datetime.datetime.combine(milestone.start_date, datetime.time(), zone)
        return max(midnight, milestone.last_activity_at + datetime.timedelta(microseconds=1))

    return (
        len(plan),
        accepted,
        accepted * 100 // len(plan) if plan else 0,
        latest.predikat if latest else "",
        min((due for state, due in plan if state != M.ACCEPTED), default=None),
        len(submitted),
        min((m.submitted_at or m.updated_at for m in submitted), default=None),
        min((idle_since(m) for m in milestones if m.state != M.ACCEPTED), default=None),
        *_review(ChangeProject.objects.get(pk=project.pk)),
        User.objects.get(pk=project.participant_id).full_name,
    )


def _review(project: ChangeProject) -> tuple:
    """When the project's review opened and whether it awaits the coach, then the mentor."""
    if project.state not in ChangeProject.REVIEW_STATES:
        return (None, False, False)
    opening = (
        TransitionLog.objects.filter(project=project, to_state=project.state).order_by("pk").last()
    )
    signed = set(SignOff.objects.filter(submission=opening).values_list("role", flat=True))
    return (
        opening.created_at if opening else project.created_at,
        Role.COACH not in signed,
        Role.MENTOR not in signed,
    )


def stored(project: ChangeProject) -> tuple[int, int, int, str]:
    """Total, accepted, progress and predikat as stored."""
    return tuple(
        ChangeProject.objects.filter(pk=project.pk).values_list(*summary.COLUMNS[:4]).get()
    )


def stored_due(project: ChangeProject) -> datetime.date | None:
    return ChangeProject.objects.values_list("open_due_on", flat=True).get(pk=project.pk)


def expected_activity(milestone: Milestone) -> tuple:
    """A milestone's last activity and latest submission, found in Python."""
    steps = list(milestone.logs.values_list("created_at", "to_state"))
    uploads = list(milestone.evidence.values_list("uploaded_at", flat=True))
    return (
        max([milestone.created_at, *(at for at, _state in steps), *uploads]),
        max((at for at, state in steps if state == M.SUBMITTED), default=None),
    )


def assert_kept(*projects: ChangeProject) -> None:
    for project in projects:
        row = ChangeProject.objects.filter(pk=project.pk).values_list(*summary.COLUMNS).get()
        assert row == expected(project)
        for milestone in Milestone.objects.filter(project=project):
            kept = (milestone.last_activity_at, milestone.submitted_at)
            assert kept == expected_activity(milestone)
    assert not summary.drifted().exists()
    assert not summary.drifted_milestones().exists()
    # Every change marked its agency: the rows a reader would trust equal a fresh count. Then
    # they are stored afresh, for the next step to be checked against.
    assert not figures.drifted()
    figures.figures_of(None)


def _plan(term: str = Term.SHORT, n: int = 1) -> dict:
    return {
        "term": term,
        "activity": f"Sosialisasi layanan tahap {n}",
        "implementer": "Peserta dan tim efektif",
        "start_date": datetime.date(2026, 9, 1),
        "due_date": datetime.date(2026, 11, 30),
        "expected_output": "Daftar hadir dan notulen",
        "form_token": None,
    }


def _to_implementation(project: ChangeProject) -> ChangeProject:
    return put_project_in(project, S.IMPLEMENTATION)


def _accepted(milestone: Milestone, world) -> Milestone:
    milestone_start(milestone=milestone, by=world.participant)
    evidence_add_link(
        milestone=milestone,
        by=world.participant,
        url="https://dinkes.example.go.id/berita/1",
        caption="Berita kegiatan",
    )
    milestone_submit(milestone=milestone, by=world.participant)
    milestone_accept(milestone=milestone, by=world.mentor)
    return milestone


def _results_seminar(world, project, second) -> Seminar:
    seminar = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    seminar.examiners.add(world.examiner, second)
    seminar.projects.add(project)
    return seminar


# --- each service -------------------------------------------------------------------------


def test_a_new_project_starts_with_an_empty_summary(world):
    project = ChangeProjectFactory(cohort=world.cohort)
    assert stored(project) == (0, 0, 0, "")
    assert_kept(project)


def test_plan_edits_keep_the_totals(world):
    first = milestone_create(project=world.project, by=world.participant, data=_plan())
    second = milestone_create(project=world.project, by=world.participant, data=_plan(n=2))
    assert stored(world.project) == (2, 0, 0, "")
    assert stored_due(world.project) == datetime.date(2026, 11, 30)
    earlier = {**_plan(Term.MEDIUM), "order": 3, "due_date": datetime.date(2026, 10, 15)}
    milestone_update(milestone=first, by=world.participant, data=earlier)
    assert stored_due(world.project) == datetime.date(2026, 10, 15)
    assert_kept(world.project)
    milestone_delete(milestone=second, by=world.participant)
    assert stored(world.project) == (1, 0, 0, "")
    assert_kept(world.project, world.other_project)


def test_milestone_steps_keep_the_progress(world):
    milestones = [
        milestone_create(project=world.project, by=world.participant, data=_plan(n=n))
        for n in range(3)
    ]
    _to_implementation(world.project)
    _accepted(milestones[0], world)
    assert stored(world.project) == (3, 1, 33, "")
    milestone_start(milestone=milestones[1], by=world.participant)
    evidence_add_link(
        milestone=milestones[1],
        by=world.participant,
        url="https://dinkes.example.go.id/berita/2",
        caption="Berita",
    )
    milestone_submit(milestone=milestones[1], by=world.participant)
    milestone_send_back(milestone=milestones[1], by=world.coach, comment="Lengkapi notulen.")
    assert_kept(world.project)
    milestone_submit(milestone=milestones[1], by=world.participant)
    milestone_accept(milestone=milestones[1], by=world.coach)
    assert stored(world.project) == (3, 2, 66, "")
    assert_kept(world.project)


def test_an_approved_reschedule_moves_the_open_due_date(world):
    milestone = milestone_create(project=world.project, by=world.participant, data=_plan())
    _to_implementation(world.project)
    change = request_reschedule(
        milestone=milestone,
        by=world.participant,
        new_due_date=datetime.date(2026, 12, 20),
        reason="Narasumber berhalangan.",
    )
    assert stored_due(world.project) == datetime.date(2026, 11, 30)
    change_approve(change=change, by=world.mentor)
    assert stored_due(world.project) == datetime.date(2026, 12, 20)
    assert_kept(world.project)


def test_the_last_acceptance_clears_the_open_due_date(world):
    milestone = milestone_create(project=world.project, by=world.participant, data=_plan())
    _to_implementation(world.project)
    _accepted(milestone, world)
    assert stored_due(world.project) is None
    assert_kept(world.project)


def test_drift_of_the_open_due_date_alone_is_found(world):
    milestone_create(project=world.project, by=world.participant, data=_plan())
    ChangeProject.objects.filter(pk=world.project.pk).update(open_due_on=None)
    assert list(summary.drifted()) == [world.project]
    summary.refresh(world.project.pk)
    ChangeProject.objects.filter(pk=world.other_project.pk).update(open_due_on=TODAY.date())
    assert list(summary.drifted()) == [world.other_project]


def test_an_approved_addition_counts_its_new_milestone(world):
    milestone_create(project=world.project, by=world.participant, data=_plan())
    _to_implementation(world.project)
    change = request_addition(
        project=world.project, by=world.participant, data=_plan(n=2), reason="Perlu uji coba."
    )
    assert stored(world.project) == (1, 0, 0, "")
    change_approve(change=change, by=world.mentor)
    assert ChangeRequest.objects.get(pk=change.pk).milestone is not None
    assert stored(world.project) == (2, 0, 0, "")
    assert_kept(world.project)


@time_machine.travel(TODAY, tick=False)
def test_grading_then_regrading_after_a_deferral_keeps_the_latest_predikat(world):
    second = UserFactory(full_name="Dewi Penguji Kedua")
    put_project_in(world.project, S.RESULTS_SEMINAR)
    first_seminar = _results_seminar(world, world.project, second)
    for examiner in (world.examiner, second):
        fill_scores(first_seminar, world.project, examiner, 50)
    seminar_grade(seminar=first_seminar, project=world.project, by=world.examiner)
    world.project.refresh_from_db()
    assert world.project.state == S.DEFERRED
    deferred_band = stored(world.project)[3]
    assert deferred_band
    assert_kept(world.project)

    project_resubmit(project=world.project, by=world.participant)
    # Resubmitted, not yet graded again: the deferral's predikat is still the latest.
    assert stored(world.project)[3] == deferred_band
    again = _results_seminar(world, world.project, second)
    for examiner in (world.examiner, second):
        fill_scores(again, world.project, examiner, 95)
    seminar_grade(seminar=again, project=world.project, by=world.examiner)
    world.project.refresh_from_db()
    assert world.project.state == S.PASSED
    assert stored(world.project)[3] not in ("", deferred_band)
    assert_kept(world.project)


def test_a_refused_step_changes_no_summary(world):
    milestone = milestone_create(project=world.project, by=world.participant, data=_plan())
    _to_implementation(world.project)
    with pytest.raises(Refused):
        milestone_accept(milestone=milestone, by=world.mentor)  # never submitted
    assert stored(world.project) == (1, 0, 0, "")


def test_admin_edits_of_the_plan_keep_both_projects(client, world):
    put_project_in(world.other_project, S.DRAFT)
    client.force_login(world.admin)
    add = reverse("admin:milestones_milestone_add")
    data = {
        "project": world.project.pk,
        "term": Term.SHORT,
        "activity": "Rapat koordinasi",
        "implementer": "Peserta",
        "start_date": "2026-09-01",
        "due_date": "2026-09-30",
        "expected_output": "Notulen",
        "order": 1,
        "evidence-TOTAL_FORMS": 0,
        "evidence-INITIAL_FORMS": 0,
        "evidence-MIN_NUM_FORMS": 0,
        "evidence-MAX_NUM_FORMS": 1000,
    }
    response = client.post(add, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    milestone = Milestone.objects.get(activity="Rapat koordinasi")
    assert stored(world.project) == (1, 0, 0, "")
    change = reverse("admin:milestones_milestone_change", args=[milestone.pk])
    response = client.post(change, {**data, "project": world.other_project.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert stored(world.project)[0] == 0
    assert stored(world.other_project)[0] == 1
    assert_kept(world.project, world.other_project)
    delete = reverse("admin:milestones_milestone_delete", args=[milestone.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 302
    assert stored(world.other_project) == (0, 0, 0, "")
    assert_kept(world.other_project)


def test_an_admin_save_of_a_project_never_writes_back_stale_counts(client, world):
    stale = ChangeProject.objects.get(pk=world.project.pk)
    milestone_create(project=world.project, by=world.participant, data=_plan())
    # What a form read before the milestone came would save: the admin stores a fresh count.
    stale.title = "Judul baru"
    request = RequestFactory().post("/")
    request.user = world.admin
    site._registry[ChangeProject].save_model(request, stale, form=None, change=True)
    assert stored(world.project) == (1, 0, 0, "")
    assert_kept(world.project)


def test_bulk_seeding_fills_the_summaries(db):
    seed_projects(30)
    assert ChangeProject.objects.filter(milestones_total=3).count() == 30
    assert_kept()


def test_the_demo_seed_leaves_no_drift(db):
    call_command("seed_demo", stdout=io.StringIO())
    assert ChangeProject.objects.filter(milestones_total__gt=0).exists()
    assert ChangeProject.objects.exclude(predikat="").exists()
    assert_kept()


# --- the operator's command ---------------------------------------------------------------


def test_summary_check_reports_drift_and_repair_fixes_it(world):
    milestone_create(project=world.project, by=world.participant, data=_plan())
    out = io.StringIO()
    call_command("summary", "--check", stdout=out)
    assert "0 projects and 0 milestones drifted" in out.getvalue()
    ChangeProject.objects.filter(pk=world.project.pk).update(milestones_total=9, predikat="X")
    out = io.StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("summary", "--check", stdout=out)
    assert failed.value.returncode == 1
    assert "1 projects and 0 milestones drifted" in str(failed.value)
    assert f"changeproject #{world.project.pk}: milestones_total=9" in out.getvalue()
    assert stored(world.project) == (9, 0, 0, "X")  # a check changes nothing
    out = io.StringIO()
    call_command("summary", "--repair", stdout=out)
    assert "1 projects and 0 milestones repaired" in out.getvalue()
    assert_kept(world.project)


def test_summary_needs_check_or_repair(db):
    with pytest.raises(CommandError):
        call_command("summary", stdout=io.StringIO())


# --- random sequences ---------------------------------------------------------------------


@pytest.mark.django_db
def test_random_plans_steps_and_grades_never_drift(world):
    second = UserFactory(full_name="Dewi Penguji Kedua")
    reached: set[str] = set()

    class Summaries(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            # One project whose plan is written, one at work, one graded again and again: each
            # its own participant's, the three guided by the world's coach and mentor.
            self.drafting, self.working, self.graded = (
                ChangeProjectFactory(cohort=world.cohort, coach=world.coach, mentor=world.mentor)
                for _ in range(3)
            )
            _to_implementation(self.working)
            put_project_in(self.graded, S.RESULTS_SEMINAR)
            for n in range(2):
                plan = {k: v for k, v in _plan(n=n).items() if k != "form_token"}
                Milestone.objects.create(project=self.working, order=n, **plan)
            summary.refresh(self.working.pk)
            self.n = 10

        def _attempt(self, call, **kwargs):
            with contextlib.suppress(Refused):
                call(**kwargs)

        @rule(term=st.sampled_from(Term.values))
        def add_to_the_plan(self, term):
            self.n += 1
            self._attempt(
                milestone_create,
                project=self.drafting,
                by=self.drafting.participant,
                data=_plan(term, self.n),
            )

        @precondition(lambda self: self.drafting.milestones.exists())
        @rule(data=st.data())
        def remove_from_the_plan(self, data):
            milestone = data.draw(st.sampled_from(list(self.drafting.milestones.all())))
            self._attempt(milestone_delete, milestone=milestone, by=self.drafting.participant)

        @rule(data=st.data(), step=st.sampled_from(["start", "submit", "accept", "send_back"]))
        def step_a_milestone(self, data, step):
            """Any step on any milestone: most are refused, and a refusal changes nothing."""
            self._step(data.draw(st.sampled_from(list(self.working.milestones.all()))), step)

        def _step(self, milestone, step):
            if step == "start":
                self._attempt(milestone_start, milestone=milestone, by=self.working.participant)
            elif step == "submit":
                if not milestone.evidence.exists():
                    self._attempt(
                        evidence_add_link,
                        milestone=milestone,
                        by=self.working.participant,
                        url="https://dinkes.example.go.id/berita/acak",
                        caption="Berita",
                    )
                self._attempt(milestone_submit, milestone=milestone, by=self.working.participant)
            elif step == "accept":
                self._attempt(milestone_accept, milestone=milestone, by=world.mentor)
            else:
                self._attempt(
                    milestone_send_back, milestone=milestone, by=world.coach, comment="Lengkapi."
                )

        @rule(data=st.data(), accept=st.booleans())
        def advance_a_milestone(self, data, accept):
            """The step its state allows next (accepting or sending back a submitted one)."""
            milestone = data.draw(st.sampled_from(list(self.working.milestones.all())))
            step = {
                M.PLANNED: "start",
                M.IN_PROGRESS: "submit",
                M.RETURNED: "submit",
                M.SUBMITTED: "accept" if accept else "send_back",
            }.get(milestone.state)
            if step:
                self._step(milestone, step)

        @rule(data=st.data(), days=st.integers(min_value=-30, max_value=60))
        def reschedule(self, data, days):
            milestone = data.draw(st.sampled_from(list(self.working.milestones.all())))
            with contextlib.suppress(Refused):
                change = request_reschedule(
                    milestone=milestone,
                    by=self.working.participant,
                    new_due_date=milestone.due_date + datetime.timedelta(days=days),
                    reason="Uji.",
                )
                change_approve(change=change, by=world.mentor)

        @rule()
        def add_by_a_change_request(self):
            self.n += 1
            with contextlib.suppress(Refused):
                change = request_addition(
                    project=self.working,
                    by=self.working.participant,
                    data=_plan(n=self.n),
                    reason="Uji.",
                )
                change_approve(change=change, by=world.mentor)

        @rule(hours=st.integers(min_value=1, max_value=24 * 20))
        def time_passes(self, hours):
            """Later steps and evidence carry later times: the last activity moves."""
            clock.shift(datetime.timedelta(hours=hours))

        @rule(data=st.data())
        def add_evidence(self, data):
            milestone = data.draw(st.sampled_from(list(self.working.milestones.all())))
            self.n += 1
            self._attempt(
                evidence_add_link,
                milestone=milestone,
                by=self.working.participant,
                url=f"https://dinkes.example.go.id/berita/{self.n}",
                caption="Foto kegiatan",
            )

        @precondition(lambda self: Evidence.objects.filter(milestone__project=self.working))
        @rule(data=st.data())
        def remove_evidence(self, data):
            """The latest activity may go with it: the one before counts again."""
            evidence = data.draw(
                st.sampled_from(list(Evidence.objects.filter(milestone__project=self.working)))
            )
            before = Milestone.objects.get(pk=evidence.milestone_id).last_activity_at
            self._attempt(evidence_delete, evidence=evidence, by=self.working.participant)
            if Milestone.objects.get(pk=evidence.milestone_id).last_activity_at < before:
                reached.add("activity went back")

        @rule(percent=st.integers(min_value=30, max_value=100))
        def grade(self, percent):
            self.graded.refresh_from_db()
            if self.graded.state == S.DEFERRED:
                self._attempt(project_resubmit, project=self.graded, by=self.graded.participant)
            if self.graded.state != S.RESULTS_SEMINAR:
                return
            seminar = _results_seminar(world, self.graded, second)
            for examiner in (world.examiner, second):
                fill_scores(seminar, self.graded, examiner, percent)
            self._attempt(seminar_grade, seminar=seminar, project=self.graded, by=world.examiner)

        @invariant()
        def stored_equals_fresh(self):
            assert_kept(self.drafting, self.working, self.graded)
            if stored(self.drafting)[0]:
                reached.add("planned")
            if stored(self.working)[1]:
                reached.add("accepted")
            if stored(self.working)[0] > 2:
                reached.add("added")
            if SeminarGrade.objects.filter(project=self.graded).count() > 1:
                reached.add("graded again")
            if self.working.milestones.filter(last_activity_at__gt=F("created_at")).exists():
                reached.add("moved later")

    with time_machine.travel(TODAY, tick=False) as clock:
        run_state_machine_as_test(
            Summaries,
            settings=settings(
                max_examples=12,
                derandomize=True,
                stateful_step_count=25,
                deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
            ),
        )
    # The runs went where the columns change: a plan, an acceptance, an addition, a regrade, a
    # milestone's activity after its creation, and evidence taken away.
    assert reached == {
        "planned",
        "accepted",
        "added",
        "graded again",
        "moved later",
        "activity went back",
    }
