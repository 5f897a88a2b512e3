"""Asking for reports about many projects: stored, made at once, or built in the background."""

from __future__ import annotations

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reports import services
from reports.models import GeneratedDocument, ReportJob
from reports.tasks import build_report
from tests.conftest import PERSONAS
from tests.factories import ChangeProjectFactory, CohortFactory, UserFactory
from tests.reports.authz_rows import _job
from tracker.models import ChangeProject

HTMX = {"HTTP_HX_REQUEST": "true"}


def _agency_url(world) -> str:
    return reverse("reports:agency-report", args=[world.province.pk])


def _add_projects(world, count: int) -> None:
    for number in range(count):
        ChangeProjectFactory(
            cohort=world.cohort,
            agency=world.dinas,
            participant=UserFactory(agency=world.dinas),
            title=f"Layanan Daring Terpadu {number}",
        )


@pytest.fixture
def large(settings, world):
    """Reports of more than one project go to the background worker."""
    settings.REPORT_SYNC_MAX_PROJECTS = 1
    _add_projects(world, 2)  # the province now has three projects


def _ask(client, world, data=None, **extra):
    client.force_login(world.agency_head)
    return client.post(_agency_url(world), data or {}, **extra)


# --- made at once, or served from storage -------------------------------------------------------


def test_small_report_is_made_at_once_and_downloaded(client, world):
    response = _ask(client, world)

    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.DONE
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:job-download", args=[job.pk])
    download = client.get(response["Location"])
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert (
        f"laporan-dampak-{job.document.pk}-{job.document.code}.pdf"
        in (download["Content-Disposition"])
    )
    assert job.document.generated_by == world.agency_head
    assert job.progress_done == job.progress_total == 1


def test_unchanged_report_is_served_from_storage_and_a_changed_one_rebuilt(
    client, world, settings, monkeypatch
):
    settings.REPORT_SYNC_MAX_PROJECTS = 0  # everything would go to the worker
    first = services.issue_collection(
        services.job_data(
            ReportJob(
                kind=GeneratedDocument.Kind.AGENCY_REPORT,
                parameters=services.agency_report_parameters(world.province, None, None),
            )
        ),
        by=world.admin,
    )
    built = []
    monkeypatch.setattr(services, "collection_pdf", lambda *a, **k: built.append(1) or b"%PDF")

    response = _ask(client, world)

    job = ReportJob.objects.get()
    assert (job.status, job.document) == (ReportJob.Status.DONE, first)
    assert response["Location"] == reverse("reports:job-download", args=[job.pk])
    assert built == []
    assert _ask(client, world)["Location"] == response["Location"]  # the same job again
    assert ReportJob.objects.count() == 1

    ChangeProject.objects.filter(pk=world.project.pk).update(title="Judul yang diperbaiki")
    changed = _ask(client, world)

    rebuilt = ReportJob.objects.exclude(pk=job.pk).get()
    assert rebuilt.status == ReportJob.Status.QUEUED
    assert rebuilt.data_key != job.data_key
    assert changed["Location"] == rebuilt.get_absolute_url()


def test_serving_a_stored_report_costs_no_rendering(client, world, monkeypatch):
    _ask(client, world)
    monkeypatch.setattr(services, "collection_pdf", pytest.fail)

    response = _ask(client, world)

    assert response.status_code == 302
    assert GeneratedDocument.objects.count() == 1


# --- the background job -------------------------------------------------------------------------


def test_large_report_is_queued_and_its_page_polls_for_progress(client, world, large):
    response = _ask(client, world)

    job = ReportJob.objects.get()
    assert response["Location"] == job.get_absolute_url()
    assert (job.status, job.progress_done, job.progress_total) == (ReportJob.Status.QUEUED, 0, 3)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Menunggu giliran" in page
    assert 'value="0"' in page and 'max="3"' in page
    assert f'hx-get="{job.get_absolute_url()}"' in page
    assert f'href="{job.get_absolute_url()}"' in page  # without JS: reload by hand
    fragment = client.get(job.get_absolute_url(), **HTMX).content.decode()
    assert fragment.lstrip().startswith('<section class="card job-status" id="job-status"')
    assert "<html" not in fragment


