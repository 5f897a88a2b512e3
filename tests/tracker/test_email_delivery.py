"""Emails leave through the background worker: a mail server that is down never fails a request."""

from __future__ import annotations

import ast
import datetime
import socket
from pathlib import Path

import pytest
import time_machine
from django.conf import settings as django_settings
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tests.factories import CohortFactory
from tests.milestones.factories import complete_plan
from tracker import notifications
from tracker.models import ChangeProject, EmailDelivery, Notification
from tracker.services import run_transition

S = ChangeProject.State
D = EmailDelivery.Status


def _closed_port() -> int:
    # A port that was free a moment ago: nothing listens on it, so connecting is refused at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_down(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture
def ready(world):
    """The world's project, complete enough to be submitted."""
    ChangeProject.objects.filter(pk=world.project.pk).update(
        goal_short_term="Dua puskesmas daring.", innovation_summary="Antrean daring."
    )
    world.project.refresh_from_db()
    complete_plan(world.project)
    return world.project


def _submit(client, world):
    client.force_login(world.participant)
    return client.post(
        reverse("tracker:submit-proposal", args=[world.project.pk]), {"expected_state": S.DRAFT}
    )


# A real transaction: the request commits as in production, on-commit hooks and all.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_mail_server_down_the_proposal_is_submitted_and_both_notices_arrive(
    client, world, ready, smtp_down, run_tasks
):
    response = _submit(client, world)
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.state == S.PROPOSAL_REVIEW
    told = Notification.objects.filter(project=world.project)
    assert {notice.recipient for notice in told} == {world.coach, world.mentor}

    assert run_tasks() == 2
    deliveries = EmailDelivery.objects.order_by("to")
    assert [(d.to, d.status, d.attempts) for d in deliveries] == [
        (world.coach.email, D.RETRYING, 1),
        (world.mentor.email, D.RETRYING, 1),
    ]
    assert all("ConnectionRefusedError" in d.last_error for d in deliveries)
    # Each retry waits in the queue for its time.
    retries = DBTaskResult.objects.filter(status="READY")
    assert retries.count() == 2
    assert all(task.run_after > timezone.now() for task in retries)
    assert all(task.args_kwargs["args"][1] == 2 for task in retries)
    assert mail.outbox == []


def test_the_worker_retries_with_growing_delays_then_records_the_failure(
    world, ready, smtp_down, run_tasks, settings
):
    settings.EMAIL_MAX_ATTEMPTS = 3
    settings.EMAIL_RETRY_DELAY = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        run_transition(project=world.project, by=world.participant, name="submit_proposal")
        run_tasks()
        coach = EmailDelivery.objects.get(to=world.coach.email)
        assert (coach.status, coach.attempts) == (D.RETRYING, 1)
        assert coach.next_attempt_at == start + datetime.timedelta(seconds=60)
        # Not due yet: nothing runs.
        assert run_tasks() == 0
        clock.shift(datetime.timedelta(seconds=61))
        assert run_tasks() == 2
        coach.refresh_from_db()
        assert (coach.status, coach.attempts) == (D.RETRYING, 2)
        assert coach.next_attempt_at == timezone.now() + datetime.timedelta(seconds=120)
        clock.shift(datetime.timedelta(seconds=121))
        assert run_tasks() == 2
    coach.refresh_from_db()
    assert (coach.status, coach.attempts, coach.next_attempt_at) == (D.FAILED, 3, None)
    assert "ConnectionRefusedError" in coach.last_error
    assert not DBTaskResult.objects.filter(status="READY").exists()
    # The notices never depended on the mail server.
    assert Notification.objects.filter(recipient=world.mentor, project=world.project).exists()


def test_retry_delay_doubles_from_the_setting(settings):
    settings.EMAIL_RETRY_DELAY = 300
    assert [notifications.retry_delay(n).total_seconds() for n in (1, 2, 3)] == [300, 600, 1200]


def test_the_worker_sends_the_mail_with_a_working_server(world, ready, run_tasks, mailoutbox):
    run_transition(project=world.project, by=world.participant, name="submit_proposal")
    assert mailoutbox == []
    assert run_tasks() == 2
    assert sorted(message.to[0] for message in mailoutbox) == [
        world.coach.email,
        world.mentor.email,
    ]
    delivery = EmailDelivery.objects.get(to=world.coach.email)
    assert (delivery.status, delivery.attempts) == (D.SENT, 1)
    assert delivery.sent_at is not None
    assert mailoutbox[0].from_email == django_settings.DEFAULT_FROM_EMAIL
    # Running the same task again (a worker restarted mid-way) sends nothing twice.
    from tracker.tasks import send_email

    send_email.call(delivery.pk, 1)
    assert len(mailoutbox) == 2


def test_a_failed_email_can_be_queued_again(world, ready, run_tasks, mailoutbox, settings):
    settings.EMAIL_MAX_ATTEMPTS = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    run_transition(project=world.project, by=world.participant, name="submit_proposal")
    run_tasks()
    delivery = EmailDelivery.objects.get(to=world.coach.email)
    assert delivery.status == D.FAILED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert notifications.email_requeue(delivery) is True
    assert notifications.email_requeue(delivery) is False
    run_tasks()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (D.SENT, 1)
    assert [message.to for message in mailoutbox] == [[world.coach.email]]


