"""On a 360 px phone the alumnus and the mentor answer a post-training round; the agency head
then sees the figures on the dashboard."""

from __future__ import annotations

import pytest
from django.utils import timezone

from mentoring.models import Question, SurveyResponse
from mentoring.selectors import current_questionnaire
from mentoring.services import add_months
from tests.browser.chromium import import_or_skip
from tests.mentoring.impact import in_monitoring

expect = import_or_skip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

PHONE = {"width": 360, "height": 780}
# What each respondent picks, by question topic (labels of the seeded default choices).
PICKS = {
    "alumni": {
        "progress": "Sangat Baik",
        "continued": "Ya",
        "sustainability": "Diperluas",
        "barriers": "Keterbatasan anggaran",
        "mentor_support": "Baik",
        "leadership_support": "Cukup",
    },
    "mentor": {
        "coordination": "Baik",
        "progress": "Baik",
        "behaviour": "Baik",
        "result": "Sangat Baik",
        "barriers": "Keterbatasan anggaran",
    },
}


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"


def _answer_on_a_phone(new_page, world, user, audience: str) -> None:
    page = new_page(user=user, viewport=PHONE)
    page.goto(world.project.get_absolute_url())
    page.locator("#actions").get_by_role("link", name="Isi survei pascapelatihan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Survei pascapelatihan")
    _no_sideways_scroll(page)
    questionnaire = current_questionnaire(world.cohort, audience)
    for question in questionnaire.questions.all():
        pick = PICKS[audience].get(question.topic)
        if pick is None:
            continue
        block = page.locator(f"#question-{question.pk}")
        block.get_by_label(pick, exact=True).check()
        if question.kind == Question.Kind.YES_NO:
            block.get_by_label(question.follow_up).fill("Perluasan ke dua rumah sakit.")
    page.get_by_role("button", name="Simpan draf").click()
    expect(page.locator(".message--success")).to_contain_text("Draf jawaban tersimpan")
    page.get_by_role("button", name="Kirim jawaban").click()
    expect(page.locator(".message--success")).to_contain_text("Jawaban Anda terkirim")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pemantauan pascapelatihan")
    _no_sideways_scroll(page)


def test_alumnus_and_mentor_answer_on_a_phone_and_the_agency_head_sees_the_figures(new_page, world):
    # Closed seven months ago: the 6-month round is open.
    in_monitoring(world.project, closed_on=add_months(timezone.localdate(), -7))

    _answer_on_a_phone(new_page, world, world.participant, "alumni")
    _answer_on_a_phone(new_page, world, world.mentor, "mentor")

    assert SurveyResponse.objects.filter(state="submitted").count() == 2
    page = new_page(user=world.agency_head, viewport=PHONE)
    page.goto("/")
    panel = page.locator(".impact-panel")
    expect(panel.get_by_role("heading", name="Setelah pelatihan")).to_be_visible()
    expect(panel).to_contain_text("100,0%")
    expect(panel).to_contain_text("Diperluas")
    expect(panel).to_contain_text("Keterbatasan anggaran")
    expect(panel.locator("svg[role=img]:visible").first).to_be_visible()
    _no_sideways_scroll(page)
