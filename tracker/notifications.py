"""Tell people what happened and what waits for them: in the app (the bell) and by email.

`notify()` runs inside the transaction of the change it reports: the notices and their queued
emails commit with the change or not at all. The background worker sends each email
(`tracker.tasks.send_email`), retries it with growing delays, and records the outcome on its
`EmailDelivery` row, so a mail server that is down never fails a request.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone, translation

from tracker import workflow
from tracker.models import ChangeProject, EmailDelivery, Notification, Role, TransitionLog, User

logger = logging.getLogger(__name__)

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def single_line(text: str) -> str:
    """The text on one line: control characters (CR, LF, tab, ...) become single spaces.

    Email headers must not contain line breaks: a title with CR/LF would otherwise refuse every
    email that names it, or (without Django's check) inject headers.
    """
    return " ".join(_CONTROL.sub(" ", text).split())


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
    cohort_id: int | None = None,
) -> list[Notification]:
    """Per recipient, in their language: one in-app notice and one email queued for the worker.

    Call it inside the change's transaction. `cohort_id` (the project's by default) says whose
    organisers see a failed email. One recipient's notice failing (a template error, say) is
    logged and costs neither the other recipients their notices nor the change.
    """
    if cohort_id is None and project is not None:
        cohort_id = project.cohort_id
    created = []
    for recipient in recipients:
        try:
            with transaction.atomic():
                created.append(
                    _notify_one(recipient, template, context, project, log, url, cohort_id)
                )
        except Exception:
            logger.exception("Could not write the %s notice for user %s", template, recipient.pk)
    return created


def _notify_one(recipient, template, context, project, log, url, cohort_id) -> Notification:
    with translation.override(recipient.language):
        personal = {**context, "recipient": recipient, "site_url": settings.SITE_URL}
        subject = single_line(render_to_string(f"emails/{template}-subject.txt", personal))
        subject = subject[: Notification._meta.get_field("message").max_length]
        # An email subject is a label; the in-app notice can say a sentence of its own.
        try:
            message = single_line(render_to_string(f"emails/{template}-notice.txt", personal))
        except TemplateDoesNotExist:
            message = subject
        message = message[: Notification._meta.get_field("message").max_length]
        text = render_to_string(f"emails/{template}-body.txt", personal)
        html = render_to_string(f"emails/{template}-body.html", personal)
    notification = Notification.objects.create(
        recipient=recipient, project=project, transition_log=log, message=message, url=url
    )
    if recipient.email:
        delivery = EmailDelivery.objects.create(
            notification=notification,
            cohort_id=cohort_id,
            to=recipient.email,
            subject=subject,
            body_text=text,
            body_html=html,
        )
        _enqueue(delivery, attempt=1)
    return notification


# A past notice older than this counts as read: the bell shows what is recent.
PAST_NOTICE_READ_AFTER = datetime.timedelta(days=30)


def past_notices(
    recipients: Iterable[User],
    *,
    template: str,
    context: dict,
    at: datetime.datetime,
    project: ChangeProject | None = None,
    log: TransitionLog | None = None,
    url: str = "",
) -> list[Notification]:
    """The in-app notices something that happened at `at` gave, for history written directly
    (the demo): worded as `notify()` words them, dated then, with no email sent now."""
    read_at = (
        at + datetime.timedelta(hours=1) if timezone.now() - at > PAST_NOTICE_READ_AFTER else None
    )
    created = []
    for recipient in recipients:
        with translation.override(recipient.language):
            personal = {**context, "recipient": recipient, "site_url": settings.SITE_URL}
            subject = single_line(render_to_string(f"emails/{template}-subject.txt", personal))
        created.append(
            Notification.objects.create(
                recipient=recipient,
                project=project,
                transition_log=log,
                message=subject[: Notification._meta.get_field("message").max_length],
                url=url,
                created_at=at,
                read_at=read_at,
            )
        )
    return created


def _enqueue(delivery: EmailDelivery, *, attempt: int, run_after=None) -> None:
    # The database backend writes the task row in the open transaction: it commits with the
    # change (the worker cannot see it before) or rolls back with it.
    from tracker.tasks import send_email  # the task module imports this one

    task = send_email if run_after is None else send_email.using(run_after=run_after)
    task.enqueue(delivery.pk, attempt)


def retry_delay(attempt: int) -> datetime.timedelta:
    """How long to wait after failed attempt number `attempt` (1, 2, ...): doubling each time."""
    return datetime.timedelta(seconds=settings.EMAIL_RETRY_DELAY * 2 ** (attempt - 1))


def deliver_email(*, delivery_id: int, attempt: int) -> None:
    """Worker: one attempt at sending a queued email; a failure is retried later, then recorded.

    Does nothing if the delivery was sent, given up on, or this attempt already ran.
    """
    S = EmailDelivery.Status
    with transaction.atomic():
        delivery = (
            EmailDelivery.objects.select_for_update()
            .filter(pk=delivery_id, status__in=[S.QUEUED, S.RETRYING], attempts=attempt - 1)
            .first()
        )
        if delivery is None:
            return
        now = timezone.now()
        delivery.attempts = attempt
        delivery.last_attempt_at = now
        delivery.next_attempt_at = None
        try:
            message = EmailMultiAlternatives(
                single_line(delivery.subject), delivery.body_text, to=[delivery.to]
            )
            message.attach_alternative(delivery.body_html, "text/html")
            message.send()
        except Exception as error:
            delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
            if attempt < settings.EMAIL_MAX_ATTEMPTS:
                delivery.status = S.RETRYING
                delivery.next_attempt_at = now + retry_delay(attempt)
                _enqueue(delivery, attempt=attempt + 1, run_after=delivery.next_attempt_at)
            else:
                delivery.status = S.FAILED
                logger.warning(
                    "Gave up on email %s to %s after %s attempts: %s",
                    delivery.pk,
                    delivery.to,
                    attempt,
                    delivery.last_error,
                )
        else:
            delivery.status = S.SENT
            delivery.sent_at = now
        delivery.save()


def email_requeue(delivery: EmailDelivery) -> bool:
    """Give an email the worker gave up on a new round of attempts; False if it had not failed."""
    S = EmailDelivery.Status
    with transaction.atomic():
        again = EmailDelivery.objects.filter(pk=delivery.pk, status=S.FAILED).update(
            status=S.QUEUED, attempts=0, next_attempt_at=None
        )
        if again:
            _enqueue(delivery, attempt=1)
    return bool(again)


def notify_transition(log_pk: int) -> None:
    """Inside the transition's transaction: tell the people who must act next."""
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
