"""The project page's timeline: what happened to the project, from every app's records."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from mentoring.selectors import consultations_of, seminars_of, signoffs_of
from tracker.models import ChangeProject, Role, User
from tracker.selectors import transitions_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Event:
    at: datetime.datetime
    kind: str
    title: StrOrPromise
    detail: str = ""
    actor: User | None = None
    role: StrOrPromise = ""
    comment: str = ""


def project_timeline(project: ChangeProject) -> list[Event]:
    """Transitions, sign-offs, seminars and control-form steps, oldest first.

    Comments and reflections stay out: the timeline is shown to everyone in the project's scope.
    It reads what the page's panels read, so it costs no query of its own.
    """
    events = [
        Event(
            log.created_at,
            "transition",
            log.transition_label,
            log.get_to_state_display(),
            log.actor,
            log.get_role_display(),
            log.comment,
        )
        for log in transitions_of(project)
    ]
    events += [
        Event(
            signoff.signed_at,
            "signoff",
            signoff.wording,
            signoff.get_stage_display(),
            signoff.signer,
            signoff.get_role_display(),
        )
        for signoff in signoffs_of(project)
    ]
    events += [
        Event(
            seminar.starts_at,
            "seminar",
            seminar.get_kind_display(),
            seminar.place or seminar.online_link,
        )
        for seminar in seminars_of(project)
    ]
    # The session's own fields say when it was recorded and decided (its log says the same).
    for consultation in consultations_of(project):
        events.append(
            Event(
                consultation.created_at,
                "consultation",
                _("Konsultasi dicatat"),
                f"{consultation.get_stage_display()} · {consultation.topic}",
                consultation.recorded_by,
                Role.PARTICIPANT.label,
            )
        )
        if consultation.decided_at is not None:
            events.append(
                Event(
                    consultation.decided_at,
                    "consultation",
                    _("Konsultasi: %(status)s") % {"status": consultation.get_status_display()},
                    consultation.topic,
                    consultation.consultant,
                    consultation.get_consultant_role_display(),
                    consultation.dispute_reason,
                )
            )
    return sorted(events, key=lambda event: event.at)
