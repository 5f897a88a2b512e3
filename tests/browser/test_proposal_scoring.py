"""An examiner scores the proposal seminar in the browser, records the combined decision, and the
participant commits to the revisions it requires."""

from __future__ import annotations

import pytest

from mentoring.models import ProposalSeminarResult, RevisionItem
from mentoring.selectors import rubric_for
from tests.browser.chromium import import_or_skip
from tests.mentoring.conftest import put_in_state
from tracker.models import ChangeProject, Seminar

expect = import_or_skip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_examiner_scores_the_proposal_seminar_and_the_participant_commits(new_page, world):
    put_in_state(world.project, ChangeProject.State.PROPOSAL_SEMINAR)
    seminar = Seminar.objects.get(projects=world.project, kind=Seminar.Kind.PROPOSAL)
    criteria = list(rubric_for(seminar).criteria.all())

    page = new_page(user=world.examiner)
    page.goto(world.project.get_absolute_url())
    page.locator("#seminars").get_by_role("link", name="Isi nilai").click()
    expect(page.get_by_role("heading", name="Penilaian seminar rancangan")).to_be_visible()
    form = page.locator("#score-form")
    for criterion in criteria:
        form.get_by_label(criterion.name).fill("70")
    form.get_by_label("Diterima dengan perbaikan").check()
    form.get_by_label("Perbaikan yang diminta, satu per baris").fill(
        "Lengkapi peta pemangku kepentingan.\nTambahkan indikator waktu tunggu."
    )
    form.get_by_role("button", name="Simpan nilai").click()

    swapped = page.locator("#score-form")
    expect(swapped.get_by_role("status")).to_contain_text("tersimpan")
    expect(swapped.get_by_text("Keputusan bersama: Diterima dengan perbaikan")).to_be_visible()
    swapped.get_by_role("link", name="Tetapkan hasil").click()
    page.get_by_role("button", name="Catat hasil seminar").click()
    expect(
        page.get_by_text("Hasil seminar rancangan tercatat: Diterima dengan perbaikan")
    ).to_be_visible()

    world.project.refresh_from_db()
    assert world.project.state == ChangeProject.State.IMPLEMENTATION
    assert ProposalSeminarResult.objects.get().decision == "revision"
    assert RevisionItem.objects.count() == 2

    participant = new_page(user=world.participant)
    participant.goto(world.project.get_absolute_url())
    commitment = participant.locator("#revision-commitment")
    expect(commitment.get_by_text("Tambahkan indikator waktu tunggu.")).to_be_visible()
    commitment.get_by_role("button", name="Nyatakan komitmen perbaikan").click()
    expect(
        participant.locator("#revision-commitment").get_by_text(
            "Peserta menyatakan komitmen perbaikan pada"
        )
    ).to_be_visible()
    assert ProposalSeminarResult.objects.get().committed_at is not None
