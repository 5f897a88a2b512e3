"""Write endpoints: transitions with the pages' refusals, measurements, the JSON import."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from milestones.models import IndicatorMeasurement
from tests.factories import ChangeProjectFactory, CohortFactory, UserFactory
from tests.milestones.factories import complete_plan, put_project_in
from tracker.models import ChangeProject, ImpactIndicator, TransitionLog, User
from tracker.services import run_transition

S = ChangeProject.State
NEW_NIP = "199001012015031001"


def _transition(client, project, headers, **body):
    return client.post(
        f"/api/v1/projects/{project.pk}/transitions",
        body,
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def ready(world) -> ChangeProject:
    ChangeProject.objects.filter(pk=world.project.pk).update(
        goal_short_term="Dua puskesmas daring.", innovation_summary="Antrean daring."
    )
    world.project.refresh_from_db()
    complete_plan(world.project)
    return world.project


def test_the_participant_submits_the_proposal_and_the_log_says_so(client, world, bearer, ready):
    response = _transition(
        client, ready, bearer(world.participant), name="submit_proposal", expected_state="draft"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == S.PROPOSAL_REVIEW
    assert body["transition"]["actor"]["id"] == world.participant.pk
    ready.refresh_from_db()
    assert ready.state == S.PROPOSAL_REVIEW
    log = TransitionLog.objects.get(project=ready)
    assert (log.actor, log.role, log.transition) == (
        world.participant,
        "participant",
        "submit_proposal",
    )


def test_a_stale_state_gets_409_and_changes_nothing(client, world, bearer, ready):
    run_transition(project=ready, by=world.participant, name="submit_proposal")
    response = _transition(
        client, ready, bearer(world.participant), name="submit_proposal", expected_state="draft"
    )
    assert response.status_code == 409
    assert "sudah memindahkan proyek ini" in response.json()["detail"]
    assert TransitionLog.objects.filter(project=ready).count() == 1


def test_an_unmet_guard_gets_400_with_the_pages_reason(client, world, bearer):
    complete_plan(world.project)
    response = _transition(
        client,
        world.project,
        bearer(world.participant),
        name="submit_proposal",
        expected_state="draft",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Lengkapi dulu: tujuan jangka pendek, ringkasan inovasi."


def test_a_required_comment_is_asked_for_in_the_pages_words(client, world, bearer):
    response = _transition(
        client, world.project, bearer(world.organiser), name="withdraw", expected_state="draft"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Komentar wajib diisi untuk tindakan ini."
    world.project.refresh_from_db()
    assert world.project.state == S.DRAFT


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("participant", 403),
        ("coach", 403),
        ("mentor", 403),
        ("examiner", 403),
        ("agency_head", 403),
        ("admin", 403),
        ("other_participant", 404),
        ("stranger", 404),
        ("organiser", 200),
    ],
)
def test_who_may_withdraw_through_the_api(client, world, bearer, persona, status):
    response = _transition(
        client,
        world.project,
        bearer(world.persona(persona)),
        name="withdraw",
        expected_state="draft",
        comment="Peserta mutasi.",
    )
    assert response.status_code == status
    world.project.refresh_from_db()
    assert world.project.state == (S.WITHDRAWN if status == 200 else S.DRAFT)


def test_an_unknown_transition_is_refused(client, world, bearer):
    response = _transition(
        client, world.project, bearer(world.organiser), name="approve", expected_state="draft"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "Tindakan ini tidak dikenal."


def test_anonymous_cannot_run_a_transition(client, world):
    response = _transition(client, world.project, {}, name="withdraw", expected_state="draft")
    assert response.status_code == 401


def test_a_browser_session_needs_the_csrf_token_to_write(world):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(world.organiser)
    response = _transition(
        browser, world.project, {}, name="withdraw", expected_state="draft", comment="Mutasi."
    )
    assert response.status_code == 403
    world.project.refresh_from_db()
    assert world.project.state == S.DRAFT


# --- indicator measurements ---------------------------------------------------------------------


@pytest.fixture
def indicator(world) -> ImpactIndicator:
    put_project_in(world.project, S.IMPLEMENTATION)
    return ImpactIndicator.objects.create(
        project=world.project, name="Waktu tunggu", unit="menit", baseline=180, target=30
    )


def _measure(client, indicator, headers, **body):
    return client.post(
        f"/api/v1/indicators/{indicator.pk}/measurements",
        {"value": "95.5", "measured_on": "2026-11-20", **body},
        content_type="application/json",
        headers=headers,
    )


@time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0), tick=False)
@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("participant", 201),
        ("coach", 403),
        ("mentor", 403),
        ("organiser", 403),
        ("other_participant", 404),
        ("stranger", 404),
    ],
)
def test_the_participant_records_a_measurement(client, world, bearer, indicator, persona, status):
    response = _measure(client, indicator, bearer(world.persona(persona)))
    assert response.status_code == status
    assert IndicatorMeasurement.objects.filter(indicator=indicator).count() == (status == 201)
    if status == 201:
        assert response.json()["value"] == "95.50"


@time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0), tick=False)
def test_a_future_measurement_is_refused_in_the_pages_words(client, world, bearer, indicator):
    response = _measure(client, indicator, bearer(world.participant), measured_on="2026-12-25")
    assert response.status_code == 400
    assert response.json()["detail"] == "Tanggal pengukuran tidak boleh di masa depan."


# --- participant import as JSON -------------------------------------------------------------------


def _row(world, **extra) -> dict:
    return {
        "nip": NEW_NIP,
        "full_name": "Citra Peserta Baru",
        "email": "citra@jejak.example",
        "agency_code": "DINAS",
        "position": "Kepala Seksi Pelayanan",
        "mentor_nip": world.mentor.nip,
        "coach_username": "coach",
        **extra,
    }


def _import(client, cohort, headers, rows, confirm=False):
    return client.post(
        f"/api/v1/cohorts/{cohort.pk}/participants/import",
        {"rows": rows, "confirm": confirm},
        content_type="application/json",
        headers=headers,
    )


def _counts() -> tuple[int, int]:
    return User.objects.count(), ChangeProject.objects.count()


def test_a_dry_run_previews_and_writes_nothing(client, world, bearer):
    before = _counts()
    response = _import(client, world.cohort, bearer(world.organiser), [_row(world)])
    assert response.status_code == 200
    body = response.json()
    assert (body["saved"], body["ok"], body["counts"]["new"]) == (False, True, 1)
    assert body["rows"][0]["action_label"] == "Akun dan proyek baru"
    assert _counts() == before


def test_confirm_writes_and_a_second_confirm_changes_nothing(client, world, bearer):
    headers = bearer(world.organiser)
    before_users, before_projects = _counts()
    first = _import(client, world.cohort, headers, [_row(world)], confirm=True)
    assert first.status_code == 200
    assert first.json()["saved"] is True
    created = User.objects.get(nip=NEW_NIP)
    project = ChangeProject.objects.get(participant=created, cohort=world.cohort)
    assert (project.coach, project.mentor) == (world.coach, world.mentor)
    assert _counts() == (before_users + 1, before_projects + 1)
    again = _import(client, world.cohort, headers, [_row(world)], confirm=True)
    assert again.status_code == 200
    assert again.json()["counts"]["unchanged"] == 1
    assert _counts() == (before_users + 1, before_projects + 1)


def test_rows_with_errors_are_explained_and_nothing_is_saved(client, world, bearer):
    before = _counts()
    response = _import(
        client,
        world.cohort,
        bearer(world.organiser),
        [_row(world, agency_code="TIDAK-ADA")],
        confirm=True,
    )
    assert response.status_code == 400
    body = response.json()
    assert body["saved"] is False
    assert body["error_count"] == 1
    assert body["rows"][0]["errors"]
    assert "tidak ada yang disimpan" in body["detail"]
    assert _counts() == before


def test_accounts_the_organiser_does_not_manage_are_linked_not_changed(client, world, bearer):
    # The mentor of another cohort's project is only linked: their account keeps its name.
    outsider = UserFactory(nip="198001012005011001", full_name="Nama Asli")
    ChangeProjectFactory(participant=outsider, cohort=CohortFactory(institution="Lain"))
    response = _import(
        client,
        world.cohort,
        bearer(world.organiser),
        [_row(world, nip=outsider.nip, full_name="Nama Palsu", email=outsider.email)],
        confirm=True,
    )
    assert response.status_code == 200, response.json()
    outsider.refresh_from_db()
    assert outsider.full_name == "Nama Asli"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("organiser", 200),
        ("admin", 403),
        ("coach", 404),
        ("participant", 404),
        ("stranger", 404),
    ],
)
def test_only_the_cohorts_organisers_import(client, world, bearer, persona, status):
    response = _import(client, world.cohort, bearer(world.persona(persona)), [_row(world)])
    assert response.status_code == status


def test_a_cohort_token_cannot_import_into_another_cohort(client, world, bearer):
    elsewhere = CohortFactory()
    elsewhere.organisers.add(world.organiser)
    headers = bearer(world.organiser, cohort=world.cohort)
    assert _import(client, elsewhere, headers, [_row(world)]).status_code == 404
    assert _import(client, world.cohort, headers, [_row(world)]).status_code == 200


def test_an_import_without_rows_or_with_control_characters_is_refused(client, world, bearer):
    headers = bearer(world.organiser)
    assert _import(client, world.cohort, headers, []).status_code == 400
    response = _import(client, world.cohort, headers, [_row(world, full_name="Citra\x07")])
    assert response.status_code == 400
    assert "karakter kendali" in response.json()["detail"]


@time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0), tick=False)
def test_a_retried_measurement_with_the_same_idempotency_key_records_once(
    client, world, bearer, indicator
):
    headers = {
        **bearer(world.participant),
        "Idempotency-Key": "5d0b6f0e-8a51-4b8e-9a8e-1c2d3e4f5a6b",
    }
    first = _measure(client, indicator, headers)
    again = _measure(client, indicator, headers)
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert IndicatorMeasurement.objects.filter(indicator=indicator).count() == 1
    # Without a key, each request is a new measurement.
    _measure(client, indicator, bearer(world.participant))
    assert IndicatorMeasurement.objects.filter(indicator=indicator).count() == 2


def test_a_body_that_is_not_json_is_refused_in_indonesian(client, world, bearer):
    response = client.post(
        f"/api/v1/projects/{world.project.pk}/transitions",
        "name=withdraw",
        content_type="application/json",
        headers=bearer(world.organiser),
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Kirim isi permintaan sebagai JSON")
