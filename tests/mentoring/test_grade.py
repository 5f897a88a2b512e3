from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from mentoring.models import RubricScore, SeminarGrade
from mentoring.selectors import rubric_for
from tests.mentoring.conftest import fill_scores
from tracker.models import ChangeProject, ProgrammeRules, TransitionLog
from tracker.services import project_resubmit

S = ChangeProject.State
TODAY = datetime.datetime(2027, 1, 7, 10, 0, tzinfo=datetime.UTC)


def _url(seminar, project) -> str:
    return reverse("mentoring:grade-project", args=[seminar.pk, project.pk])


def _grade(client, seminar, project, **data):
    return client.post(_url(seminar, project), {"expected_state": S.RESULTS_SEMINAR, **data})


def _unchanged(project) -> None:
    project.refresh_from_db()
    assert project.state == S.RESULTS_SEMINAR
    assert not SeminarGrade.objects.exists()
    assert not TransitionLog.objects.filter(project=project).exists()


@pytest.fixture
def scored(world, results_seminar, second_examiner):
    """Both examiners scored the project: returns a function taking their two totals."""

    def score(first, second):
        fill_scores(results_seminar, world.project, world.examiner, first)
        fill_scores(results_seminar, world.project, second_examiner, second)

    return score


def test_grading_is_refused_while_an_examiner_has_not_scored(client, world, results_seminar):
    fill_scores(results_seminar, world.project, world.examiner, 90)
    client.force_login(world.examiner)
    page = client.get(_url(results_seminar, world.project)).content.decode()
    assert "Nilai belum lengkap: Dewi Penguji Kedua belum mengisi semua kriteria." in page
    response = _grade(client, results_seminar, world.project)
    assert response.status_code == 400
    assert "Nilai belum lengkap: Dewi Penguji Kedua" in response.content.decode()
    _unchanged(world.project)


def test_grading_is_refused_while_a_score_sheet_is_partial(
    client, world, results_seminar, second_examiner, scored
):
    scored(90, 90)
    # A criterion added to the rubric after scoring leaves every sheet incomplete.
    rubric_for(results_seminar).criteria.create(name="Kriteria tambahan", weight=Decimal(5))
    client.force_login(world.examiner)
    response = _grade(client, results_seminar, world.project)
    assert response.status_code == 400
    assert "Nilai belum lengkap" in response.content.decode()
    _unchanged(world.project)


@time_machine.travel(TODAY, tick=False)
def test_complete_scores_above_the_deferral_bands_pass(
    client, world, results_seminar, scored, mailoutbox, run_tasks
):
    scored(80, 90)
    client.force_login(world.examiner)
    response = _grade(client, results_seminar, world.project, comment="Dampak nyata.")
    run_tasks()
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.state == S.PASSED
    assert world.project.deferral_deadline is None
    grade = SeminarGrade.objects.get()
    assert (grade.score, grade.predikat, grade.outcome) == (Decimal(85), "Memuaskan", S.PASSED)
    assert (grade.seminar, grade.decided_by, grade.notes) == (
        results_seminar,
        world.examiner,
        "Dampak nyata.",
    )
    log = TransitionLog.objects.get(project=world.project)
    assert (log.transition, log.to_state, log.comment) == ("grade", S.PASSED, "Dampak nyata.")
    assert world.participant.email in [mail.to[0] for mail in mailoutbox]


@time_machine.travel(TODAY, tick=False)
def test_a_deferral_band_defers_with_a_resubmission_deadline(
    client, world, results_seminar, scored
):
    scored(60, 65)
    client.force_login(world.examiner)
    assert _grade(client, results_seminar, world.project).status_code == 302
    world.project.refresh_from_db()
    assert world.project.state == S.DEFERRED
    assert world.project.deferral_deadline == datetime.date(2027, 2, 6)
    grade = SeminarGrade.objects.get()
    assert (grade.predikat, grade.outcome) == ("Kurang Memuaskan", S.DEFERRED)


@time_machine.travel(TODAY, tick=False)
def test_the_deferral_window_comes_from_the_programme_rules(client, world, results_seminar, scored):
    ProgrammeRules.objects.filter(programme=world.cohort.programme).update(deferral_days=14)
    scored(50, 50)
    client.force_login(world.examiner)
    _grade(client, results_seminar, world.project)
    world.project.refresh_from_db()
    assert world.project.deferral_deadline == datetime.date(2027, 1, 21)


def test_a_low_score_never_fails_by_itself(client, world, results_seminar, scored):
    scored(10, 20)
    client.force_login(world.examiner)
    _grade(client, results_seminar, world.project)
    world.project.refresh_from_db()
    assert world.project.state == S.DEFERRED
    assert SeminarGrade.objects.get().predikat == "Tidak Memuaskan"


