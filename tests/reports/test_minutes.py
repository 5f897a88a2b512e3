"""Seminar minutes (berita acara): the data, the PDF, who may take it, the links to it."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from reports.documents.seminar_minutes import seminar_minutes_data
from reports.models import GeneratedDocument
from reports.services import DocumentUnavailable, issue_seminar_minutes
from tests.conftest import PERSONAS
from tests.factories import ChangeProjectFactory
from tests.reports.conftest import approve_proposal, at, record_proposal_seminar
from tests.reports.test_services import _assert_pdf_a_3b, _attached_csv, _pages_text
from tracker.models import Seminar

ALLOWED = {"participant", "coach", "mentor", "examiner", "organiser", "admin"}


def _fields(group) -> dict:
    return {item.key: item.value for item in group.fields}


def _results_seminar(project) -> Seminar:
    return Seminar.objects.get(projects=project, kind=Seminar.Kind.RESULTS)


def _url(project, seminar) -> str:
    return reverse("reports:seminar-minutes", args=[project.pk, seminar.pk])


def test_no_minutes_before_the_seminar_records_a_result(world):
    project = approve_proposal(world)
    seminar = Seminar.objects.get(projects=project)

    assert seminar_minutes_data(seminar, project) is None
    with pytest.raises(DocumentUnavailable) as refused:
        issue_seminar_minutes(seminar=seminar, project=project, by=world.organiser)
    assert "hasil seminar untuk proyek ini belum dicatat" in str(refused.value.message)
    assert not GeneratedDocument.objects.exists()


def test_proposal_minutes_tell_when_where_who_and_the_decision(world):
    seminar = record_proposal_seminar(world)

    minutes = seminar_minutes_data(seminar, world.project)

    assert minutes.opening.startswith(
        "Pada hari ini Senin, tanggal 5 Oktober 2026, pukul 08.30 WIB, bertempat di Aula BPSDM, "
        "telah dilaksanakan seminar rancangan Aksi Perubahan Kinerja Organisasi peserta "
    )
    assert minutes.heading == "Seminar Rancangan Aksi Perubahan Kinerja Organisasi"
    assert minutes.examiners.rows == (
        ("Penguji I", "Bambang Penguji", world.examiner.nip, world.examiner.position),
    )
    assert minutes.results.rows == (
        (
            "Bambang Penguji",
            "Diterima",
            "Lengkapi peta pemangku kepentingan sebelum uji coba.",
            at(5, 10),
        ),
    )
    assert _fields(minutes.outcome)["keputusan"] == "Diterima dan dilanjutkan ke implementasi"
    assert [(s.role, s.person.name, s.signed_at) for s in minutes.signatures] == [
        ("Penguji I", "Bambang Penguji", at(5, 10))
    ]
    assert not minutes.ratings.shown


def test_results_minutes_carry_scores_predikat_outcome_and_ratings(passed_project, world):
    seminar = _results_seminar(passed_project)

    minutes = seminar_minutes_data(seminar, passed_project)

    assert minutes.document_title == "Berita acara seminar laporan"
    assert minutes.results.rows[0] == ("Capaian terhadap rencana", Decimal(25), Decimal(85))
    assert len(minutes.results.rows) == 6  # one per criterion of the default rubric
    outcome = _fields(minutes.outcome)
    assert outcome["total_penguji_1"] == Decimal("85.00")
    assert outcome["nilai_akhir"] == Decimal("85.00")
    assert outcome["predikat"] == "Memuaskan"
    assert outcome["hasil"] == "Lulus"
    assert outcome["ditetapkan_pada"] == at(30, 13, 30)
    assert [row[1:3] for row in minutes.ratings.rows] == [
        ("Penguji I", "Sesuai target"),
        ("Penguji I", "Melampaui target"),
    ]
    (signature,) = minutes.signatures
    assert signature.wording == "Mengisi nilai dan menetapkan hasil"
    assert signature.signed_at == at(30, 13, 30)


def test_minutes_pdf_is_archival_with_its_data_attached(passed_project, world):
    seminar = _results_seminar(passed_project)

    document = issue_seminar_minutes(seminar=seminar, project=passed_project, by=world.organiser)

    with document.file.open("rb") as stored:
        reader = PdfReader(io.BytesIO(stored.read()))
    _assert_pdf_a_3b(reader)
    assert 1 <= len(reader.pages) <= 3
    assert reader.metadata.title.startswith("Berita acara seminar laporan: ")
    assert reader.metadata.author == "Bambang Penguji"
    text = " ".join(_pages_text(reader))
    assert "BERITA ACARA" in text
    assert passed_project.title in text
    assert "Memuaskan" in text and "85,00" in text
    assert "Jumat, tanggal 30 Oktober 2026" in text
    data = seminar_minutes_data(seminar, passed_project)
    assert _attached_csv(reader, "berita-acara-seminar.csv") == data.csv_rows()
    assert document.kind == GeneratedDocument.Kind.SEMINAR_MINUTES
    assert document.project == passed_project


def test_unchanged_minutes_are_served_from_storage(world):
    seminar = record_proposal_seminar(world)
    first = issue_seminar_minutes(seminar=seminar, project=world.project, by=world.examiner)

    # The coach reads the same copy as the examiner (with each examiner's scores).
    Seminar.objects.filter(pk=seminar.pk).update(place="Aula BPSDM")  # nothing changes
    again = issue_seminar_minutes(seminar=seminar, project=world.project, by=world.coach)
    Seminar.objects.filter(pk=seminar.pk).update(place="Ruang Kelas 3")
    moved = issue_seminar_minutes(seminar=seminar, project=world.project, by=world.coach)

    assert again.pk == first.pk
    assert moved.pk != first.pk


@pytest.mark.parametrize("persona", PERSONAS)
def test_minutes_download_by_persona(client, world, persona):
    seminar = record_proposal_seminar(world)
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)

    response = client.get(_url(world.project, seminar))

    if persona in ALLOWED:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        pdf = b"".join(response.streaming_content)
        assert "BERITA ACARA" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    else:
        expected = {"anonymous": 302, "agency_head": 403}.get(persona, 404)
        assert response.status_code == expected
        assert not GeneratedDocument.objects.exists()


def test_examiner_of_another_seminar_of_the_project_may_not_take_these_minutes(
    client, passed_project, world
):
    results = _results_seminar(passed_project)
    results.examiners.remove(world.examiner)
    results.examiners.add(world.stranger)
    proposal = Seminar.objects.get(projects=passed_project, kind=Seminar.Kind.PROPOSAL)
    client.force_login(world.examiner)

    assert client.get(_url(passed_project, proposal)).status_code == 200
    assert client.get(_url(passed_project, results)).status_code == 403


def test_seminar_the_project_is_not_on_is_404(client, world):
    record_proposal_seminar(world)
    elsewhere = Seminar.objects.create(
        cohort=world.cohort, kind=Seminar.Kind.PROPOSAL, starts_at=at(6, 9), place="Aula"
    )
    elsewhere.examiners.add(world.examiner)
    client.force_login(world.examiner)

    assert client.get(_url(world.project, elsewhere)).status_code == 404


def test_minutes_before_the_result_send_back_with_a_message(client, world):
    project = approve_proposal(world)
    seminar = Seminar.objects.get(projects=project)
    client.force_login(world.participant)

    response = client.get(_url(project, seminar), follow=True)

    assert response.redirect_chain == [(project.get_absolute_url(), 302)]
    assert "Berita acara belum tersedia" in response.content.decode()


def test_seminar_page_links_the_minutes_of_recorded_projects_only(client, world):
    seminar = record_proposal_seminar(world)
    waiting = ChangeProjectFactory(cohort=world.cohort)
    seminar.projects.add(waiting)
    client.force_login(world.organiser)

    page = client.get(reverse("mentoring:seminar-detail", args=[seminar.pk])).content.decode()

    assert _url(world.project, seminar) in page
    assert _url(waiting, seminar) not in page


def test_seminar_page_asks_the_same_queries_for_one_and_many_graded_projects(
    client, passed_project, world, django_assert_num_queries
):
    seminar = _results_seminar(passed_project)
    client.force_login(world.organiser)
    url = reverse("mentoring:seminar-detail", args=[seminar.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        other = ChangeProjectFactory(cohort=world.cohort)
        seminar.projects.add(other)
        seminar.grades.create(
            project=other,
            score=Decimal(80),
            predikat="Memuaskan",
            outcome="passed",
            decided_by=world.examiner,
        )

    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert page.count("Unduh berita acara (PDF)") == 4


def test_project_page_links_the_minutes_for_those_who_may_take_them(client, world):
    seminar = record_proposal_seminar(world)
    url = _url(world.project, seminar)

    for persona, shown in [("participant", True), ("mentor", True), ("agency_head", False)]:
        client.force_login(world.persona(persona))
        page = client.get(world.project.get_absolute_url()).content.decode()
        assert (url in page) is shown, persona
