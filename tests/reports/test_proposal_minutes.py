"""The proposal seminar's minutes print each examiner's scores, the combined decision with its
rule and the revisions required; the results seminar's minutes print the commitment's check."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from mentoring.services import (
    revision_check,
    revision_commit,
    seminar_grade,
    seminar_record_proposal_result,
)
from reports.documents.seminar_minutes import seminar_minutes_data
from reports.services import issue_seminar_minutes
from tests.factories import SeminarFactory, UserFactory
from tests.mentoring.conftest import put_in_state, score_by_every_examiner, score_proposal
from tests.reports.conftest import approve_proposal, at
from tests.reports.test_services import _attached_csv, _pages_text, _read
from tracker.models import ChangeProject, PoolExaminer, Seminar

S = ChangeProject.State
REVISIONS = ["Lengkapi peta pemangku kepentingan.", "Tambahkan indikator waktu tunggu rujukan."]


def _fields(group) -> dict:
    return {item.key: item.value for item in group.fields}


@pytest.fixture
def second_examiner(world):
    examiner = UserFactory(username="examiner2", full_name="Dewi Penguji Kedua")
    PoolExaminer.objects.create(institution=world.cohort.institution, person=examiner)
    return examiner


@pytest.fixture
def revised(world, second_examiner) -> Seminar:
    """world.project accepted with revision at its proposal seminar on 5 October by two
    examiners (mean 75 under the default rule), and the participant's commitment."""
    project = approve_proposal(world)
    seminar = Seminar.objects.get(projects=project, kind=Seminar.Kind.PROPOSAL)
    Seminar.objects.filter(pk=seminar.pk).update(starts_at=at(5, 8, 30), place="Aula BPSDM")
    seminar.examiners.add(second_examiner)
    with time_machine.travel(at(5, 9, 30), tick=False):
        score_proposal(seminar, project, world.examiner, 80, "accepted")
    with time_machine.travel(at(5, 9, 40), tick=False):
        score_proposal(seminar, project, second_examiner, 70, "revision", REVISIONS)
    with time_machine.travel(at(5, 10), tick=False):
        seminar_record_proposal_result(seminar=seminar, project=project, by=world.examiner)
    with time_machine.travel(at(6, 8), tick=False):
        revision_commit(project=project, by=world.participant)
    return seminar


def test_proposal_minutes_data_carry_scores_decisions_rule_and_revisions(world, revised):
    minutes = seminar_minutes_data(revised, world.project)

    assert [row[:4] for row in minutes.scores.rows][:1] == [
        ("Kesesuaian dengan kebutuhan organisasi yang adaptif", Decimal(25), Decimal(80), 70)
    ]
    assert len(minutes.scores.rows) == 5
    assert minutes.decisions.rows == (
        ("Penguji I", Decimal("80.00"), "Diterima"),
        ("Penguji II", Decimal("70.00"), "Diterima dengan perbaikan"),
    )
    outcome = _fields(minutes.outcome)
    assert outcome["nilai_akhir"] == Decimal("75.00")
    assert outcome["aturan"] == (
        "Rata-rata nilai penguji: diterima bila ≥ 80, diterima dengan perbaikan bila ≥ 60, "
        "selain itu ditolak."
    )
    assert outcome["keputusan"].startswith("Diterima dengan perbaikan")
    assert minutes.revisions.rows == tuple(("Penguji II", text) for text in REVISIONS)
    assert [(s.role, s.wording) for s in minutes.signatures] == [
        ("Penguji I", "Mengisi nilai dan mencatat hasil seminar"),
        ("Penguji II", "Mengisi nilai dan keputusan"),
    ]
    assert minutes.signatures[1].signed_at == at(5, 9, 40)


def test_proposal_minutes_pdf_prints_them(world, revised):
    document = issue_seminar_minutes(seminar=revised, project=world.project, by=world.examiner)

    reader, _data = _read(document)
    text = " ".join(_pages_text(reader))
    assert "NILAI PER KRITERIA" in text  # headings are set in capitals
    assert "Terobosan inovatif dan jangkauan manfaat" in text
    assert "KEPUTUSAN TIAP PENGUJI" in text
    assert "Diterima dengan perbaikan" in text
    assert "Rata-rata nilai penguji: diterima bila ≥ 80" in text
    assert "75,00" in text
    for item in REVISIONS:
        assert item in text
    data = seminar_minutes_data(revised, world.project)
    assert _attached_csv(reader, "berita-acara-seminar.csv") == data.csv_rows()


def test_the_participants_copy_keeps_the_revisions_and_not_each_examiners_scores(world, revised):
    minutes = seminar_minutes_data(revised, world.project, examiner_scores=False)
    assert minutes.scores_withheld
    assert all(len(row) == 2 for row in minutes.scores.rows)  # criterion and weight only
    assert minutes.decisions is None
    assert minutes.revisions.rows == tuple(("Penguji II", text) for text in REVISIONS)
    assert "total_penguji_1" not in _fields(minutes.outcome)


def test_results_minutes_print_the_commitment_check(world, revised, second_examiner):
    put_in_state(world.project, S.RESULTS_SEMINAR)
    results = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS, starts_at=at(30, 9))
    results.examiners.add(world.examiner)
    results.projects.add(world.project)
    items = {item.text: item.pk for item in world.project.revision_items.all()}
    with time_machine.travel(at(30, 10), tick=False):
        revision_check(
            seminar=results,
            project=world.project,
            by=world.examiner,
            results={items[REVISIONS[0]]: "done", items[REVISIONS[1]]: "partly"},
        )
        score_by_every_examiner(world.project)
        seminar_grade(seminar=results, project=world.project, by=world.examiner)

    minutes = seminar_minutes_data(results, world.project)
    assert _fields(minutes.outcome)["nilai_komitmen_perbaikan"] == Decimal("75.00")
    assert minutes.revisions.title == "Pemeriksaan komitmen perbaikan (terlaksana 75%)"
    assert minutes.revisions.rows == (
        (REVISIONS[0], "Dewi Penguji Kedua", "Sudah dilaksanakan"),
        (REVISIONS[1], "Dewi Penguji Kedua", "Sebagian dilaksanakan"),
    )
    document = issue_seminar_minutes(seminar=results, project=world.project, by=world.participant)
    reader, _data = _read(document)
    text = " ".join(_pages_text(reader))
    assert "PEMERIKSAAN KOMITMEN PERBAIKAN (TERLAKSANA 75%)" in text
    assert "Sebagian dilaksanakan" in text
    assert "Nilai komitmen perbaikan 75,00" in text
    assert REVISIONS[1] in text