def test_failing_is_an_explicit_decision_with_a_reason(client, world, results_seminar, scored):
    scored(95, 95)
    client.force_login(world.examiner)
    reason = "Data capaian terbukti dipalsukan."
    response = _grade(client, results_seminar, world.project, fail="on", comment=reason)
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.state == S.FAILED
    grade = SeminarGrade.objects.get()
    assert (grade.outcome, grade.predikat, grade.notes) == (S.FAILED, "Sangat Memuaskan", reason)
    assert TransitionLog.objects.get(project=world.project).comment == reason


def test_failing_without_a_reason_is_refused(client, world, results_seminar, scored):
    scored(40, 40)
    client.force_login(world.examiner)
    response = _grade(client, results_seminar, world.project, fail="on", comment=" ")
    assert response.status_code == 400
    assert "Alasan wajib diisi bila proyek dinyatakan tidak lulus." in response.content.decode()
    _unchanged(world.project)


def test_a_stale_page_changes_nothing(client, world, results_seminar, scored):
    scored(85, 85)
    client.force_login(world.examiner)
    response = _grade(client, results_seminar, world.project, expected_state=S.REPORT_REVIEW)
    assert response.status_code == 409
    _unchanged(world.project)


def test_the_second_examiner_cannot_grade_twice(
    client, world, results_seminar, second_examiner, scored
):
    scored(85, 85)
    client.force_login(world.examiner)
    _grade(client, results_seminar, world.project)
    client.force_login(second_examiner)
    response = _grade(client, results_seminar, world.project)
    assert response.status_code == 409
    assert SeminarGrade.objects.count() == 1
    page = client.get(_url(results_seminar, world.project)).content.decode()
    assert "Lulus" in page
    assert "Memuaskan" in page


@pytest.mark.parametrize(
    ("persona", "status"),
    [("organiser", 403), ("admin", 403), ("participant", 404), ("mentor", 404), ("stranger", 404)],
)
def test_only_an_examiner_of_this_seminar_may_grade(
    client, world, results_seminar, scored, persona, status
):
    scored(85, 85)
    client.force_login(world.persona(persona))
    assert _grade(client, results_seminar, world.project).status_code == status
    _unchanged(world.project)


def test_deferred_project_is_resubmitted_and_scored_again_at_its_next_seminar(
    client, world, results_seminar, second_examiner, scored
):
    with time_machine.travel(TODAY, tick=False):
        scored(55, 55)
        client.force_login(world.examiner)
        _grade(client, results_seminar, world.project)
    with time_machine.travel(TODAY + datetime.timedelta(days=20)):
        world.project.refresh_from_db()
        project_resubmit(project=world.project, by=world.participant)
        assert world.project.state == S.RESULTS_SEMINAR

        # The old seminar's result stands: no new scores there.
        client.force_login(world.examiner)
        response = client.post(
            reverse("mentoring:score-project", args=[results_seminar.pk, world.project.pk]),
            {f"criterion_{c.pk}": "99" for c in rubric_for(results_seminar).criteria.all()},
        )
        assert response.status_code == 400

        # The organiser puts the project on a new results seminar.
        client.force_login(world.organiser)
        response = client.post(
            reverse("mentoring:seminar-create", args=[world.cohort.pk]),
            {
                "kind": "results",
                "starts_at": "2027-02-01T09:00",
                "place": "Aula Ujian Ulang",
                "examiners": [second_examiner.pk],
                "projects": [world.project.pk],
            },
        )
        assert response.status_code == 302
        retake = world.project.seminars.get(place="Aula Ujian Ulang")

        fill_scores(retake, world.project, second_examiner, 82)
        client.force_login(second_examiner)
        assert _grade(client, retake, world.project).status_code == 302

    world.project.refresh_from_db()
    assert world.project.state == S.PASSED
    assert list(
        SeminarGrade.objects.order_by("pk").values_list("seminar_id", "outcome", "score")
    ) == [
        (results_seminar.pk, S.DEFERRED, Decimal(55)),
        (retake.pk, S.PASSED, Decimal(82)),
    ]
    assert RubricScore.objects.filter(seminar=retake).count() == 6


def test_htmx_gets_the_grade_fragment(client, world, results_seminar, scored):
    scored(92, 94)
    client.force_login(world.examiner)
    response = client.post(
        _url(results_seminar, world.project),
        {"expected_state": S.RESULTS_SEMINAR},
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section class="card" id="grade-form"')
    assert "Hasil ditetapkan: Lulus, nilai 93 (Sangat Memuaskan)." in page
