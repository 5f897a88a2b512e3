"""Tell people what happened and what waits for them: in the app (the bell) and by email."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from tracker import workflow
from tracker.models import ChangeProject, Notification, Role, TransitionLog, User

logger = logging.getLogger(__name__)


def people_in_roles(project: ChangeProject, roles: Iterable[Role]) -> list[User]:
    """The people who hold these roles on the project, each once, in a stable order."""
    people: dict[int, User] = {}
    for role in roles:
        if role == Role.PARTICIPANT:
            found = [project.participant]
        elif role == Role.COACH:
            found = [project.coach] if project.coach else []
        elif role == Role.MENTOR:
            found = [project.mentor] if project.mentor else []
        elif role == Role.ORGANISER:
            found = list(project.cohort.organisers.all())
        elif role == Role.EXAMINER:
            found = list(User.objects.filter(examined_seminars__projects=project).distinct())
        else:
            found = []
        for person in found:
            people.setdefault(person.pk, person)
    return list(people.values())


def transition_recipients(log: TransitionLog) -> list[User]:
    """Who must hear of this transition: the roles it names, except the person who did it."""
    roles = workflow.declaration(ChangeProject, log.transition).notify
    return [person for person in people_in_roles(log.project, roles) if person.pk != log.actor_id]


def notify(
    recipients: Iterable[User],
    *,
    template: str,
    context: dict,
    project: ChangeProject | None = None,
    log: TransitionLog | None = None,
    url: str = "",
) -> list[Notification]:
    """Write one in-app notification and send one email per recipient, in their language."""
    created = []
    for recipient in recipients:
        with translation.override(recipient.language):
            personal = {**context, "recipient": recipient, "site_url": settings.SITE_URL}
            subject = render_to_string(f"emails/{template}-subject.txt", personal).strip()
            text = render_to_string(f"emails/{template}-body.txt", personal)
            html = render_to_string(f"emails/{template}-body.html", personal)
        created.append(
            Notification.objects.create(
                recipient=recipient, project=project, transition_log=log, message=subject, url=url
            )
        )
        if recipient.email:
            email = EmailMultiAlternatives(subject, text, to=[recipient.email])
            email.attach_alternative(html, "text/html")
            email.send()
    return created


def notify_transition(log_pk: int) -> None:
    """After commit: tell the people who must act next that the project moved."""
    log = TransitionLog.objects.select_related(
        "project__participant", "project__coach", "project__mentor", "project__cohort", "actor"
    ).get(pk=log_pk)
    project = log.project
    notify(
        transition_recipients(log),
        template="transition",
        context={
            "log": log,
            "project": project,
            "transition": log.transition_label,
        },
        project=project,
        log=log,
        url=project.get_absolute_url(),
    )
