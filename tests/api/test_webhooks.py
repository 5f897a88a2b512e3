"""Webhooks: registered on HTTPS public addresses only, signed, retried with backoff, logged."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import ipaddress
import json
import socket

import pytest
import time_machine
from django.urls import reverse

from api import services
from api.models import Webhook, WebhookDelivery
from tests.milestones.factories import LinkEvidenceFactory, MilestoneFactory, put_project_in
from tracker.models import ChangeProject
from tracker.services import run_transition

PUBLIC = "93.184.216.34"
NOW = datetime.datetime(2026, 11, 30, 2, 0, tzinfo=datetime.UTC)


@pytest.fixture
def dns(monkeypatch):
    """Host names resolve to what the test says (public by default), never to the network."""
    answers: dict[str, list[str]] = {}

    def getaddrinfo(host, port, *args, **kwargs):
        try:
            found = [str(ipaddress.ip_address(host))]  # a literal address is itself
        except ValueError:
            found = answers.get(host, [PUBLIC])
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port)) for address in found]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


@pytest.fixture
def sent(monkeypatch):
    """The POSTs the worker made; `sent.status` is what the endpoint answers."""

    class Sent(list):
        status = 200

    calls = Sent()

    def post(url, body, headers, address=None):
        calls.append({"url": url, "body": body, "headers": headers, "address": address})
        if isinstance(calls.status, Exception):
            raise calls.status
        return calls.status

    monkeypatch.setattr(services, "post", post)
    return calls


@pytest.fixture
def webhook(world, dns) -> Webhook:
    return services.webhook_create(
        cohort=world.cohort,
        by=world.organiser,
        url="https://hooks.example.com/jejak",
        events=[Webhook.Event.PROJECT_STATE_CHANGED, Webhook.Event.MILESTONE_ACCEPTED],
    )


def _withdraw(world) -> None:
    run_transition(project=world.project, by=world.organiser, name="withdraw", comment="Mutasi.")


# --- SSRF ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "192.168.0.10",
        "172.16.5.5",
        "169.254.169.254",
        "::1",
        "fd00::1",
        "::ffff:127.0.0.1",
        "0.0.0.0",
    ],
)
def test_private_loopback_and_link_local_addresses_are_refused(world, dns, address):
    dns["internal.example.com"] = [address]
    with pytest.raises(services.UnsafeAddress, match="jaringan privat"):
        services.check_endpoint("https://internal.example.com/hook")


def test_a_name_with_one_private_address_among_public_ones_is_refused(world, dns):
    dns["mixed.example.com"] = [PUBLIC, "10.0.0.5"]
    with pytest.raises(services.UnsafeAddress):
        services.check_endpoint("https://mixed.example.com/hook")


def test_a_literal_private_address_is_refused(world):
    with pytest.raises(services.UnsafeAddress):
        services.check_endpoint("https://127.0.0.1:8443/hook")


@pytest.mark.parametrize(
    "url",
    ["http://hooks.example.com/x", "ftp://hooks.example.com/", "https://u:p@hooks.example.com/"],
)
def test_only_plain_https_addresses_are_taken(world, dns, url):
    with pytest.raises(services.Refused):
        services.check_endpoint(url)


def test_the_admin_may_allow_private_addresses_for_a_closed_network(world, dns, settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    dns["lab.internal"] = ["10.1.2.3"]
    assert services.check_endpoint("https://lab.internal/hook") == ["10.1.2.3"]


def test_an_address_that_turned_private_since_registration_is_not_called(
    world, webhook, dns, sent, run_tasks
):
    dns["hooks.example.com"] = ["127.0.0.1"]
    _withdraw(world)
    run_tasks()
    assert sent == []
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.RETRYING
    assert "jaringan privat" in delivery.last_error


# --- deliveries ---------------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_a_transition_sends_a_signed_event(world, webhook, sent, run_tasks):
    _withdraw(world)
    run_tasks()  # the notices' emails and the one delivery
    (call,) = sent
    headers, body = call["headers"], call["body"]
    assert call["url"] == "https://hooks.example.com/jejak"
    assert call["address"] == PUBLIC  # the address that was checked, not a fresh lookup
    assert headers["X-Jejak-Event"] == "project.state_changed"
    expected = hmac.new(
        webhook.secret.encode(), headers["X-Jejak-Timestamp"].encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Jejak-Signature"] == f"sha256={expected}"
    payload = json.loads(body)
    assert payload["event"] == "project.state_changed"
    assert payload["data"]["project"] == world.project.pk
    assert (payload["data"]["from_state"], payload["data"]["to_state"]) == ("draft", "withdrawn")
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 1, 200)


def test_a_webhook_hears_only_its_cohorts_events_it_chose(world, dns, sent, run_tasks):
    from tests.factories import CohortFactory, UserFactory

    other_cohort, other_organiser = CohortFactory(), UserFactory()
    other_cohort.organisers.add(other_organiser)
    services.webhook_create(
        cohort=other_cohort,
        by=other_organiser,
        url="https://other.example.com/",
        events=[Webhook.Event.PROJECT_STATE_CHANGED],
    )
    services.webhook_create(
        cohort=world.cohort,
        by=world.organiser,
        url="https://grades.example.com/",
        events=[Webhook.Event.REPORT_GRADED],
    )
    _withdraw(world)
    run_tasks()
    assert sent == []
    assert WebhookDelivery.objects.count() == 0


def test_only_the_cohorts_organisers_register_webhooks(world, dns):
    with pytest.raises(services.Forbidden):
        services.webhook_create(
            cohort=world.cohort,
            by=world.coach,
            url="https://hooks.example.com/",
            events=[Webhook.Event.PROJECT_STATE_CHANGED],
        )


def test_a_failing_delivery_is_retried_with_growing_delays_then_given_up(
    world, webhook, sent, run_tasks, settings
):
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    settings.WEBHOOK_RETRY_DELAY = 60
    sent.status = 503
    with time_machine.travel(NOW, tick=False) as clock:
        _withdraw(world)
        run_tasks()  # the notices' emails and the first attempt
        delivery = WebhookDelivery.objects.get()
        assert delivery.status == WebhookDelivery.Status.RETRYING
        assert delivery.next_attempt_at == NOW + datetime.timedelta(seconds=60)
        assert delivery.last_error == "HTTP 503"
        assert run_tasks() == 0  # not due yet
        clock.shift(datetime.timedelta(seconds=61))
        assert run_tasks() == 1
        delivery.refresh_from_db()
        assert delivery.attempts == 2
        assert delivery.next_attempt_at == NOW + datetime.timedelta(seconds=61 + 120)
        clock.shift(datetime.timedelta(seconds=121))
        assert run_tasks() == 1
        delivery.refresh_from_db()
        assert (delivery.status, delivery.attempts) == (WebhookDelivery.Status.FAILED, 3)
        assert delivery.next_attempt_at is None
        clock.shift(datetime.timedelta(days=1))
        assert run_tasks() == 0
    assert len(sent) == 3


def test_a_network_error_is_recorded_and_retried(world, webhook, sent, run_tasks):
    sent.status = OSError("Connection refused")
    _withdraw(world)
    run_tasks()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDelivery.Status.RETRYING
    assert delivery.last_error == "OSError: Connection refused"


def test_a_failing_listener_never_fails_the_change(world, webhook, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(services, "publish", broken)
    _withdraw(world)
    world.project.refresh_from_db()
    assert world.project.state == ChangeProject.State.WITHDRAWN


def test_an_accepted_milestone_is_an_event(world, webhook, sent, run_tasks):
    from milestones.services import milestone_accept

    put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)
    milestone = MilestoneFactory(project=world.project)
    LinkEvidenceFactory(milestone=milestone)
    from milestones.models import Milestone

    Milestone.objects.filter(pk=milestone.pk).update(state="submitted")
    milestone.refresh_from_db()
    milestone_accept(milestone=milestone, by=world.mentor)
    run_tasks()
    events = [json.loads(call["body"])["event"] for call in sent]
    assert events == ["milestone.accepted"]
    assert json.loads(sent[0]["body"])["data"]["milestone"] == milestone.pk


# --- the organiser's page: register, see the log, redeliver ---------------------------------------


def test_the_organiser_registers_a_webhook_and_sees_its_secret_once(client, world, dns):
    client.force_login(world.organiser)
    response = client.post(
        reverse("api:webhooks", args=[world.cohort.pk]),
        {"url": "https://hooks.example.com/jejak", "events": ["project.state_changed"]},
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    webhook = Webhook.objects.get()
    assert webhook.events == ["project.state_changed"]
    assert webhook.secret in response.content.decode()
    assert (
        webhook.secret
        not in client.get(reverse("api:webhooks", args=[world.cohort.pk])).content.decode()
    )


def test_a_private_endpoint_is_refused_on_the_page(client, world, dns):
    dns["intranet.example.com"] = ["10.0.0.8"]
    client.force_login(world.organiser)
    response = client.post(
        reverse("api:webhooks", args=[world.cohort.pk]),
        {"url": "https://intranet.example.com/", "events": ["project.state_changed"]},
    )
    assert response.status_code == 400
    assert "jaringan privat" in response.content.decode()
    assert not Webhook.objects.exists()


def test_the_log_shows_deliveries_and_a_redelivery_sends_again(
    client, world, webhook, sent, run_tasks
):
    sent.status = 500
    _withdraw(world)
    run_tasks()
    client.force_login(world.organiser)
    page = client.get(reverse("api:webhooks", args=[world.cohort.pk])).content.decode()
    assert "Status proyek berubah" in page
    assert "HTTP 500" in page
    sent.status = 200
    first = WebhookDelivery.objects.get()
    response = client.post(reverse("api:webhook-redeliver", args=[first.pk]))
    assert response.status_code == 302
    assert run_tasks() >= 1
    again = WebhookDelivery.objects.exclude(pk=first.pk).get()
    assert again.status == WebhookDelivery.Status.DELIVERED
    assert again.payload == first.payload


def test_another_cohorts_organiser_cannot_see_or_redeliver(client, world, webhook):
    from tests.factories import CohortFactory, UserFactory

    other = UserFactory()
    CohortFactory().organisers.add(other)
    delivery = WebhookDelivery.objects.create(webhook=webhook, event="x", payload={})
    client.force_login(other)
    assert client.get(reverse("api:webhooks", args=[world.cohort.pk])).status_code == 404
    assert client.post(reverse("api:webhook-redeliver", args=[delivery.pk])).status_code == 404
    assert WebhookDelivery.objects.count() == 1


def test_a_grade_is_an_event_of_its_own(world, dns, sent, run_tasks):
    from mentoring.models import SeminarGrade
    from tests.factories import SeminarFactory
    from tracker import events
    from tracker.models import Seminar, TransitionLog

    services.webhook_create(
        cohort=world.cohort,
        by=world.organiser,
        url="https://grades.example.com/",
        events=[Webhook.Event.REPORT_GRADED],
    )
    seminar = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    SeminarGrade.objects.create(
        project=world.project,
        seminar=seminar,
        score="86.50",
        predikat="Memuaskan",
        outcome="passed",
        decided_by=world.examiner,
    )
    log = TransitionLog.objects.create(
        project=world.project,
        actor=world.examiner,
        role="examiner",
        transition="grade",
        from_state="results_seminar",
        to_state="passed",
    )
    events.transition_logged(log.pk)
    run_tasks()
    (call,) = sent
    payload = json.loads(call["body"])
    assert payload["event"] == "report.graded"
    assert (payload["data"]["predikat"], payload["data"]["score"]) == ("Memuaskan", "86.50")


@pytest.fixture
def receiver():
    """A real HTTP endpoint on 127.0.0.1 that records what it receives."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            length = int(self.headers["Content-Length"])
            received.append(
                {"path": self.path, "headers": dict(self.headers), "body": self.rfile.read(length)}
            )
            if self.path == "/moved":
                self.send_response(307)
                self.send_header("Location", "/elsewhere")
            else:
                self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", received
    server.shutdown()
    server.server_close()


