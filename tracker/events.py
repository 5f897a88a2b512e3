"""What happened, told to whoever listens outside the domain (the API app's webhooks).

Services publish inside the change's transaction, once its log row exists, so whatever a
listener writes (a queued webhook delivery) commits with the change or not at all. Listeners
must not fail the change: each works in a savepoint of its own and logs its errors (see
`api.apps`). Nothing here decides anything; the events only report decisions already made.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.dispatch import Signal

from tracker.models import TransitionLog

logger = logging.getLogger(__name__)

# Sent with cohort_id (whose listeners hear it), event (a name such as "project.state_changed")
# and data (a JSON-ready dict).
happened = Signal()

PROJECT_STATE_CHANGED = "project.state_changed"
MILESTONE_ACCEPTED = "milestone.accepted"
REPORT_GRADED = "report.graded"
SURVEY_SUBMITTED = "survey.submitted"


def publish(*, cohort_id: int, event: str, data: dict) -> None:
    """Tell the listeners of the cohort's events; a failing listener is logged, not raised."""
    for receiver, outcome in happened.send_robust(
        sender=None, cohort_id=cohort_id, event=event, data=data
    ):
        if isinstance(outcome, Exception):
            logger.error("Listener %r of %s failed: %s", receiver, event, outcome)


def transition_logged(log_pk: int) -> None:
    """Inside a project transition's transaction: its state change, and a grade it decided."""
    log = TransitionLog.objects.select_related("project").get(pk=log_pk)
    project = log.project
    data = {
        "project": project.pk,
        "title": project.title,
        "transition": log.transition,
        "from_state": log.from_state,
        "to_state": log.to_state,
        "actor": log.actor_id,
        "role": log.role,
        "at": log.created_at.isoformat(),
        "url": settings.SITE_URL + project.get_absolute_url(),
    }
    publish(cohort_id=project.cohort_id, event=PROJECT_STATE_CHANGED, data=data)
    if log.transition == "grade":
        # The grade row is written in the same transaction, before the notices (`before=`).
        grade = project.seminar_grades.order_by("-decided_at", "-pk").first()
        if grade is not None:
            publish(
                cohort_id=project.cohort_id,
                event=REPORT_GRADED,
                data={
                    "project": project.pk,
                    "title": project.title,
                    "score": str(grade.score),
                    "predikat": grade.predikat,
                    "outcome": grade.outcome,
                    "at": grade.decided_at.isoformat(),
                    "url": data["url"],
                },
            )