# The worker process itself, as `manage.py db_worker --batch` runs it (its own transactions).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_db_worker_sends_what_the_request_queued(world, ready, mailoutbox):
    run_transition(project=world.project, by=world.participant, name="submit_proposal")
    Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    ).run()
    assert sorted(message.to[0] for message in mailoutbox) == [
        world.coach.email,
        world.mentor.email,
    ]
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {D.SENT}


def test_one_recipient_whose_notice_fails_does_not_cost_the_others_theirs(
    world, ready, monkeypatch, run_tasks, mailoutbox
):
    real = notifications.render_to_string

    def render(name, context):
        if context["recipient"] == world.coach:
            raise RuntimeError("a template broke for this recipient")
        return real(name, context)

    monkeypatch.setattr(notifications, "render_to_string", render)
    run_transition(project=world.project, by=world.participant, name="submit_proposal")
    world.project.refresh_from_db()
    assert world.project.state == S.PROPOSAL_REVIEW
    assert [n.recipient for n in Notification.objects.filter(project=world.project)] == [
        world.mentor
    ]
    run_tasks()
    assert [message.to for message in mailoutbox] == [[world.mentor.email]]


# --- header values ----------------------------------------------------------------------------

EVIL_TITLE = "Antrean Daring\r\nBcc: semua@luar.example\r\n\tX-Spam: ya\x07\x1b"


def test_a_title_with_line_breaks_cannot_break_the_subject(world, ready, run_tasks, mailoutbox):
    ChangeProject.objects.filter(pk=world.project.pk).update(title=EVIL_TITLE)
    world.project.refresh_from_db()
    run_transition(project=world.project, by=world.participant, name="submit_proposal")
    run_tasks()
    assert set(EmailDelivery.objects.values_list("status", flat=True)) == {D.SENT}
    assert len(mailoutbox) == 2
    for message in mailoutbox:
        assert message.subject.startswith(
            "[Jejak] Antrean Daring Bcc: semua@luar.example X-Spam: ya"
        )
        assert not any(char in message.subject for char in "\r\n\t\x07\x1b")
        assert message.bcc == []
        headers = message.message()
        assert "Bcc" not in headers and "X-Spam" not in headers
        assert headers["To"] == message.to[0]
    notice = Notification.objects.get(recipient=world.coach)
    assert "\n" not in notice.message and "\r" not in notice.message


def test_single_line_turns_every_control_character_into_one_space():
    assert notifications.single_line("  a\r\nb\tc\x00d\x7fe\u2028f\x85g  ") == "a b c d e f g"


def test_participant_saves_a_pasted_title_with_line_breaks_as_one_line(client, world):
    client.force_login(world.participant)
    response = client.post(
        reverse("tracker:proposal-edit", args=[world.project.pk]),
        {
            "title": "Rujukan Daring\r\nPuskesmas\u2028ke RSUD",
            "problem_statement": "Masalah.",
            "goal_short_term": "",
            "goal_medium_term": "",
            "goal_long_term": "",
            "stakeholders": "",
            "innovation_summary": "",
        },
    )
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.title == "Rujukan Daring Puskesmas ke RSUD"


def test_a_title_of_control_characters_only_is_refused(client, world):
    client.force_login(world.participant)
    before = world.project.title
    response = client.post(
        reverse("tracker:proposal-edit", args=[world.project.pk]),
        {"title": "\x01\x02", "problem_statement": "Masalah."},
    )
    assert response.status_code == 400
    assert "Isi judul proyek." in response.content.decode()
    world.project.refresh_from_db()
    assert world.project.title == before


# --- what the organiser sees ------------------------------------------------------------------


@pytest.fixture
def failed(world, ready, smtp_down, run_tasks, settings):
    """The proposal's two emails, given up on; and one of another cohort's."""
    settings.EMAIL_MAX_ATTEMPTS = 1
    run_transition(project=world.project, by=world.participant, name="submit_proposal")
    other = CohortFactory()
    notice = Notification.objects.create(recipient=world.stranger, message="Lain")
    EmailDelivery.objects.create(
        notification=notice,
        cohort=other,
        to="lain@luar.example",
        subject="[Jejak] Angkatan lain",
        body_text="Rahasia angkatan lain",
        body_html="<p>Rahasia angkatan lain</p>",
        status=D.FAILED,
        attempts=5,
        last_error="SMTPRecipientsRefused",
    )
    run_tasks()
    assert EmailDelivery.objects.filter(status=D.FAILED).count() == 3


@pytest.fixture
def organiser_in_admin(client, world):
    world.organiser.user_permissions.add(Permission.objects.get(codename="view_emaildelivery"))
    client.force_login(world.organiser)
    return client


