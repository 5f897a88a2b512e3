"""Tokens and webhooks in the admin: an organiser lists their cohorts' ones and revokes or
switches them off; no page shows a token's digest or a webhook's secret."""

from __future__ import annotations

import pytest
from django.urls import reverse

from api import services
from api.models import ApiToken, Webhook, WebhookDelivery
from tests.authz import with_organiser_permissions

CHANGELIST = "admin:api_apitoken_changelist"
HOOKS = "admin:api_webhook_changelist"


@pytest.fixture
def organiser(client, world):
    with_organiser_permissions(world)
    client.force_login(world.organiser)
    return world.organiser


def _token(by, **kwargs) -> ApiToken:
    return services.token_create(
        by=by, name=kwargs.pop("name", "Sinkron LMS"), scope="read", **kwargs
    )


@pytest.fixture
def tokens(world, elsewhere):
    return {
        "cohort": _token(world.organiser, cohort=world.cohort, name="Token angkatan"),
        "own": _token(world.organiser, name="Token pribadi saya"),
        "participant": _token(world.participant, name="Token peserta"),
        "institution": _token(
            world.admin, institution=world.cohort.institution, name="Token lembaga pusat"
        ),
        "elsewhere": _token(elsewhere.organiser, cohort=elsewhere.cohort, name="Token jauh"),
    }


def test_the_organiser_lists_their_cohorts_tokens_and_their_own(client, organiser, tokens):
    page = client.get(reverse(CHANGELIST)).content.decode()
    assert "Token angkatan" in page
    assert "Token pribadi saya" in page
    for hidden in ("Token peserta", "Token lembaga pusat", "Token jauh"):
        assert hidden not in page


def test_no_page_shows_a_digest_or_the_secret(client, world, tokens):
    client.force_login(world.admin)
    token = tokens["cohort"]
    pages = [
        client.get(reverse(CHANGELIST)).content.decode(),
        client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode(),
    ]
    for page in pages:
        assert token.digest not in page
        assert token.plain not in page
        assert token.prefix in page


def _revoke(client, *tokens):
    return client.post(
        reverse(CHANGELIST),
        {"action": "revoke", "_selected_action": [token.pk for token in tokens]},
    )


def test_the_organiser_revokes_a_cohort_token(client, organiser, tokens):
    response = _revoke(client, tokens["cohort"])
    assert response.status_code == 302
    tokens["cohort"].refresh_from_db()
    assert tokens["cohort"].revoked_at is not None
    assert services.token_for(tokens["cohort"].plain) is None
    messages = [str(m) for m in response.wsgi_request._messages]
    assert "1 token dicabut." in messages


def test_a_forged_id_of_another_institutions_token_revokes_nothing(client, organiser, tokens):
    _revoke(client, tokens["cohort"], tokens["elsewhere"], tokens["participant"])
    for name in ("elsewhere", "participant"):
        tokens[name].refresh_from_db()
        assert tokens[name].revoked_at is None
    tokens["cohort"].refresh_from_db()
    assert tokens["cohort"].revoked_at is not None


def test_the_operator_revokes_any_token(client, world, tokens):
    client.force_login(world.admin)
    _revoke(client, tokens["participant"], tokens["elsewhere"])
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 2


def test_tokens_are_neither_made_nor_edited_in_the_admin(client, organiser, tokens):
    assert client.get(reverse("admin:api_apitoken_add")).status_code == 403
    change = reverse("admin:api_apitoken_change", args=[tokens["cohort"].pk])
    client.post(change, {"name": "Diubah", "scope": "write"})
    tokens["cohort"].refresh_from_db()
    assert (tokens["cohort"].name, tokens["cohort"].scope) == ("Token angkatan", "read")


def test_a_participant_without_staff_rights_does_not_reach_the_admin(client, world, tokens):
    client.force_login(world.participant)
    assert client.get(reverse(CHANGELIST)).status_code == 302
    _revoke(client, tokens["participant"])
    tokens["participant"].refresh_from_db()
    assert tokens["participant"].revoked_at is None


# --- webhooks -----------------------------------------------------------------------------------


@pytest.fixture
def hooks(world, elsewhere):
    def hook(cohort, by, url):
        return Webhook.objects.create(
            cohort=cohort,
            url=url,
            secret="rahasia-sangat-panjang-" + "1" * 40,
            events=["project.state_changed"],
            created_by=by,
        )

    return {
        "own": hook(world.cohort, world.organiser, "https://lms.example.com/jejak"),
        "elsewhere": hook(elsewhere.cohort, elsewhere.organiser, "https://jauh.example.com/x"),
    }


def test_the_organiser_lists_their_cohorts_webhooks_without_the_secret(client, organiser, hooks):
    page = client.get(reverse(HOOKS)).content.decode()
    assert "https://lms.example.com/jejak" in page
    assert "https://jauh.example.com/x" not in page
    change = client.get(reverse("admin:api_webhook_change", args=[hooks["own"].pk]))
    assert change.status_code == 200
    assert hooks["own"].secret not in change.content.decode()
    assert hooks["own"].secret not in page


def _switch(client, action, *hooks):
    return client.post(
        reverse(HOOKS), {"action": action, "_selected_action": [hook.pk for hook in hooks]}
    )


def test_a_switched_off_webhook_gets_no_deliveries_until_switched_on(
    client, world, organiser, hooks
):
    _switch(client, "deactivate", hooks["own"], hooks["elsewhere"])
    hooks["own"].refresh_from_db()
    hooks["elsewhere"].refresh_from_db()
    assert (hooks["own"].is_active, hooks["elsewhere"].is_active) == (False, True)
    assert services.publish(cohort_id=world.cohort.pk, event="project.state_changed", data={}) == 0
    _switch(client, "activate", hooks["own"])
    hooks["own"].refresh_from_db()
    assert hooks["own"].is_active
    assert services.publish(cohort_id=world.cohort.pk, event="project.state_changed", data={}) == 1
    assert WebhookDelivery.objects.filter(webhook=hooks["own"]).count() == 1


def test_only_the_cohorts_organisers_and_the_operator_switch_a_webhook(world, hooks):
    from tracker.workflow import Forbidden

    with pytest.raises(Forbidden):
        services.webhook_set_active(webhook=hooks["own"], by=world.coach, active=False)
    assert services.webhook_set_active(webhook=hooks["own"], by=world.admin, active=False)
    assert not services.webhook_set_active(webhook=hooks["own"], by=world.organiser, active=False)
