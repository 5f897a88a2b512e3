"""Writes of the API app: tokens (made, shown once, revoked) and webhooks (registered, sent)."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import secrets
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken, Webhook, WebhookDelivery
from tracker.models import Cohort, User, token_digest
from tracker.services import once_per_form
from tracker.workflow import Forbidden, Refused

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "jejak_"


def _expiry(expires_on: datetime.date | None) -> datetime.datetime:
    today = timezone.localdate()
    if expires_on is None:
        expires_on = today + datetime.timedelta(days=settings.API_TOKEN_DAYS)
    if expires_on <= today:
        raise Refused(_("Tanggal kedaluwarsa harus setelah hari ini."))
    if expires_on > today + datetime.timedelta(days=settings.API_TOKEN_MAX_DAYS):
        raise Refused(
            _("Token berlaku paling lama %(days)d hari.") % {"days": settings.API_TOKEN_MAX_DAYS}
        )
    # The token works through the whole of its last day, in the configured time zone.
    end = datetime.datetime.combine(expires_on + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(end)


@once_per_form
def token_create(
    *,
    by: User,
    name: str,
    scope: str,
    expires_on: datetime.date | None = None,
    cohort: Cohort | None = None,
    institution: str = "",
) -> ApiToken:
    """Make a token: personal, or a cohort's (its organisers) or an institution's (the admin).

    The secret is on the returned row as `plain`, this once: only its digest is stored. A form
    sent twice gets the first row back without it (see `once_per_form`).
    """
    name = name.strip()
    if not name:
        raise Refused(_("Beri nama token ini."))
    if scope not in ApiToken.Scope.values:
        raise Refused(_("Cakupan token tidak dikenal."))
    kind = ApiToken.Kind.PERSONAL
    institution = institution.strip()
    if cohort is not None:
        if not cohort.organisers.filter(pk=by.pk).exists():
            raise Forbidden(_("Hanya penyelenggara angkatan ini yang dapat melakukannya."))
        kind = ApiToken.Kind.COHORT
    elif institution:
        if not by.is_superuser:
            raise Forbidden(_("Hanya admin yang dapat membuat token lembaga pelatihan."))
        kind = ApiToken.Kind.INSTITUTION
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=by,
        kind=kind,
        cohort=cohort,
        institution=institution if kind == ApiToken.Kind.INSTITUTION else "",
        name=name[:100],
        scope=scope,
        prefix=plain[: len(TOKEN_PREFIX) + 6],
        digest=token_digest(plain),
        expires_at=_expiry(expires_on),
    )
    token.plain = plain  # type: ignore[attr-defined]
    return token


def may_revoke(token: ApiToken, user: User) -> bool:
    """Its maker; for a cohort's token, any organiser of the cohort; the admin always."""
    if user.is_superuser or token.user_id == user.pk:
        return True
    cohort = token.cohort if token.kind == ApiToken.Kind.COHORT else None
    return cohort is not None and cohort.organisers.filter(pk=user.pk).exists()


