"""Writes of reviews: sign-offs (and, next to them, seminar results)."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from mentoring.models import SignOff
from tracker.models import ChangeProject, Role, User
from tracker.notifications import notify
from tracker.services import StaleTransition, TransitionForbidden, TransitionRefused, run_transition

APPROVAL_OF_STAGE = {
    SignOff.Stage.PROPOSAL: ("approve_proposal", ChangeProject.State.PROPOSAL_REVIEW),
    SignOff.Stage.REPORT: ("approve_report", ChangeProject.State.REPORT_REVIEW),
}


def project_sign_off(
    *, project: ChangeProject, by: User, stage: str, expected_state: str | None = None
) -> SignOff:
    """Coach or mentor approves the current submission; the second approval moves the project.

    Both sign-offs are taken under the project's row lock, so a coach and a mentor approving at
    the same moment still produce exactly one transition.
    """
    transition_name, review_state = APPROVAL_OF_STAGE[SignOff.Stage(stage)]
    with transaction.atomic():
        locked = ChangeProject.objects.select_for_update().get(pk=project.pk)
        roles = locked.roles_of(by) & {Role.COACH, Role.MENTOR}
        if not roles:
            raise TransitionForbidden(_("Hanya coach dan mentor proyek ini yang dapat menyetujui."))
        if locked.state != review_state or (expected_state and locked.state != expected_state):
            raise StaleTransition(locked)
        submission = locked.latest_submission(stage)
        signed = locked.current_review_signers(stage)
        unsigned = [
            role for role in (Role.COACH, Role.MENTOR) if role in roles and role not in signed
        ]
        if not unsigned:
            raise TransitionRefused(_("Anda sudah menyetujui pengajuan ini."))
        signoff = SignOff.objects.create(
            project=locked,
            submission=submission,
            stage=stage,
            role=unsigned[0],
            signer=by,
            wording=str(SignOff.WORDING),
        )
        if locked.current_review_signers(stage) >= {Role.COACH, Role.MENTOR}:
            run_transition(project=locked, by=by, name=transition_name)
        else:
            transaction.on_commit(lambda: _notify_first_signoff(signoff.pk), robust=True)
    project.refresh_from_db()
    return signoff


def _notify_first_signoff(signoff_pk: int) -> None:
    signoff = SignOff.objects.select_related("project__coach", "project__mentor", "signer").get(
        pk=signoff_pk
    )
    project = signoff.project
    waiting = project.mentor if signoff.role == Role.COACH else project.coach
    recipients = [person for person in (project.participant, waiting) if person]
    notify(
        recipients,
        template="signoff",
        context={"signoff": signoff, "project": project},
        project=project,
        url=project.get_absolute_url(),
    )
