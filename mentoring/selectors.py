"""Reads for reviews: what a coach or mentor may sign now."""

from __future__ import annotations

from mentoring.models import SignOff
from tracker.models import ChangeProject, Role

STAGE_OF_REVIEW_STATE = {
    ChangeProject.State.PROPOSAL_REVIEW: SignOff.Stage.PROPOSAL,
    ChangeProject.State.REPORT_REVIEW: SignOff.Stage.REPORT,
}


def pending_signoff(project: ChangeProject, user) -> str | None:
    """The stage this user can sign off now, or None."""
    stage = STAGE_OF_REVIEW_STATE.get(project.state)
    if stage is None:
        return None
    roles = project.roles_of(user) & {Role.COACH, Role.MENTOR}
    return stage if roles - project.current_review_signers(stage) else None