def test_post_sends_the_body_and_headers_and_follows_no_redirect(receiver):
    base, received = receiver
    headers = {"Content-Type": "application/json", "X-Jejak-Signature": "sha256=abc"}
    assert services.post(f"{base}/hook", b'{"a": 1}', headers) == 204
    assert received[0]["body"] == b'{"a": 1}'
    assert received[0]["headers"]["X-Jejak-Signature"] == "sha256=abc"
    assert services.post(f"{base}/moved", b"{}", headers) == 307
    assert [item["path"] for item in received] == ["/hook", "/moved"]


def test_post_connects_to_the_checked_address_not_a_fresh_lookup(receiver, dns):
    base, received = receiver
    port = base.rsplit(":", 1)[1]
    # The name now resolves elsewhere; the request still goes to the address given.
    dns["hooks.example.com"] = ["10.9.9.9"]
    url = f"http://hooks.example.com:{port}/hook"
    assert services.post(url, b"{}", {}, address="127.0.0.1") == 204
    assert received[0]["headers"]["Host"] == f"hooks.example.com:{port}"


def test_https_goes_to_the_checked_address_and_starts_tls_for_the_host_name(receiver, dns):
    import ssl

    base, received = receiver
    port = base.rsplit(":", 1)[1]
    dns["hooks.example.com"] = ["10.9.9.9"]
    # The local endpoint speaks plain HTTP: reaching it shows the pinned address was used (the
    # looked-up one would not answer at all), and the TLS handshake is what fails.
    with pytest.raises(ssl.SSLError):
        services.post(f"https://hooks.example.com:{port}/hook", b"{}", {}, address="127.0.0.1")
    assert received == []
