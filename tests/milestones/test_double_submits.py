"""A double click or a retried POST of a plan or evidence form makes one row, shown as success."""

from __future__ import annotations

import datetime
from decimal import Decimal

import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from milestones.models import (
    ChangeRequest,
    Evidence,
    IndicatorMeasurement,
    Milestone,
    MilestoneRating,
)
from tests.conftest import form_token
from tests.factories import SeminarFactory
from tests.milestones.conftest import media_files
from tests.milestones.factories import MilestoneFactory, put_project_in
from tests.milestones.files import make_pdf
from tracker.models import ChangeProject, ImpactIndicator, Notification, Seminar

HTMX = {"HX-Request": "true"}
PLAN = {
    "term": "short",
    "activity": "Rapat koordinasi dengan RSUD",
    "implementer": "Peserta",
    "start_date": "2026-10-26",
    "due_date": "2026-10-30",
    "expected_output": "Notulen",
}


def _page(client, user, url) -> str:
    client.force_login(user)
    return client.get(url).content.decode()


def test_ten_identical_milestone_posts_add_one_milestone(client, world):
    url = reverse("milestones:add", args=[world.project.pk])
    page = _page(client, world.participant, reverse("milestones:list", args=[world.project.pk]))
    data = {**PLAN, "form_token": form_token(page, url)}
    responses = [client.post(url, data) for _ in range(10)]
    assert {r.status_code for r in responses} == {302}
    assert {r["Location"] for r in responses} == {
        reverse("milestones:list", args=[world.project.pk])
    }
    assert Milestone.objects.filter(project=world.project).count() == 1


def test_a_repeated_htmx_milestone_answers_with_the_plan_and_a_fresh_token(client, world):
    url = reverse("milestones:add", args=[world.project.pk])
    page = _page(client, world.participant, reverse("milestones:list", args=[world.project.pk]))
    token = form_token(page, url)
    responses = [client.post(url, {**PLAN, "form_token": token}, headers=HTMX) for _ in range(3)]
    assert Milestone.objects.filter(project=world.project).count() == 1
    fragments = [response.content.decode() for response in responses]
    assert all(PLAN["activity"] in fragment for fragment in fragments)
    fresh = form_token(fragments[-1], url)
    assert fresh != token
    client.post(url, {**PLAN, "activity": "Sosialisasi", "form_token": fresh}, headers=HTMX)
    assert Milestone.objects.filter(project=world.project).count() == 2


def test_ten_identical_addition_requests_send_one_request(client, world, at_work):
    url = reverse("milestones:request-addition", args=[at_work.pk])
    page = _page(client, world.participant, reverse("milestones:list", args=[at_work.pk]))
    data = {
        **PLAN,
        "start_date": "2026-11-23",
        "due_date": "2026-12-04",
        "reason": "Uji coba menunjukkan petugas belum terbiasa.",
        "form_token": form_token(page, url),
    }
    responses = [client.post(url, data) for _ in range(10)]
    assert {r.status_code for r in responses} == {302}
    assert ChangeRequest.objects.count() == 1
    assert Notification.objects.filter(recipient=world.mentor).count() == 1


def test_ten_identical_reschedule_requests_send_one_without_an_error(client, world, milestone):
    url = reverse("milestones:request-reschedule", args=[milestone.pk])
    page = _page(client, world.participant, milestone.get_absolute_url())
    data = {
        "new_due_date": "2026-12-11",
        "reason": "Narasumber berhalangan.",
        "form_token": form_token(page, url),
    }
    responses = [client.post(url, data) for _ in range(10)]
    # Without the token the second would be refused: a request is already pending.
    assert {r.status_code for r in responses} == {302}
    assert ChangeRequest.objects.count() == 1
    page = client.get(milestone.get_absolute_url()).content.decode()
    assert "masih menunggu keputusan" not in page


