from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from tests.factories import ChangeProjectFactory, UserFactory
from tests.milestones.factories import complete_plan
from tracker.models import ChangeProject, EmailDelivery, Notification
from tracker.services import run_transition

S = ChangeProject.State


@pytest.fixture
def project(world):
    """A complete draft of a fresh participant, guided by the world's coach and mentor."""
    project = ChangeProjectFactory(
        participant=UserFactory(username="budi", email="budi@jejak.example"),
        cohort=world.cohort,
        coach=world.coach,
        mentor=world.mentor,
        goal_short_term="Dua puskesmas daring.",
        innovation_summary="Antrean daring.",
    )
    complete_plan(project)
    return project


# transition, source state, actor persona, arguments, who hears of it
RECIPIENTS = [
    ("submit_proposal", S.DRAFT, "participant", (), {"coach", "mentor"}),
    ("return_proposal", S.PROPOSAL_REVIEW, "coach", (), {"participant"}),
    ("submit_report", S.IMPLEMENTATION, "participant", (), {"coach", "mentor"}),
    ("return_report", S.REPORT_REVIEW, "mentor", (), {"participant"}),
    ("close_training", S.PASSED, "organiser", (), {"participant", "mentor"}),
    ("withdraw", S.IMPLEMENTATION, "organiser", (), {"participant", "coach", "mentor"}),
]


def _email_of(world, project, persona):
    return project.participant.email if persona == "participant" else world.persona(persona).email


@pytest.mark.parametrize(("name", "source", "actor", "arguments", "told"), RECIPIENTS)
def test_each_transition_tells_who_must_act_next(
    world,
    project,
    mailoutbox,
    run_tasks,
    name,
    source,
    actor,
    arguments,
    told,
):
    ChangeProject.objects.filter(pk=project.pk).update(state=source)
    project.refresh_from_db()
    by = project.participant if actor == "participant" else world.persona(actor)
    run_transition(project=project, by=by, name=name, comment="Catatan.", arguments=arguments)
    run_tasks()
    expected = {_email_of(world, project, persona) for persona in told}
    assert {message.to[0] for message in mailoutbox} == expected
    assert len(mailoutbox) == len(expected)
    assert by.email not in expected
    assert Notification.objects.filter(project=project).count() == len(expected)


def test_email_names_the_action_the_state_and_the_comment(world, project, mailoutbox, run_tasks):
    ChangeProject.objects.filter(pk=project.pk).update(state=S.PROPOSAL_REVIEW)
    run_transition(
        project=project, by=world.coach, name="return_proposal", comment="Tambahkan data 2025."
    )
    run_tasks()
    (message,) = mailoutbox
    assert message.subject == f"[Jejak] {project.title}: Draf"
    assert "Hendra Coach melakukan “Kembalikan rancangan”" in message.body
    assert "Tambahkan data 2025." in message.body
    assert f"/proyek/{project.pk}/" in message.body
    html = message.alternatives[0][0]
    assert "Tambahkan data 2025." in html


def test_nothing_is_sent_when_the_transition_rolls_back(world, project, mailoutbox, run_tasks):
    with pytest.raises(RuntimeError), transaction.atomic():
        run_transition(project=project, by=project.participant, name="submit_proposal")
        raise RuntimeError("something later in the same request failed")
    assert run_tasks() == 0
    project.refresh_from_db()
    assert project.state == S.DRAFT
    assert mailoutbox == []
    assert not Notification.objects.exists()
    assert not EmailDelivery.objects.exists()


def test_bell_counts_unread_and_reading_opens_the_project(client, world, project, run_tasks):
    run_transition(project=project, by=project.participant, name="submit_proposal")
    run_tasks()
    client.force_login(world.coach)
    page = client.get(reverse("tracker:notifications")).content.decode()
    assert 'class="bell__count">1<' in page
    notification = Notification.objects.get(recipient=world.coach)
    response = client.post(reverse("tracker:notification-read", args=[notification.pk]))
    assert response["Location"] == project.get_absolute_url()
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "bell__count" not in client.get(reverse("tracker:notifications")).content.decode()


def test_someone_elses_notification_is_404_and_stays_unread(client, world, project, run_tasks):
    run_transition(project=project, by=project.participant, name="submit_proposal")
    run_tasks()
    notification = Notification.objects.get(recipient=world.coach)
    client.force_login(world.mentor)
    response = client.post(reverse("tracker:notification-read", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read(client, world, project, run_tasks):
    run_transition(project=project, by=project.participant, name="submit_proposal")
    run_tasks()
    client.force_login(world.mentor)
    client.post(reverse("tracker:notifications-read-all"))
    assert not Notification.objects.filter(recipient=world.mentor, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=world.coach, read_at__isnull=True).exists()


def test_notification_list_query_count_is_constant(
    client, world, project, django_assert_max_num_queries, run_tasks
):
    client.force_login(world.coach)
    with django_assert_max_num_queries(10) as first:
        client.get(reverse("tracker:notifications"))
    for _ in range(5):
        Notification.objects.create(recipient=world.coach, project=project, message="Pesan uji")
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get(reverse("tracker:notifications"))


def test_each_recipient_reads_the_email_in_their_own_language(
    world, project, mailoutbox, run_tasks
):
    world.mentor.language = "en"
    world.mentor.save(update_fields=["language"])
    run_transition(project=project, by=project.participant, name="submit_proposal")
    run_tasks()
    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert by_recipient[world.coach.email].subject.endswith(": Rancangan ditelaah")
    assert by_recipient[world.mentor.email].subject.endswith(": Proposal under review")
    assert "Dear Siti Mentor" in by_recipient[world.mentor.email].body
    notifications = {n.recipient: n.message for n in Notification.objects.all()}
    assert notifications[world.mentor].endswith("Proposal under review")
