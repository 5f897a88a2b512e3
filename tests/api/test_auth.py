"""Who gets in: tokens stored hashed and shown once, revoked and expired ones refused, 401s."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from api import services
from api.models import ApiToken
from tracker.models import token_digest

PROJECTS = "/api/v1/projects"


def test_anonymous_gets_401_with_a_bearer_challenge(client, world):
    response = client.get(PROJECTS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "token API" in response.json()["detail"]


def test_an_unknown_token_gets_401(client, world):
    response = client.get(PROJECTS, headers={"Authorization": "Bearer jejak_bukan-token"})
    assert response.status_code == 401


def test_a_token_is_stored_only_as_its_digest(world):
    token = services.token_create(by=world.participant, name="Laptop", scope="read")
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == token_digest(token.plain)
    assert token.plain not in {stored.digest, stored.prefix, stored.name}
    assert token.plain.startswith(stored.prefix)


def test_a_token_acts_as_its_owner(client, world, bearer):
    response = client.get(PROJECTS, headers=bearer(world.participant))
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [world.project.pk]
    assert ApiToken.objects.get().last_used_at is not None


def test_a_revoked_token_is_refused(client, world):
    token = services.token_create(by=world.participant, name="Laptop", scope="read")
    headers = {"Authorization": f"Bearer {token.plain}"}
    assert client.get(PROJECTS, headers=headers).status_code == 200
    assert services.token_revoke(token=token, by=world.participant) is True
    assert client.get(PROJECTS, headers=headers).status_code == 401


def test_an_expired_token_is_refused(client, world):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC)):
        token = services.token_create(
            by=world.participant,
            name="Laptop",
            scope="read",
            expires_on=datetime.date(2026, 11, 30),
        )
    headers = {"Authorization": f"Bearer {token.plain}"}
    # Valid through the whole of its last day in Jakarta, refused from the next one.
    with time_machine.travel(datetime.datetime(2026, 11, 30, 16, 59, tzinfo=datetime.UTC)):
        assert client.get(PROJECTS, headers=headers).status_code == 200
    with time_machine.travel(datetime.datetime(2026, 11, 30, 17, 1, tzinfo=datetime.UTC)):
        assert client.get(PROJECTS, headers=headers).status_code == 401


def test_the_token_of_a_deactivated_account_is_refused(client, world, bearer):
    headers = bearer(world.participant)
    world.participant.is_active = False
    world.participant.save(update_fields=["is_active"])
    assert client.get(PROJECTS, headers=headers).status_code == 401


def _unusable_bearer(user, how: str) -> dict[str, str]:
    if how == "unknown":
        return {"Authorization": "Bearer jejak_bukan-token"}
    token = services.token_create(by=user, name="Skrip", scope="write")
    if how == "revoked":
        services.token_revoke(token=token, by=user)
    else:
        ApiToken.objects.filter(pk=token.pk).update(
            expires_at=timezone.now() - datetime.timedelta(minutes=1)
        )
    return {"Authorization": f"Bearer {token.plain}"}


@pytest.mark.parametrize("how", ["unknown", "revoked", "expired"])
def test_a_bad_bearer_token_gets_401_even_beside_a_signed_in_session(client, world, how):
    client.force_login(world.participant)
    assert client.get(PROJECTS).status_code == 200  # the session alone is good
    response = client.get(PROJECTS, headers=_unusable_bearer(world.participant, how))
    assert response.status_code == 401
    assert "tidak berlaku" in response.json()["detail"]
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


@pytest.mark.parametrize("how", ["unknown", "revoked", "expired"])
def test_a_bad_bearer_token_writes_nothing_as_the_signed_in_person(client, world, how):
    client.force_login(world.organiser)
    path = f"/api/v1/projects/{world.project.pk}/transitions"
    body = {"name": "withdraw", "expected_state": "draft", "comment": "Mundur"}
    response = client.post(
        path,
        body,
        content_type="application/json",
        headers=_unusable_bearer(world.organiser, how),
    )
    assert response.status_code == 401
    world.project.refresh_from_db()
    assert world.project.state == "draft"
    # The same request on the session alone goes through.
    assert client.post(path, body, content_type="application/json").status_code == 200
    world.project.refresh_from_db()
    assert world.project.state == "withdrawn"


@time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=datetime.UTC), tick=False)
def test_expiry_must_lie_ahead_and_within_the_maximum(world, settings):
    settings.API_TOKEN_MAX_DAYS = 30
    for day, message in [
        (datetime.date(2026, 11, 2), "setelah hari ini"),
        (datetime.date(2026, 12, 3), "paling lama 30 hari"),
    ]:
        with pytest.raises(services.Refused, match=message):
            services.token_create(by=world.participant, name="x", scope="read", expires_on=day)


def test_requests_beyond_the_rate_limit_get_429(client, world, bearer, settings):
    settings.API_RATE_LIMIT = 2
    headers = bearer(world.participant)
    assert client.get(PROJECTS, headers=headers).status_code == 200
    assert client.get(PROJECTS, headers=headers).status_code == 200
    response = client.get(PROJECTS, headers=headers)
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.API_RATE_WINDOW)
    # Another caller has a count of their own.
    assert client.get(PROJECTS, headers=bearer(world.organiser)).status_code == 200


def test_a_read_token_may_not_write(client, world, bearer):
    response = client.post(
        f"/api/v1/projects/{world.project.pk}/transitions",
        {"name": "withdraw", "expected_state": "draft", "comment": "Mundur"},
        content_type="application/json",
        headers=bearer(world.organiser, ApiToken.Scope.READ),
    )
    assert response.status_code == 403
    assert "hanya untuk membaca" in response.json()["detail"]
    world.project.refresh_from_db()
    assert world.project.state == "draft"


# --- the pages: personal tokens on the profile, a cohort's tokens for its organisers -----------


def test_a_person_creates_a_token_and_sees_it_once(client, world):
    client.force_login(world.participant)
    response = client.post(
        reverse("api:tokens"), {"name": "Sinkronisasi", "scope": "read", "expires_on": ""}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(user=world.participant)
    shown = response.context["created"].plain
    assert token.digest == token_digest(shown)
    assert shown in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    again = client.get(reverse("api:tokens"))
    assert shown not in again.content.decode()
    assert "Sinkronisasi" in again.content.decode()


def test_a_double_submitted_token_form_makes_one_token(client, world):
    client.force_login(world.participant)
    data = {
        "name": "Sinkronisasi",
        "scope": "read",
        "form_token": "0b8f3a6e-3c55-4c7f-9a55-6a9f6b0c1d2e",
    }
    first = client.post(reverse("api:tokens"), data)
    second = client.post(reverse("api:tokens"), data)
    assert ApiToken.objects.count() == 1
    assert first.context["created"].plain not in second.content.decode()


def test_a_person_revokes_their_token_and_nobody_else_can(client, world):
    token = services.token_create(by=world.participant, name="Laptop", scope="read")
    client.force_login(world.other_participant)
    assert client.post(reverse("api:token-revoke", args=[token.pk])).status_code == 404
    client.force_login(world.participant)
    response = client.post(reverse("api:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_profile_lists_only_ones_own_tokens(client, world):
    services.token_create(by=world.other_participant, name="Milik orang lain", scope="read")
    client.force_login(world.participant)
    assert "Milik orang lain" not in client.get(reverse("api:tokens")).content.decode()


def test_an_organiser_makes_a_cohort_token_that_reaches_only_that_cohort(client, world):
    from tests.factories import ChangeProjectFactory, CohortFactory

    elsewhere = CohortFactory()
    elsewhere.organisers.add(world.organiser)
    ChangeProjectFactory(cohort=elsewhere)
    client.force_login(world.organiser)
    response = client.post(
        reverse("api:cohort-tokens", args=[world.cohort.pk]),
        {"name": "SIPKA", "scope": "read"},
    )
    assert response.status_code == 200
    plain = response.context["created"].plain
    token = ApiToken.objects.get()
    assert (token.kind, token.cohort_id) == (ApiToken.Kind.COHORT, world.cohort.pk)
    listed = client.get(PROJECTS, headers={"Authorization": f"Bearer {plain}"}).json()
    assert {item["id"] for item in listed["items"]} == {
        world.project.pk,
        world.other_project.pk,
    }


def test_only_the_cohorts_organisers_make_its_tokens(world):
    with pytest.raises(services.Forbidden):
        services.token_create(by=world.coach, name="x", scope="read", cohort=world.cohort)


def test_an_institution_token_is_the_admins_and_reaches_that_institution(client, world):
    from tests.factories import ChangeProjectFactory, CohortFactory

    other = ChangeProjectFactory(cohort=CohortFactory(institution="Pusdiklat Lain"))
    with pytest.raises(services.Forbidden):
        services.token_create(
            by=world.organiser, name="x", scope="read", institution="Pusdiklat Lain"
        )
    token = services.token_create(
        by=world.admin, name="Dasbor", scope="read", institution="Pusdiklat Lain"
    )
    listed = client.get(PROJECTS, headers={"Authorization": f"Bearer {token.plain}"}).json()
    assert [item["id"] for item in listed["items"]] == [other.pk]


def test_the_admin_makes_an_institution_token_on_its_page(client, world):
    client.force_login(world.admin)
    response = client.post(
        reverse("api:institution-tokens"),
        {"name": "Dasbor provinsi", "scope": "read", "institution": world.cohort.institution},
    )
    assert response.status_code == 200
    token = ApiToken.objects.get()
    assert (token.kind, token.institution) == (ApiToken.Kind.INSTITUTION, world.cohort.institution)
    assert response.context["created"].plain in response.content.decode()
    # An institution no cohort has is not offered.
    refused = client.post(
        reverse("api:institution-tokens"),
        {"name": "x", "scope": "read", "institution": "Lembaga Karangan"},
    )
    assert refused.status_code == 400
    assert ApiToken.objects.count() == 1


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/projects/{project}/transitions", {"name": "withdraw", "expected_state": "draft"}),
        (
            "/api/v1/indicators/{indicator}/measurements",
            {"value": "1", "measured_on": "2026-11-01"},
        ),
        ("/api/v1/cohorts/{cohort}/participants/import", {"rows": [{"nip": "1"}]}),
    ],
)
def test_a_read_token_is_refused_on_every_write_endpoint(client, world, bearer, path, body):
    from tracker.models import ImpactIndicator

    indicator = ImpactIndicator.objects.create(
        project=world.project, name="Waktu", unit="menit", baseline=10, target=5
    )
    url = path.format(project=world.project.pk, indicator=indicator.pk, cohort=world.cohort.pk)
    for persona in ("organiser", "participant"):
        headers = bearer(world.persona(persona), ApiToken.Scope.READ)
        response = client.post(url, body, content_type="application/json", headers=headers)
        assert response.status_code == 403, (persona, url)
