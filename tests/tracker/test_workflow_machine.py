"""Random sequences of (persona, transition): the state follows declared edges, the log agrees."""

from __future__ import annotations

import contextlib
import datetime

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from mentoring.selectors import score_summaries
from tests.factories import ChangeProjectFactory, SeminarFactory, UserFactory
from tests.mentoring.conftest import fill_scores, score_proposal
from tests.milestones.factories import complete_plan
from tracker.diagram import workflow_edges
from tracker.models import ChangeProject, Seminar, TransitionLog
from tracker.services import run_transition
from tracker.workflow import Refused

S = ChangeProject.State
PERSONAS = ["participant", "coach", "mentor", "examiner", "organiser", "agency_head", "stranger"]
NAMES = sorted({edge.name for edge in workflow_edges()[0] + workflow_edges()[1]})
ARGUMENTS = {
    "record_proposal_seminar": st.tuples(st.sampled_from(["accepted", "revision", "rejected"])),
    "grade": st.tuples(
        st.sampled_from([S.PASSED, S.DEFERRED, S.FAILED]),
        st.just(datetime.date(2099, 1, 1)),
    ),
}
REACHED: set[str] = set()
DECLARED = {(e.name, e.source, e.target) for e in workflow_edges()[0] + workflow_edges()[1]}


@pytest.mark.django_db
def test_random_sequences_follow_the_declared_workflow(world):
    class Workflow(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.project = ChangeProjectFactory(
                participant=UserFactory(),
                cohort=world.cohort,
                coach=world.coach,
                mentor=world.mentor,
                goal_short_term="Layanan daring.",
                innovation_summary="Antrean daring.",
            )
            self.people = {name: world.persona(name) for name in PERSONAS}
            self.people["participant"] = self.project.participant
            self.second_examiner = UserFactory()
            for kind in Seminar.Kind.values:
                seminar = SeminarFactory(cohort=world.cohort, kind=kind)
                seminar.examiners.add(world.examiner, self.second_examiner)
                seminar.projects.add(self.project)
            self.results_seminar = seminar
            self.proposal_seminar = self.project.seminars.get(kind=Seminar.Kind.PROPOSAL)
            self.successes = 0
            complete_plan(self.project)  # the proposal and report guards need a finished plan

        @rule(persona=st.sampled_from(PERSONAS), name=st.sampled_from(NAMES), data=st.data())
        def attempt_anything(self, persona, name, data):
            self._attempt(persona, name, data)

        @rule(data=st.data())
        def advance(self, data):
            """A move declared from here, tried by each persona in turn until one may make it."""
            if self.project.state in (S.PROPOSAL_REVIEW, S.REPORT_REVIEW):
                # Approval is two sign-offs, not one transition anyone can run.
                for persona in ("coach", "mentor"):
                    self.sign_off(persona)
                return
            if self.project.state == S.RESULTS_SEMINAR:
                # Grading needs every examiner's sheet first.
                self.score("both", data.draw(st.integers(min_value=0, max_value=100)))
            if self.project.state == S.PROPOSAL_SEMINAR:
                # So does the proposal seminar's decision.
                for examiner in (self.people["examiner"], self.second_examiner):
                    with contextlib.suppress(Refused):
                        score_proposal(self.proposal_seminar, self.project, examiner)
            here = sorted(
                {n for n, s, _t in DECLARED if s == self.project.state and n != "withdraw"}
            )
            if here:
                name = data.draw(st.sampled_from(here))
                for persona in PERSONAS:
                    if self._attempt(persona, name, data):
                        break

        # Withdrawing ends a run: only once it reached the results seminar, so runs go deep.
        @precondition(lambda self: self.project.state in (S.RESULTS_SEMINAR, S.PASSED, S.DEFERRED))
        @rule(data=st.data())
        def organiser_withdraws(self, data):
            self._attempt("organiser", "withdraw", data)

        def _attempt(self, persona, name, data):
            arguments = data.draw(ARGUMENTS.get(name, st.just(())))
            before = self.project.state
            try:
                log = run_transition(
                    project=self.project,
                    by=self.people[persona],
                    name=name,
                    comment="Catatan acak.",
                    arguments=arguments,
                )
            except Refused:
                self.project.refresh_from_db()
                assert self.project.state == before
                return False
            self.successes += 1
            REACHED.add(self.project.state)
            if name == "grade":
                summary = score_summaries(self.results_seminar, [self.project])[self.project.pk]
                assert summary.complete, "graded without every examiner's complete sheet"
            assert (name, before, self.project.state) in DECLARED
            assert (log.from_state, log.to_state) == (before, self.project.state)
            return True

        @rule(
            who=st.sampled_from(["first", "second", "both"]),
            percent=st.integers(min_value=0, max_value=100),
        )
        def score(self, who, percent):
            examiners = {
                "first": [self.people["examiner"]],
                "second": [self.second_examiner],
                "both": [self.people["examiner"], self.second_examiner],
            }[who]
            for examiner in examiners:
                with contextlib.suppress(Refused):
                    fill_scores(self.results_seminar, self.project, examiner, percent)

        @rule(persona=st.sampled_from(["coach", "mentor"]))
        def sign_off(self, persona):
            from mentoring.services import project_sign_off

            stage = {S.PROPOSAL_REVIEW: "proposal", S.REPORT_REVIEW: "report"}.get(
                self.project.state
            )
            if stage is None:
                return
            before = self.project.state
            try:
                project_sign_off(project=self.project, by=self.people[persona], stage=stage)
            except Refused:
                return
            if self.project.state != before:
                self.successes += 1
                REACHED.add(self.project.state)

        @invariant()
        def log_rows_equal_successful_transitions(self):
            assert TransitionLog.objects.filter(project=self.project).count() == self.successes

        @invariant()
        def deferral_deadline_only_when_deferred_or_beyond(self):
            if self.project.state == S.DEFERRED:
                assert self.project.deferral_deadline is not None
            if self.project.state in (S.PASSED, S.MONITORING, S.COMPLETED):
                assert self.project.deferral_deadline is None

    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=60,
            derandomize=True,
            stateful_step_count=50,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
    # The search went deep enough to matter: past both sign-offs and into grading.
    assert {S.IMPLEMENTATION, S.RESULTS_SEMINAR, S.WITHDRAWN} <= REACHED
    assert REACHED & {S.PASSED, S.DEFERRED, S.FAILED}
