"""Seminars through the API: the organiser schedules and changes them, examiners score, with
the seminar form's checks and the services' refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from api.models import ApiToken
from mentoring.models import ProposalReview, RevisionItem, RubricScore
from mentoring.selectors import rubric_for
from tests.factories import CohortFactory, SeminarFactory, UserFactory
from tests.milestones.factories import put_project_in
from tracker.models import ChangeProject, PoolExaminer, Seminar

S = ChangeProject.State
KEY = "0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0"


def _body(world, **overrides) -> dict:
    return {
        "kind": "proposal",
        "starts_at": "2026-10-20T09:00:00+07:00",
        "place": "Aula Utama BPSDM",
        "examiners": [world.examiner.pk],
        "projects": [world.project.pk],
        **overrides,
    }


def _schedule(client, cohort, headers, body):
    return client.post(
        f"/api/v1/cohorts/{cohort.pk}/seminars",
        body,
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def waiting(world) -> ChangeProject:
    return put_project_in(world.project, S.PROPOSAL_SEMINAR)


def test_the_organiser_schedules_a_seminar_and_people_are_told(
    client, world, bearer, waiting, mailoutbox, run_tasks
):
    response = _schedule(client, world.cohort, bearer(world.organiser), _body(world))
    assert response.status_code == 201, response.json()
    run_tasks()
    body = response.json()
    seminar = Seminar.objects.get(pk=body["id"])
    assert (seminar.cohort, seminar.kind, seminar.place) == (
        world.cohort,
        Seminar.Kind.PROPOSAL,
        "Aula Utama BPSDM",
    )
    assert list(seminar.examiners.all()) == [world.examiner]
    assert list(seminar.projects.all()) == [world.project]
    assert body["examiners"] == [{"id": world.examiner.pk, "full_name": "Bambang Penguji"}]
    # A proposal seminar is scored by the proposal rubric of the cohort's programme.
    assert [c["id"] for c in body["criteria"]] == [c.pk for c in rubric_for(seminar).criteria.all()]
    assert sorted(mail.to[0] for mail in mailoutbox) == sorted(
        [world.examiner.email, world.participant.email]
    )


def test_a_retried_schedule_with_the_same_key_makes_one_seminar(client, world, bearer, waiting):
    headers = {**bearer(world.organiser), "Idempotency-Key": KEY}
    before = Seminar.objects.count()
    first = _schedule(client, world.cohort, headers, _body(world))
    again = _schedule(client, world.cohort, headers, _body(world))
    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Seminar.objects.count() == before + 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"examiners": []}, "Pilih minimal satu penguji."),
        ({"kind": "gala"}, "gala"),
        ({"place": "x" * 201}, "200"),
        (
            {"projects": ["OTHER"]},
            "Proyek yang dipilih tidak berstatus sesuai jenis seminar ini",
        ),
        (
            {"examiners": ["PARTICIPANT"]},
            "Penguji yang dipilih tidak dapat menguji seminar angkatan ini.",
        ),
    ],
)
def test_a_seminar_is_checked_like_the_form(client, world, bearer, waiting, overrides, message):
    replace = {"OTHER": world.other_project.pk, "PARTICIPANT": world.participant.pk}
    for name, value in overrides.items():
        if isinstance(value, list):
            overrides[name] = [replace.get(item, item) for item in value]
    before = Seminar.objects.count()
    response = _schedule(client, world.cohort, bearer(world.organiser), _body(world, **overrides))
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert Seminar.objects.count() == before


def test_the_coach_of_a_project_cannot_examine_it(client, world, bearer, waiting):
    PoolExaminer.objects.create(institution=world.cohort.institution, person=world.coach)
    response = _schedule(
        client, world.cohort, bearer(world.organiser), _body(world, examiners=[world.coach.pk])
    )
    assert response.status_code == 400
    assert "tidak dapat mengujinya" in response.json()["detail"]


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("organiser", 201),
        ("admin", 403),
        ("examiner", 404),
        ("coach", 404),
        ("participant", 404),
        ("agency_head", 404),
        ("stranger", 404),
    ],
)
def test_who_may_schedule(client, world, bearer, waiting, persona, status):
    before = Seminar.objects.count()
    response = _schedule(client, world.cohort, bearer(world.persona(persona)), _body(world))
    assert response.status_code == status
    assert Seminar.objects.count() == before + (status == 201)


def test_scheduling_needs_a_write_token_and_the_tokens_cohort(client, world, bearer, waiting):
    read_only = bearer(world.organiser, ApiToken.Scope.READ)
    assert _schedule(client, world.cohort, read_only, _body(world)).status_code == 403
    elsewhere = CohortFactory()
    elsewhere.organisers.add(world.organiser)
    narrow = bearer(world.organiser, cohort=elsewhere)
    assert _schedule(client, world.cohort, narrow, _body(world)).status_code == 404


# --- reading and changing one seminar ----------------------------------------------------------


def _seminar(world) -> Seminar:
    return Seminar.objects.get(projects=world.project)


def _update(client, seminar, headers, body):
    return client.put(
        f"/api/v1/seminars/{seminar.pk}", body, content_type="application/json", headers=headers
    )


def test_the_organiser_moves_a_seminar_and_its_kind_stays(client, world, bearer, waiting):
    seminar = _seminar(world)
    response = _update(
        client,
        seminar,
        bearer(world.organiser),
        _body(world, kind="results", place="Ruang Rapat 3"),
    )
    assert response.status_code == 200, response.json()
    seminar.refresh_from_db()
    assert (seminar.place, seminar.kind) == ("Ruang Rapat 3", Seminar.Kind.PROPOSAL)
    assert response.json()["place"] == "Ruang Rapat 3"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("organiser", 200),
        ("examiner", 403),
        ("admin", 403),
        ("coach", 404),
        ("participant", 404),
        ("stranger", 404),
    ],
)
def test_who_may_change_a_seminar(client, world, bearer, waiting, persona, status):
    seminar = _seminar(world)
    response = _update(
        client, seminar, bearer(world.persona(persona)), _body(world, place="Ruang Rapat 3")
    )
    assert response.status_code == status
    seminar.refresh_from_db()
    assert (seminar.place == "Ruang Rapat 3") == (status == 200)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("examiner", 200),
        ("organiser", 200),
        ("admin", 200),
        ("coach", 404),
        ("mentor", 404),
        ("participant", 404),
        ("agency_head", 404),
        ("stranger", 404),
    ],
)
def test_who_may_read_a_seminar(client, world, bearer, persona, status):
    seminar = _seminar(world)
    response = client.get(f"/api/v1/seminars/{seminar.pk}", headers=bearer(world.persona(persona)))
    assert response.status_code == status


# --- scores ---------------------------------------------------------------------------------------


@pytest.fixture
def results_seminar(world) -> Seminar:
    put_project_in(world.project, S.RESULTS_SEMINAR)
    seminar = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    seminar.examiners.add(world.examiner)
    seminar.projects.add(world.project)
    return seminar


def _criteria(client, world, seminar) -> list[dict]:
    response = client.get(f"/api/v1/seminars/{seminar.pk}", headers=_headers(world))
    return response.json()["criteria"]


def _headers(world):
    from api import services

    token = services.token_create(by=world.examiner, name="Uji", scope=ApiToken.Scope.WRITE)
    return {"Authorization": f"Bearer {token.plain}"}


def _score(client, world, seminar, headers, scores):
    return client.put(
        f"/api/v1/seminars/{seminar.pk}/projects/{world.project.pk}/scores",
        {"scores": scores},
        content_type="application/json",
        headers=headers,
    )


def _full(criteria, percent=80) -> list[dict]:
    return [
        {"criterion": c["id"], "score": str(Decimal(c["max_score"]) * percent / 100)}
        for c in criteria
    ]


def test_the_examiner_scores_every_criterion_and_may_correct_it(client, world, results_seminar):
    criteria = _criteria(client, world, results_seminar)
    rubric = rubric_for(results_seminar)
    assert [c["id"] for c in criteria] == [c.pk for c in rubric.criteria.all()]
    headers = _headers(world)
    response = _score(client, world, results_seminar, headers, _full(criteria, 80))
    assert response.status_code == 200, response.json()
    assert len(response.json()["scores"]) == len(criteria)
    again = _score(client, world, results_seminar, headers, _full(criteria, 90))
    assert again.status_code == 200
    stored = RubricScore.objects.filter(seminar=results_seminar, examiner=world.examiner)
    assert stored.count() == len(criteria)
    first = rubric.criteria.all()[0]
    assert stored.get(criterion=first).score == first.max_score * Decimal("0.9")


def test_a_score_out_of_range_is_refused_in_the_forms_words(client, world, results_seminar):
    criteria = _criteria(client, world, results_seminar)
    scores = _full(criteria)
    scores[0]["score"] = str(Decimal(criteria[0]["max_score"]) + 1)
    response = _score(client, world, results_seminar, _headers(world), scores)
    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"Nilai “{criteria[0]['name']}” harus antara 0")
    assert not RubricScore.objects.exists()


def test_missing_or_unknown_criteria_are_refused(client, world, results_seminar):
    criteria = _criteria(client, world, results_seminar)
    headers = _headers(world)
    missing = _score(client, world, results_seminar, headers, _full(criteria)[1:])
    assert missing.status_code == 400
    assert missing.json()["detail"].startswith("Isi nilai")
    unknown = _score(
        client, world, results_seminar, headers, [*_full(criteria), {"criterion": 1, "score": 1}]
    )
    assert unknown.status_code == 400
    assert unknown.json()["detail"] == "Isi satu nilai untuk setiap kriteria rubrik."
    assert not RubricScore.objects.exists()


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("examiner", 200),
        ("organiser", 403),
        ("admin", 403),
        ("coach", 404),
        ("participant", 404),
        ("stranger", 404),
    ],
)
def test_who_may_score(client, world, bearer, results_seminar, persona, status):
    criteria = _criteria(client, world, results_seminar)
    response = _score(
        client, world, results_seminar, bearer(world.persona(persona)), _full(criteria)
    )
    assert response.status_code == status
    assert RubricScore.objects.exists() == (status == 200)


def test_a_proposal_sheet_carries_the_examiners_decision_and_revisions(
    client, world, bearer, waiting
):
    seminar = _seminar(world)
    criteria = _criteria(client, world, seminar)
    headers = bearer(world.examiner)
    url = f"/api/v1/seminars/{seminar.pk}/projects/{world.project.pk}/scores"

    def sheet(**extra):
        return client.put(
            url,
            {"scores": _full(criteria), **extra},
            content_type="application/json",
            headers=headers,
        )

    undecided = sheet()
    assert undecided.status_code == 400
    assert undecided.json()["detail"] == "Pilih keputusan Anda atas rancangan ini."
    unexplained = sheet(decision="revision")
    assert unexplained.status_code == 400
    assert unexplained.json()["detail"].startswith("Tulis perbaikan yang Anda minta")
    assert not RubricScore.objects.exists()
    saved = sheet(decision="revision", revisions=["Lengkapi peta pemangku kepentingan."])
    assert saved.status_code == 200, saved.json()
    review = ProposalReview.objects.get(seminar=seminar, examiner=world.examiner)
    assert review.decision == "revision"
    assert list(RevisionItem.objects.filter(seminar=seminar).values_list("text", flat=True)) == [
        "Lengkapi peta pemangku kepentingan."
    ]


def test_an_examiner_of_another_seminar_cannot_score_here(client, world, results_seminar):
    outsider = UserFactory(username="examiner3")
    PoolExaminer.objects.create(institution=world.cohort.institution, person=outsider)
    from api import services

    token = services.token_create(by=outsider, name="Uji", scope=ApiToken.Scope.WRITE)
    response = _score(
        client, world, results_seminar, {"Authorization": f"Bearer {token.plain}"}, []
    )
    assert response.status_code == 404