def test_organiser_sees_the_failed_emails_of_their_cohorts_only(organiser_in_admin, world, failed):
    page = organiser_in_admin.get(reverse("admin:tracker_emaildelivery_changelist")).content
    page = page.decode()
    assert world.coach.email in page and world.mentor.email in page
    assert "lain@luar.example" not in page
    other_cohort = EmailDelivery.objects.get(to="lain@luar.example").cohort
    assert str(other_cohort) not in page  # not even as a filter choice
    assert "Gagal" in page
    other = EmailDelivery.objects.get(to="lain@luar.example")
    response = organiser_in_admin.get(
        reverse("admin:tracker_emaildelivery_change", args=[other.pk])
    )
    assert response.status_code == 302


def test_organiser_reads_why_an_email_failed_but_not_its_body_and_cannot_edit(
    organiser_in_admin, world, failed
):
    delivery = EmailDelivery.objects.get(to=world.coach.email)
    url = reverse("admin:tracker_emaildelivery_change", args=[delivery.pk])
    page = organiser_in_admin.get(url).content.decode()
    assert "ConnectionRefusedError" in page
    assert "Buka proyek" not in page  # the body's link text
    organiser_in_admin.post(url, {"to": "diubah@luar.example", "status": D.SENT})
    delivery.refresh_from_db()
    assert (delivery.to, delivery.status) == (world.coach.email, D.FAILED)
    assert organiser_in_admin.get(reverse("admin:tracker_emaildelivery_add")).status_code == 403


def test_organiser_sends_failed_emails_again_from_the_admin(
    organiser_in_admin, world, failed, settings, run_tasks, mailoutbox
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ids = list(EmailDelivery.objects.values_list("pk", flat=True))
    response = organiser_in_admin.post(
        reverse("admin:tracker_emaildelivery_changelist"),
        {"action": "send_again", "_selected_action": ids},
    )
    assert response.status_code == 302
    run_tasks()
    # Only their own cohort's: the other cohort's row was never in their queryset.
    assert sorted(message.to[0] for message in mailoutbox) == [
        world.coach.email,
        world.mentor.email,
    ]
    assert EmailDelivery.objects.get(to="lain@luar.example").status == D.FAILED


# --- the rule that keeps on-commit hooks loggable ---------------------------------------------

APPS = ["tracker", "milestones", "mentoring", "reports"]


def _on_commit_partials(root: Path, apps: list[str]) -> list[str]:
    found = []
    for app in apps:
        for path in sorted((root / app).rglob("*.py")):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Call) and _name(node.func) == "on_commit"):
                    continue
                callback = node.args[0] if node.args else None
                if isinstance(callback, ast.Call) and _name(callback.func) == "partial":
                    found.append(f"{path.relative_to(root)}:{node.lineno}")
    return found


def _name(node) -> str:
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def test_no_functools_partial_is_passed_to_on_commit():
    # Django 5.2's robust on_commit handler logs callback.__qualname__, which a partial lacks.
    assert _on_commit_partials(Path(django_settings.BASE_DIR), APPS) == []


def test_the_on_commit_rule_finds_a_partial(tmp_path):
    (tmp_path / "tracker").mkdir()
    (tmp_path / "tracker" / "bad.py").write_text(
        "import functools\n"
        "from django.db import transaction\n"
        "transaction.on_commit(functools.partial(print, 1), robust=True)\n"
    )
    assert _on_commit_partials(tmp_path, ["tracker"]) == ["tracker/bad.py:3"]


# Several worker processes (on several hosts, against one PostgreSQL) send each email once.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_worker_processes_send_each_email_exactly_once(tmp_path):
    import os
    import subprocess
    import sys

    from django.db import connection

    from tests.factories import ChangeProjectFactory, UserFactory

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serves one host")
    for n in range(12):
        project = ChangeProjectFactory(
            coach=UserFactory(),
            mentor=UserFactory(),
            goal_short_term="Daring.",
            innovation_summary=f"Inovasi {n}",
        )
        complete_plan(project)
        run_transition(project=project, by=project.participant, name="submit_proposal")
    assert EmailDelivery.objects.count() == 24
    database = connection.settings_dict
    environment = {
        **{k: v for k, v in os.environ.items() if k != "DEBUG"},
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        # Each worker prints the emails it sends.
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "LOG_FORMAT": "text",
    }
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "worker",
                "--batch",
                "--no-startup-delay",
                "--no-reload",
                "--worker-id",
                f"host-{n}",
            ],
            env=environment,
            # Files, not pipes: a full pipe would stall a worker.
            stdout=(tmp_path / f"out-{n}").open("w"),
            stderr=subprocess.STDOUT,
        )
        for n in (1, 2)
    ]
    for n, worker in enumerate(workers, start=1):
        assert worker.wait(timeout=300) == 0, (tmp_path / f"out-{n}").read_text()[-3000:]
    printed = [(tmp_path / f"out-{n}").read_text() for n in (1, 2)]

    results = list(DBTaskResult.objects.values_list("worker_ids", flat=True))
    assert len(results) == 24 and all(len(ids) == 1 for ids in results)
    assert {ids[0] for ids in results} <= {"host-1", "host-2"}
    assert set(EmailDelivery.objects.values_list("status", "attempts")) == {(D.SENT, 1)}
    assert "".join(printed).count("\nSubject: ") == 24