def test_ten_identical_uploads_store_one_file_and_answer_as_success(
    client, world, milestone, settings
):
    url = reverse("milestones:upload-evidence", args=[milestone.pk])
    token = form_token(_page(client, world.participant, milestone.get_absolute_url()), url)
    content = make_pdf()
    responses = [
        client.post(
            url,
            {
                "file": SimpleUploadedFile("notulen.pdf", content),
                "caption": "Dokumentasi kegiatan",
                "form_token": token,
            },
        )
        for _ in range(10)
    ]
    assert {r.status_code for r in responses} == {302}
    assert Evidence.objects.count() == 1
    assert len(media_files(settings)) == 1
    page = client.get(milestone.get_absolute_url()).content.decode()
    assert "Berkas yang sama sudah diunggah" not in page


def test_another_file_under_the_same_token_is_a_new_upload(client, world, milestone):
    url = reverse("milestones:upload-evidence", args=[milestone.pk])
    token = form_token(_page(client, world.participant, milestone.get_absolute_url()), url)
    for text in ("Notulen rapat 1", "Notulen rapat 2"):
        upload = SimpleUploadedFile("notulen.pdf", make_pdf(text))
        client.post(url, {"file": upload, "caption": "Notulen", "form_token": token})
    assert Evidence.objects.count() == 2


def test_ten_identical_link_posts_add_one_link(client, world, milestone):
    url = reverse("milestones:add-link", args=[milestone.pk])
    page = _page(client, world.participant, milestone.get_absolute_url())
    data = {
        "url": "https://drive.example.go.id/folder/rapat",
        "caption": "Foto rapat",
        "form_token": form_token(page, url),
    }
    responses = [client.post(url, data, headers=HTMX) for _ in range(10)]
    assert {r.status_code for r in responses} == {200}
    assert "Tautan bukti ditambahkan." in responses[-1].content.decode()
    assert Evidence.objects.filter(kind=Evidence.Kind.LINK).count() == 1


@time_machine.travel(datetime.datetime(2026, 11, 30, 9, 0), tick=False)
def test_ten_identical_measurements_record_one_value(client, world, at_work):
    indicator = ImpactIndicator.objects.create(
        project=at_work, name="Waktu tunggu", unit="menit", baseline=180, target=30
    )
    url = reverse("milestones:record-measurement", args=[indicator.pk])
    page = _page(client, world.participant, reverse("milestones:indicators", args=[at_work.pk]))
    data = {"value": "95", "measured_on": "2026-11-20", "form_token": form_token(page, url)}
    responses = [client.post(url, data) for _ in range(10)]
    assert {r.status_code for r in responses} == {302}
    assert list(IndicatorMeasurement.objects.values_list("value", flat=True)) == [Decimal(95)]


def test_ten_identical_rating_posts_keep_one_rating(client, world):
    # A rating is an upsert on (milestone, examiner): a repeat rewrites the same row.
    put_project_in(world.project, ChangeProject.State.RESULTS_SEMINAR)
    seminar = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    seminar.examiners.add(world.examiner)
    seminar.projects.add(world.project)
    short = MilestoneFactory(project=world.project, state="accepted")
    client.force_login(world.examiner)
    url = reverse("milestones:rate", args=[short.pk])
    responses = [client.post(url, {"rating": "sesuai", "note": "Baik."}) for _ in range(10)]
    assert {r.status_code for r in responses} == {302}
    assert MilestoneRating.objects.count() == 1


def test_a_repeat_after_the_first_result_was_deleted_creates_it_again(client, world, milestone):
    # The participant removed the link, then the browser sent the old form again.
    url = reverse("milestones:add-link", args=[milestone.pk])
    page = _page(client, world.participant, milestone.get_absolute_url())
    data = {
        "url": "https://drive.example.go.id/a",
        "caption": "A",
        "form_token": form_token(page, url),
    }
    client.post(url, data)
    client.post(reverse("milestones:delete-evidence", args=[Evidence.objects.get().pk]))
    assert not Evidence.objects.exists()
    assert client.post(url, data).status_code == 302
    assert Evidence.objects.count() == 1
