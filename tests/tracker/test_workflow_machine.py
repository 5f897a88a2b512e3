"""Random sequences of (persona, transition): the state follows declared edges, the log agrees."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from tests.factories import ChangeProjectFactory, SeminarFactory, UserFactory
from tests.milestones.factories import complete_plan
from tracker.diagram import workflow_edges
from tracker.models import ChangeProject, Seminar, TransitionLog
from tracker.services import TransitionRefused, run_transition

S = ChangeProject.State
PERSONAS = ["participant", "coach", "mentor", "examiner", "organiser", "agency_head", "stranger"]
NAMES = sorted({edge.name for edge in workflow_edges()[0] + workflow_edges()[1]})
ARGUMENTS = {
    "record_proposal_seminar": st.tuples(st.booleans()),
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
            for kind in Seminar.Kind.values:
                seminar = SeminarFactory(cohort=world.cohort, kind=kind)
                seminar.examiners.add(world.examiner)
                seminar.projects.add(self.project)
            self.successes = 0
            complete_plan(self.project)  # the proposal and report guards need a finished plan

        @rule(persona=st.sampled_from(PERSONAS), name=st.sampled_from(NAMES), data=st.data())
        def attempt_anything(self, persona, name, data):
            self._attempt(persona, name, data)

        @rule(persona=st.sampled_from(PERSONAS), data=st.data())
        def attempt_a_move_from_here(self, persona, data):
            here = sorted({n for n, source, _t in DECLARED if source == self.project.state})
            if here:
                self._attempt(persona, data.draw(st.sampled_from(here)), data)

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
            except TransitionRefused:
                self.project.refresh_from_db()
                assert self.project.state == before
                return
            self.successes += 1
            REACHED.add(self.project.state)
            assert (name, before, self.project.state) in DECLARED
            assert (log.from_state, log.to_state) == (before, self.project.state)

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
            except TransitionRefused:
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
            max_examples=100,
            derandomize=True,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        ),
    )
    # The search went deep enough to matter: past both sign-offs and into grading.
    assert {S.PROPOSAL_SEMINAR, S.IMPLEMENTATION, S.WITHDRAWN} <= REACHED
