"""The participant's home card: "Langkah berikutnya" names the survey round waiting for their
answers and links to it, while the round is open and unanswered."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from mentoring.services import round_excuse
from tests.factories import ChangeProjectFactory
from tests.html import element
from tests.mentoring.impact import answer, in_monitoring

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
HOME = reverse("tracker:home")


def _on(day: datetime.date):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(9), tzinfo=JAKARTA), tick=False
    )


@pytest.fixture
def first_round(world):
    first, _final = in_monitoring(world.project)  # opens 15 July 2026, due 14 August 2026
    return first


def _next_step(client):
    return element(client.get(HOME).content.decode(), tag="p", cls="next-step")


def test_an_open_round_is_the_next_step_with_a_link_to_it(client, world, first_round):
    client.force_login(world.participant)

    with _on(datetime.date(2026, 8, 1)):
        step = _next_step(client)

    url = reverse("mentoring:survey-answer", args=[world.project.pk, first_round.pk])
    assert step.links == [("Isi survei pascapelatihan Putaran 1 (6 bulan)", url)]
    assert "Putaran 1 (6 bulan). Batas pengisian 14 Agustus 2026." in step.text


def test_past_the_due_date_a_late_answer_is_still_welcome(client, world, first_round):
    client.force_login(world.participant)

    with _on(datetime.date(2026, 8, 20)):
        step = _next_step(client)

    assert "Batasnya 14 Agustus 2026 sudah lewat; jawaban terlambat tetap diterima." in step.text


def test_no_survey_before_the_round_opens_or_once_answered(client, world, first_round):
    client.force_login(world.participant)
    with _on(datetime.date(2026, 7, 10)):
        assert "survei" not in _next_step(client).text

    with _on(datetime.date(2026, 8, 1)):
        answer(first_round, world.participant)
        step = _next_step(client)

    assert "survei" not in step.text and step.links == []
    assert "Catat capaian tonggak jangka menengah dan panjang" in step.text


def test_an_excused_alumnus_is_not_asked(client, world, first_round):
    client.force_login(world.participant)

    with _on(datetime.date(2026, 8, 1)):
        round_excuse(
            survey_round=first_round,
            by=world.organiser,
            role="participant",
            reason="Tugas belajar.",
        )
        step = _next_step(client)

    assert "survei" not in step.text


def test_the_mentors_own_answer_does_not_settle_the_alumnus_round(client, world, first_round):
    client.force_login(world.participant)

    with _on(datetime.date(2026, 8, 1)):
        answer(first_round, world.mentor)
        step = _next_step(client)

    assert "Isi survei pascapelatihan Putaran 1" in step.text


def test_the_query_count_does_not_grow_with_rounds(
    client, world, first_round, django_assert_num_queries
):
    client.force_login(world.participant)
    with _on(datetime.date(2026, 8, 1)), django_assert_num_queries(10):
        client.get(HOME)
    for _ in range(3):
        in_monitoring(ChangeProjectFactory(participant=world.participant))

    with _on(datetime.date(2026, 8, 1)), django_assert_num_queries(10):
        page = client.get(HOME).content.decode()

    assert page.count("Isi survei pascapelatihan Putaran 1") == 4