def test_queued_job_reaches_the_worker_after_commit(
    client, world, large, immediate_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _ask(client, world)

    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.DONE
    assert job.task_id
    assert (job.progress_done, job.progress_total) == (3, 3)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Laporan siap" in page
    assert reverse("reports:job-download", args=[job.pk]) in page
    assert job.document.display_code in page
    assert "hx-get" not in page[page.index('id="job-status"') :]  # polling stops


def test_running_job_shows_how_many_projects_are_laid_out(client, world, large):
    _ask(client, world)
    ReportJob.objects.update(status=ReportJob.Status.RUNNING, progress_done=2)
    job = ReportJob.objects.get()

    fragment = client.get(job.get_absolute_url(), **HTMX).content.decode()

    assert "Sedang dibuat" in fragment
    assert "2 dari 3 proyek sudah disusun (66%)" in fragment
    assert 'hx-trigger="load delay:2s"' in fragment


def test_task_reports_progress_part_by_part(world, large, monkeypatch, immediate_tasks):
    monkeypatch.setitem(services.LINES_PER_PART, GeneratedDocument.Kind.AGENCY_REPORT, 1)
    seen = []
    job = ReportJob.objects.create(
        kind=GeneratedDocument.Kind.AGENCY_REPORT,
        requested_by=world.agency_head,
        parameters=services.agency_report_parameters(world.province, None, None),
        title="Uji",
    )
    original = services.collection_pdf

    def watching(data, document, *, progress):
        def spy(done):
            progress(done)
            seen.append(ReportJob.objects.values_list("progress_done", flat=True).get(pk=job.pk))

        return original(data, document, progress=spy)

    monkeypatch.setattr(services, "collection_pdf", watching)

    build_report.enqueue(job.pk, job.attempt)

    assert seen == [1, 2, 3]
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE


def test_failing_job_shows_its_error_and_can_be_retried(client, world, large, monkeypatch):
    _ask(client, world)
    job = ReportJob.objects.get()

    def broken(*args, **kwargs):
        raise RuntimeError("font cache unreadable")

    monkeypatch.setattr(services, "collection_pdf", broken)
    services.run_report_job(job_id=job.pk, attempt=job.attempt)

    job.refresh_from_db()
    assert (job.status, job.failure) == (ReportJob.Status.FAILED, ReportJob.Failure.ERROR)
    assert job.error == "RuntimeError: font cache unreadable"
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Laporan gagal dibuat karena kesalahan pada sistem" in page
    assert f"nomor permintaan {job.pk}" in page
    assert "font cache" not in page  # the technical detail is for the operator
    retry_url = reverse("reports:job-retry", args=[job.pk])
    assert f'action="{retry_url}"' in page and f'hx-post="{retry_url}"' in page

    monkeypatch.undo()
    response = client.post(retry_url)

    assert response["Location"] == job.get_absolute_url()
    job.refresh_from_db()
    assert (job.status, job.attempt, job.failure, job.error) == (
        ReportJob.Status.QUEUED,
        2,
        "",
        "",
    )
    services.run_report_job(job_id=job.pk, attempt=2)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE


def test_retry_by_htmx_answers_with_the_status_fragment(
    client, world, large, immediate_tasks, django_capture_on_commit_callbacks
):
    _ask(client, world)
    ReportJob.objects.update(status=ReportJob.Status.FAILED, failure=ReportJob.Failure.ERROR)
    job = ReportJob.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:job-retry", args=[job.pk]), **HTMX)

    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in fragment
    assert "Menunggu giliran" in fragment  # answered before the worker picks the job up
    assert f'hx-get="{job.get_absolute_url()}"' in fragment
    job.refresh_from_db()
    assert (job.status, job.attempt) == (ReportJob.Status.DONE, 2)


def test_job_past_its_time_limit_fails_with_a_clear_message(
    client, world, large, settings, monkeypatch
):
    settings.REPORT_JOB_TIME_LIMIT = 60
    _ask(client, world)
    job = ReportJob.objects.get()
    clock = itertools.count(0, 50)  # every look at the clock is 50 s later
    monkeypatch.setattr(services.time, "monotonic", lambda: next(clock))

    services.run_report_job(job_id=job.pk, attempt=job.attempt)

    job.refresh_from_db()
    assert (job.status, job.failure) == (ReportJob.Status.FAILED, ReportJob.Failure.TIME_LIMIT)
    assert not GeneratedDocument.objects.exists()
    page = client.get(job.get_absolute_url()).content.decode()
    assert "melewati batas waktu 1 menit" in page
    assert "Coba lagi" in page


def test_job_whose_worker_vanished_counts_as_failed_and_may_be_retried(client, world, large):
    _ask(client, world)
    ReportJob.objects.update(
        status=ReportJob.Status.RUNNING,
        started_at=timezone.now() - datetime.timedelta(hours=2),
    )
    job = ReportJob.objects.get()

    page = client.get(job.get_absolute_url()).content.decode()

    assert "melewati batas waktu" in page
    assert client.post(reverse("reports:job-retry", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert (job.status, job.attempt) == (ReportJob.Status.QUEUED, 2)


def test_an_old_attempt_never_overwrites_the_current_one(world, large, client):
    _ask(client, world)
    ReportJob.objects.update(status=ReportJob.Status.QUEUED, attempt=2)
    job = ReportJob.objects.get()

    services.run_report_job(job_id=job.pk, attempt=1)

    job.refresh_from_db()
    assert (job.status, job.progress_done) == (ReportJob.Status.QUEUED, 0)


def test_a_finished_job_is_not_retried(client, world):
    _ask(client, world)
    job = ReportJob.objects.get()

    response = client.post(reverse("reports:job-retry", args=[job.pk]), follow=True)

    assert "Laporan ini tidak gagal" in response.content.decode()
    job.refresh_from_db()
    assert (job.status, job.attempt) == (ReportJob.Status.DONE, 1)


def test_asking_twice_while_queued_gives_the_same_job(client, world, large):
    first = _ask(client, world)
    second = _ask(client, world)

    assert first["Location"] == second["Location"]
    assert ReportJob.objects.count() == 1


def test_download_before_the_job_is_done_goes_to_its_page(client, world, large):
    _ask(client, world)
    job = ReportJob.objects.get()

    response = client.get(reverse("reports:job-download", args=[job.pk]))

    assert response["Location"] == job.get_absolute_url()


# --- rate limit ---------------------------------------------------------------------------------


def test_generation_is_rate_limited_per_user_but_stored_files_still_flow(client, world, settings):
    settings.REPORT_RATE_LIMIT = 1
    _ask(client, world)
    ChangeProject.objects.filter(pk=world.project.pk).update(title="Judul baru")

    refused = _ask(client, world)

    assert refused.status_code == 429
    assert "Anda sudah meminta 1 dokumen baru dalam 60 menit terakhir" in (refused.content.decode())
    assert ReportJob.objects.count() == 1
    ChangeProject.objects.filter(pk=world.project.pk).update(title=world.project.title)
    assert _ask(client, world).status_code == 302  # unchanged again: served from storage
    client.force_login(world.admin)
    assert client.post(_agency_url(world)).status_code == 302  # another person's own limit


def test_project_report_generation_counts_toward_the_limit(client, world, settings):
    settings.REPORT_RATE_LIMIT = 1
    _ask(client, world)
    client.force_login(world.agency_head)

    response = client.get(reverse("reports:project-report", args=[world.project.pk]), follow=True)

    assert "Anda sudah meminta 1 dokumen baru" in response.content.decode()
    assert not GeneratedDocument.objects.filter(kind="project_report").exists()


# --- the request pages --------------------------------------------------------------------------


def test_agency_report_filters_by_cohort_and_refuses_a_mismatched_year(client, world):
    older = CohortFactory(year=2025)
    ChangeProjectFactory(cohort=older, agency=world.dinas)

    page = _ask(client, world, {"cohort": older.pk, "year": 2026})

    assert page.status_code == 400
    assert "bukan angkatan tahun 2026" in page.content.decode()
    assert not ReportJob.objects.exists()
    assert _ask(client, world, {"cohort": 999999}).status_code == 400
    assert _ask(client, world, {"cohort": older.pk}).status_code == 302
    job = ReportJob.objects.get()
    assert job.parameters == {"agency": world.province.pk, "cohort": older.pk, "year": None}
    assert str(older) in job.title


def test_agency_report_page_offers_the_agencys_cohorts_and_years(client, world):
    client.force_login(world.agency_head)

    page = client.get(_agency_url(world)).content.decode()

    assert f'<option value="{world.cohort.pk}">{world.cohort}</option>' in page
    assert '<option value="2026">2026</option>' in page
    assert "1 proyek perubahan di instansi ini" in page


def test_request_page_lists_recent_jobs_in_the_same_queries_for_one_and_five(
    client, world, django_assert_num_queries
):
    _ask(client, world)
    with CaptureQueriesContext(connection) as one:
        client.get(_agency_url(world))
    for _ in range(4):
        ReportJob.objects.create(
            kind=GeneratedDocument.Kind.AGENCY_REPORT,
            requested_by=world.agency_head,
            parameters=services.agency_report_parameters(world.province, None, None),
            title="Permintaan lain",
            status=ReportJob.Status.FAILED,
        )

    with django_assert_num_queries(len(one.captured_queries)):
        page = client.get(_agency_url(world)).content.decode()
    assert page.count("Permintaan lain") == 4


def test_agency_head_of_a_unit_cannot_ask_for_the_province(client, world):
    head = UserFactory(agency=world.dinas)
    world.dinas.heads.create(user=head)
    client.force_login(head)

    assert client.get(reverse("reports:agency-report", args=[world.dinas.pk])).status_code == 200
    assert client.get(_agency_url(world)).status_code == 404
    assert client.post(_agency_url(world)).status_code == 404
    assert not ReportJob.objects.exists()


def test_cohort_recap_is_asked_for_by_its_organiser(client, world):
    client.force_login(world.organiser)
    url = reverse("reports:cohort-recap", args=[world.cohort.pk])

    assert "Rekapitulasi angkatan" in client.get(url).content.decode()
    response = client.post(url)

    job = ReportJob.objects.get()
    assert job.kind == GeneratedDocument.Kind.COHORT_RECAP
    assert response["Location"] == reverse("reports:job-download", args=[job.pk])
    assert job.parameters == {"cohort": world.cohort.pk}


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_requester_reaches_a_job(client, world, persona):
    job = ReportJob.objects.get(pk=_job(world))
    user = world.persona(persona)
    if user is not None:
        client.force_login(user)

    statuses = [
        client.get(job.get_absolute_url()).status_code,
        client.get(reverse("reports:job-download", args=[job.pk])).status_code,
    ]

    expected = {"agency_head": [200, 200], "anonymous": [302, 302]}.get(persona, [404, 404])
    assert statuses == expected


def test_requester_who_no_longer_heads_the_agency_loses_the_job(client, world):
    _ask(client, world)
    job = ReportJob.objects.get()
    world.province.heads.all().delete()

    assert client.get(job.get_absolute_url()).status_code == 404


# --- links on the home page ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "agency_link", "recap_link"),
    [
        ("agency_head", True, False),
        ("organiser", False, True),
        ("participant", False, False),
        ("coach", False, False),
    ],
)
def test_home_page_links_the_reports_of_the_persons_role(
    client, world, persona, agency_link, recap_link
):
    client.force_login(world.persona(persona))

    page = client.get(reverse("tracker:home")).content.decode()

    assert (_agency_url(world) in page) is agency_link
    assert (reverse("reports:cohort-recap", args=[world.cohort.pk]) in page) is recap_link