def token_revoke(*, token: ApiToken, by: User) -> bool:
    """Revoke a token for good; False if it was revoked already."""
    if not may_revoke(token, by):
        raise Forbidden(_("Anda tidak berwenang mencabut token ini."))
    return bool(
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


def token_for(plain: str) -> ApiToken | None:
    """The usable token whose secret this is, with its owner; None for anything else."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 100:
        return None
    return (
        ApiToken.objects.usable()
        .select_related("user", "cohort")
        .filter(digest=token_digest(plain))
        .first()
    )


def token_touch(token: ApiToken) -> None:
    """Remember when the token was last used (at most once a minute, to spare the database)."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


# --- webhooks ---------------------------------------------------------------------------------


class UnsafeAddress(Refused):
    """The endpoint's host is, or resolves to, an address Jejak must not call."""


def _forbidden_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return not address.is_global or address.is_multicast


def check_endpoint(url: str) -> list[str]:
    """Refuse an endpoint that is not HTTPS or whose host is private, loopback or link-local.

    The host is resolved now and again before every delivery (its DNS may change in between),
    and every address it resolves to must be public; WEBHOOK_ALLOW_PRIVATE lifts the last rule.
    Returns the addresses found.
    """
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise Refused(_("Alamat webhook harus berupa URL HTTPS."))
    if parts.username or parts.password:
        raise Refused(_("Alamat webhook tidak boleh memuat nama pengguna atau kata sandi."))
    try:
        found = {str(info[4][0]) for info in socket.getaddrinfo(parts.hostname, parts.port or 443)}
    except (socket.gaierror, UnicodeError):
        raise Refused(_("Nama host webhook tidak dapat ditemukan.")) from None
    addresses = [ipaddress.ip_address(address.split("%", 1)[0]) for address in sorted(found)]
    if not settings.WEBHOOK_ALLOW_PRIVATE and any(map(_forbidden_address, addresses)):
        raise UnsafeAddress(
            _(
                "Alamat webhook mengarah ke jaringan privat, loopback atau link-local; "
                "Jejak tidak mengirim ke sana."
            )
        )
    return [str(address) for address in addresses]


def webhook_create(*, cohort: Cohort, by: User, url: str, events: list[str]) -> Webhook:
    """Organiser registers an HTTPS endpoint for some of their cohort's events."""
    if not cohort.organisers.filter(pk=by.pk).exists():
        raise Forbidden(_("Hanya penyelenggara angkatan ini yang dapat melakukannya."))
    events = [event for event in Webhook.Event.values if event in set(events)]
    if not events:
        raise Refused(_("Pilih minimal satu peristiwa."))
    url = url.strip()
    check_endpoint(url)
    return Webhook.objects.create(
        cohort=cohort, url=url, events=events, secret=secrets.token_hex(32), created_by=by
    )


def webhook_set_active(*, webhook: Webhook, by: User, active: bool) -> bool:
    """Organiser (or the admin) switches a webhook off or on again; while off, nothing is sent
    to it. False if it already was so."""
    if not (by.is_superuser or webhook.cohort.organisers.filter(pk=by.pk).exists()):
        raise Forbidden(_("Hanya penyelenggara angkatan ini yang dapat melakukannya."))
    return bool(
        Webhook.objects.filter(pk=webhook.pk).exclude(is_active=active).update(is_active=active)
    )


def webhook_delete(*, webhook: Webhook, by: User) -> None:
    """Organiser removes a webhook and its delivery log."""
    if not webhook.cohort.organisers.filter(pk=by.pk).exists():
        raise Forbidden(_("Hanya penyelenggara angkatan ini yang dapat melakukannya."))
    webhook.delete()


def publish(*, cohort_id: int, event: str, data: dict) -> int:
    """Inside the change's transaction: one delivery per active webhook of the cohort that
    listens to this event, queued for the worker (it commits with the change or not at all)."""
    created = 0
    for webhook in Webhook.objects.filter(cohort_id=cohort_id, is_active=True):
        if event not in webhook.events:
            continue
        delivery = WebhookDelivery.objects.create(
            webhook=webhook,
            event=event,
            payload={
                "event": event,
                "created_at": timezone.now().isoformat(),
                "cohort": cohort_id,
                "data": data,
            },
        )
        _enqueue(delivery, attempt=1)
        created += 1
    return created


def _enqueue(delivery: WebhookDelivery, *, attempt: int, run_after=None) -> None:
    from api.tasks import send_webhook  # the task module imports this one

    task = send_webhook if run_after is None else send_webhook.using(run_after=run_after)
    task.enqueue(delivery.pk, attempt)


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 of "<timestamp>.<body>" under the webhook's secret, hex (the header value)."""
    message = timestamp.encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def retry_delay(attempt: int) -> datetime.timedelta:
    """How long to wait after failed attempt number `attempt`: doubling each time."""
    return datetime.timedelta(seconds=settings.WEBHOOK_RETRY_DELAY * 2 ** (attempt - 1))


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPS to an address checked beforehand, with the certificate checked for the host name.

    Resolving the name again when connecting would let a DNS answer that changed since the
    check (DNS rebinding) lead the request to a private address.
    """

    def __init__(self, host: str, port: int, *, address: str, **kwargs) -> None:
        super().__init__(host, port, **kwargs)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def post(url: str, body: bytes, headers: dict[str, str], address: str | None = None) -> int:
    """POST the body to `address` (the host's checked address) and return the status code;
    raises on a network error. Redirects are not followed: they could lead anywhere."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    target = address or host
    timeout = settings.WEBHOOK_TIMEOUT
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = _PinnedHTTPSConnection(
            host,
            parts.port or 443,
            address=target,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    else:  # only reachable in tests: endpoints are checked to be HTTPS
        connection = http.client.HTTPConnection(target, parts.port or 80, timeout=timeout)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers={"Host": parts.netloc, **headers})
        return connection.getresponse().status
    finally:
        connection.close()


def deliver_webhook(*, delivery_id: int, attempt: int) -> None:
    """Worker: one attempt at one delivery; a failure is retried later with backoff, then
    recorded as failed. Does nothing if the delivery is done or this attempt already ran."""
    S = WebhookDelivery.Status
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update()
            .select_related("webhook")
            .filter(pk=delivery_id, status__in=[S.QUEUED, S.RETRYING], attempts=attempt - 1)
            .first()
        )
        if delivery is None:
            return
        now = timezone.now()
        delivery.attempts = attempt
        delivery.last_attempt_at = now
        delivery.next_attempt_at = None
        body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, sort_keys=True).encode()
        timestamp = str(int(now.timestamp()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Jejak-Webhook/1",
            "X-Jejak-Event": delivery.event,
            "X-Jejak-Delivery": str(delivery.pk),
            "X-Jejak-Timestamp": timestamp,
            "X-Jejak-Signature": signature(delivery.webhook.secret, timestamp, body),
        }
        try:
            addresses = check_endpoint(delivery.webhook.url)
            status = post(delivery.webhook.url, body, headers, address=addresses[0])
        except Exception as error:
            status = None
            delivery.last_error = f"{type(error).__name__}: {error}"[:2000]
        delivery.response_status = status
        if status is not None and 200 <= status < 300:
            delivery.status = S.DELIVERED
            delivery.delivered_at = now
            delivery.last_error = ""
        else:
            if status is not None:
                delivery.last_error = f"HTTP {status}"
            if attempt < settings.WEBHOOK_MAX_ATTEMPTS:
                delivery.status = S.RETRYING
                delivery.next_attempt_at = now + retry_delay(attempt)
                _enqueue(delivery, attempt=attempt + 1, run_after=delivery.next_attempt_at)
            else:
                delivery.status = S.FAILED
                logger.warning(
                    "Gave up on webhook delivery %s to %s after %s attempts: %s",
                    delivery.pk,
                    delivery.webhook.url,
                    attempt,
                    delivery.last_error,
                )
        delivery.save()


def webhook_redeliver(*, delivery: WebhookDelivery, by: User) -> WebhookDelivery:
    """Organiser sends a past event again: a new delivery of the same payload, queued now."""
    webhook = delivery.webhook
    if not webhook.cohort.organisers.filter(pk=by.pk).exists():
        raise Forbidden(_("Hanya penyelenggara angkatan ini yang dapat melakukannya."))
    with transaction.atomic():
        again = WebhookDelivery.objects.create(
            webhook=webhook, event=delivery.event, payload=delivery.payload
        )
        _enqueue(again, attempt=1)
    return again
