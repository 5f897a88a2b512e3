from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Pendampingan dan penilaian")

    def ready(self) -> None:
        from mentoring.selectors import (
            grading_refusal,
            proposal_deciding_refusal,
            report_commitment_refusal,
        )
        from tracker.models import ChangeProject

        # The project's `grade` and `record_proposal_seminar` transitions ask this app's one
        # rule on scores; see ChangeProject.results_unscored_reason.
        ChangeProject.results_grading_refusal = grading_refusal
        ChangeProject.proposal_deciding_refusal = proposal_deciding_refusal
        # `submit_report` waits for the komitmen perbaikan the proposal seminar asked for.
        ChangeProject.report_commitment_refusal = report_commitment_refusal

        from mentoring.selectors import (
            commitments_waiting,
            consultations_waiting,
            returns_waiting,
            seminar_sheets_waiting,
            signoffs_waiting,
            surveys_waiting,
        )
        from milestones.selectors import WAITING_SOURCES

        # The daily reminders and their escalation cover sign-offs, sessions to confirm, survey
        # rounds to answer, revision commitments to state, examiners' sheets and results after
        # the seminar was held, and work returned to its participant: one email a day names them.
        sources = (
            signoffs_waiting,
            consultations_waiting,
            surveys_waiting,
            commitments_waiting,
            seminar_sheets_waiting,
            returns_waiting,
        )
        for source in sources:
            if source not in WAITING_SOURCES:
                WAITING_SOURCES.append(source)
