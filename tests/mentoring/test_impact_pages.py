"""The impact pages: who sees which answers, the survey page, the organiser's tools."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from mentoring.models import Question, SurveyResponse, SurveyRound
from mentoring.selectors import current_questionnaire
from tests.html import element
from tests.mentoring.impact import answer, in_monitoring
from tests.milestones.factories import put_project_in
from tracker.models import ChangeProject

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
IN_ROUND = datetime.datetime(2026, 7, 20, 9, 0, tzinfo=JAKARTA)
S = ChangeProject.State
ALUMNI_TEXT = "Layanan daring dipertahankan oleh alumni."
MENTOR_TEXT = "Catatan rahasia mentor tentang alumni."


def _monitoring(client, user, project):
    client.force_login(user)
    return client.get(reverse("mentoring:monitoring", args=[project.pk]))


@pytest.fixture
def answered(world):
    """Round 1 answered by both; the alumnus's free text and the mentor's own note."""
    with time_machine.travel(IN_ROUND, tick=False):
        first, _final = in_monitoring(world.project)
        answer(first, world.participant, carry_on=ALUMNI_TEXT, progress=5)
        answer(first, world.mentor, **{"": MENTOR_TEXT, "progress": 3})
    return first


def _rounds_text(response) -> str:
    return element(response.content.decode(), "rounds").text


@pytest.mark.parametrize("persona", ["organiser", "coach", "mentor", "admin"])
def test_organiser_coach_and_mentor_read_every_answer_with_free_text(
    client, world, answered, persona
):
    text = _rounds_text(_monitoring(client, world.persona(persona), world.project))
    assert ALUMNI_TEXT in text
    assert MENTOR_TEXT in text
    assert "5 · Sangat Baik" in text


def test_participant_reads_own_answers_but_not_the_mentors(client, world, answered):
    text = _rounds_text(_monitoring(client, world.participant, world.project))
    assert ALUMNI_TEXT in text
    assert "5 · Sangat Baik" in text
    assert MENTOR_TEXT not in text
    assert "3 · Cukup" not in text
    assert "Terkirim" in text  # the mentor's status is still shown


def test_participant_reads_the_mentors_answers_when_shared_but_not_their_free_text(
    client, world, answered
):
    mentor_version = SurveyResponse.objects.get(round=answered, role="mentor").questionnaire
    mentor_version.shares_answers = True
    mentor_version.save()
    text = _rounds_text(_monitoring(client, world.participant, world.project))
    assert "3 · Cukup" in text
    assert MENTOR_TEXT not in text


def test_agency_head_reads_the_scores_but_no_free_text(client, world, answered):
    text = _rounds_text(_monitoring(client, world.agency_head, world.project))
    assert "5 · Sangat Baik" in text
    assert ALUMNI_TEXT not in text
    assert MENTOR_TEXT not in text


def test_examiner_sees_who_answered_but_no_answers(client, world, answered):
    text = _rounds_text(_monitoring(client, world.examiner, world.project))
    assert "Terkirim" in text
    assert "Sangat Baik" not in text


def test_monitoring_page_is_404_outside_scope(client, world, answered):
    assert _monitoring(client, world.other_participant, world.project).status_code == 404
    assert _monitoring(client, world.stranger, world.project).status_code == 404


@time_machine.travel(IN_ROUND, tick=False)
def test_participant_saves_a_draft_then_submits_on_the_survey_page(client, world):
    first, _final = in_monitoring(world.project)
    questionnaire = current_questionnaire(world.cohort, "alumni")
    url = reverse("mentoring:survey-answer", args=[world.project.pk, first.pk])
    client.force_login(world.participant)
    page = client.get(url)
    assert page.status_code == 200
    assert "Bagaimana progres aksi perubahan Anda" in page.content.decode()
    progress = questionnaire.questions.get(topic="progress")
    response = client.post(url, {f"q{progress.pk}": "4", "action": "draft"})
    assert response.status_code == 302
    assert response["Location"] == url
    draft = SurveyResponse.objects.get(round=first, role="participant")
    assert draft.state == SurveyResponse.State.DRAFT
    # The draft comes back filled in.
    assert re.search(
        rf'name="q{progress.pk}" value="4"[^>]*checked', client.get(url).content.decode()
    )
    # Submitting with required questions missing is refused with the reason, and keeps the draft.
    refused = client.post(url, {f"q{progress.pk}": "4", "action": "submit"})
    assert refused.status_code == 400
    assert "Pertanyaan wajib belum dijawab" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.state == SurveyResponse.State.DRAFT
    data = {"action": "submit"}
    for question in questionnaire.questions.all():
        name = f"q{question.pk}"
        if question.kind == Question.Kind.SCALE:
            data[name] = "4"
        elif question.kind == Question.Kind.SINGLE:
            data[name] = "expanded"
        elif question.kind == Question.Kind.MULTIPLE:
            data[name] = ["funds", "other"]
        elif question.kind == Question.Kind.YES_NO:
            data[name] = "yes"
            data[f"{name}_follow_up"] = "Tonggak perluasan sudah terlaksana."
    done = client.post(url, data)
    assert done.status_code == 302
    assert done["Location"] == reverse("mentoring:monitoring", args=[world.project.pk])
    draft.refresh_from_db()
    assert draft.state == SurveyResponse.State.SUBMITTED
    barriers = draft.answers.get(question__topic="barriers")
    assert barriers.value == ["funds", "other"]
    continued = draft.answers.get(question__topic="continued")
    assert (continued.value, continued.follow_up) == (True, "Tonggak perluasan sudah terlaksana.")
    # Once sent, the page says so and offers no form.
    after = client.get(url).content.decode()
    assert "Jawaban Anda terkirim" in after
    assert 'value="submit"' not in after


@time_machine.travel(IN_ROUND, tick=False)
def test_survey_page_refuses_people_it_does_not_ask(client, world):
    first, _final = in_monitoring(world.project)
    url = reverse("mentoring:survey-answer", args=[world.project.pk, first.pk])
    for person, status in ((world.coach, 403), (world.agency_head, 403), (world.stranger, 404)):
        client.force_login(person)
        assert client.get(url).status_code == status
        assert client.post(url, {"action": "submit"}).status_code == status
    assert not SurveyResponse.objects.exists()


@time_machine.travel(IN_ROUND, tick=False)
def test_a_round_of_another_project_is_404(client, world):
    in_monitoring(world.project)
    other_rounds = in_monitoring(world.other_project)
    client.force_login(world.participant)
    url = reverse("mentoring:survey-answer", args=[world.project.pk, other_rounds[0].pk])
    assert client.get(url).status_code == 404


@time_machine.travel(IN_ROUND, tick=False)
def test_tindakan_anda_lists_the_round_waiting_for_this_person(client, world):
    first, _final = in_monitoring(world.project)
    client.force_login(world.mentor)
    actions = element(client.get(world.project.get_absolute_url()).content.decode(), "actions")
    url = reverse("mentoring:survey-answer", args=[world.project.pk, first.pk])
    assert ("Isi survei pascapelatihan", url) in actions.links
    answer(first, world.mentor)
    actions = element(client.get(world.project.get_absolute_url()).content.decode(), "actions")
    assert ("Isi survei pascapelatihan", url) not in actions.links


@time_machine.travel(datetime.datetime(2026, 1, 15, 9, 0, tzinfo=JAKARTA), tick=False)
def test_closing_training_from_the_project_page_schedules_the_rounds(client, world):
    put_project_in(world.project, S.PASSED)
    client.force_login(world.organiser)
    page = client.get(world.project.get_absolute_url()).content.decode()
    url = reverse("mentoring:close-training", args=[world.project.pk])
    assert f'action="{url}"' in page
    response = client.post(url, {"expected_state": S.PASSED})
    assert response.status_code == 302
    world.project.refresh_from_db()
    assert world.project.state == S.MONITORING
    assert SurveyRound.objects.filter(project=world.project).count() == 2
    client.force_login(world.mentor)
    assert client.post(url, {"expected_state": S.MONITORING}).status_code == 403


@time_machine.travel(IN_ROUND, tick=False)
def test_organiser_manages_a_round_from_the_page(client, world):
    first, final = in_monitoring(world.project)
    client.force_login(world.organiser)
    base = [world.project.pk, first.pk]
    extended = client.post(
        reverse("mentoring:round-extend", args=base), {"due_on": "2026-09-30", "comment": "Cuti"}
    )
    assert extended.status_code == 302
    first.refresh_from_db()
    assert first.due_on == datetime.date(2026, 9, 30)
    too_early = client.post(reverse("mentoring:round-extend", args=base), {"due_on": "2026-09-01"})
    assert too_early.status_code == 400
    assert "Batas baru harus sesudah" in too_early.content.decode()
    excused = client.post(
        reverse("mentoring:round-excuse", args=base), {"role": "mentor", "reason": "Pensiun."}
    )
    assert excused.status_code == 302
    opened = client.post(reverse("mentoring:round-open", args=[world.project.pk, final.pk]))
    assert opened.status_code == 302
    final.refresh_from_db()
    assert final.opens_on == datetime.date(2026, 7, 20)
    page = _rounds_text(_monitoring(client, world.organiser, world.project))
    assert "Batas diperpanjang" in page and "Pensiun." in page and "Dibuka lebih awal" in page
    client.force_login(world.mentor)
    forbidden = client.post(reverse("mentoring:round-extend", args=base), {"due_on": "2026-12-1"})
    assert forbidden.status_code == 403


@time_machine.travel(datetime.datetime(2027, 1, 20, 9, 0, tzinfo=JAKARTA), tick=False)
def test_organiser_completes_the_review_only_once_the_last_round_is_in(client, world):
    _first, final = in_monitoring(world.project)
    url = reverse("mentoring:complete-impact-review", args=[world.project.pk])
    data = {
        "expected_state": S.MONITORING,
        "outcome": "sustained",
        "barriers": ["funds"],
        "summary": "Layanan daring menjadi standar dinas.",
    }
    client.force_login(world.organiser)
    page = client.get(reverse("mentoring:monitoring", args=[world.project.pk])).content.decode()
    assert "Putaran survei akhir belum dijawab" in page
    refused = client.post(url, data)
    assert refused.status_code == 400
    world.project.refresh_from_db()
    assert world.project.state == S.MONITORING
    answer(final, world.participant)
    answer(final, world.mentor)
    done = client.post(url, data)
    assert done.status_code == 302
    world.project.refresh_from_db()
    assert world.project.state == S.COMPLETED
    conclusion = element(client.get(done["Location"]).content.decode(), "conclusion").text
    assert "Berkelanjutan" in conclusion and "Keterbatasan anggaran" in conclusion
    client.force_login(world.coach)
    assert client.post(url, data).status_code == 403


@time_machine.travel(IN_ROUND, tick=False)
def test_signatories_record_their_commitment_on_the_page(client, world):
    in_monitoring(world.project)
    url = reverse("mentoring:commitment-record", args=[world.project.pk])
    client.force_login(world.agency_head)
    assert client.post(url).status_code == 302
    assert client.post(url).status_code == 400  # once
    client.force_login(world.coach)
    assert client.post(url).status_code == 403
    page = element(
        _monitoring(client, world.organiser, world.project).content.decode(), "commitment"
    )
    assert "Kepala instansi: Ahmad Kepala" in page.text


def test_organiser_edits_a_questionnaire_into_a_new_version(client, world):
    shared = current_questionnaire(world.cohort, "alumni")
    url = reverse("mentoring:questionnaire-edit", args=[shared.pk])
    client.force_login(world.organiser)
    assert client.get(reverse("mentoring:questionnaire-list")).status_code == 200
    page = client.get(url)
    assert page.status_code == 200
    data = {
        "name": "Kuesioner alumni lembaga",
        "questions-TOTAL_FORMS": "2",
        "questions-INITIAL_FORMS": "1",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
        "questions-0-order": "1",
        "questions-0-kind": "scale",
        "questions-0-topic": "progress",
        "questions-0-text": "Kemajuan aksi perubahan?",
        "questions-0-required": "on",
        "questions-0-choice_lines": "5 = Sangat Baik\n1 = Sangat Kurang",
        "questions-1-order": "2",
        "questions-1-kind": "long_text",
        "questions-1-text": "Catatan",
        "questions-1-choice_lines": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    edited = current_questionnaire(world.cohort, "alumni")
    assert (edited.version, edited.name, edited.institution) == (
        2,
        "Kuesioner alumni lembaga",
        world.cohort.institution,
    )
    assert [q.text for q in edited.questions.order_by("order")] == [
        "Kemajuan aksi perubahan?",
        "Catatan",
    ]
    assert edited.questions.get(order=1).choices == [[5, "Sangat Baik"], [1, "Sangat Kurang"]]
    bad = client.post(url, {**data, "questions-0-choice_lines": "7 = Luar biasa"})
    assert bad.status_code == 400
    assert "Nilai skala adalah angka 1 sampai 5" in bad.content.decode()
    client.force_login(world.participant)
    assert client.get(url).status_code == 403


@time_machine.travel(IN_ROUND, tick=False)
def test_the_project_timeline_shows_rounds_answers_and_indicator_values(client, world):
    from tracker.models import ImpactIndicator

    indicator = ImpactIndicator.objects.create(
        project=world.project, name="Waktu tunggu", unit="menit", baseline=60, target=15
    )
    first, _final = in_monitoring(world.project)
    answer(first, world.participant, indicators={str(indicator.pk): "20"})
    client.force_login(world.agency_head)
    timeline = element(client.get(world.project.get_absolute_url()).content.decode(), "timeline")
    assert "Dijadwalkan" in timeline.text
    assert "Jawaban dikirim" in timeline.text
    assert "Nilai indikator: Waktu tunggu" in timeline.text
    assert "20,00 menit (awal 60,00, target 15,00)" in timeline.text
