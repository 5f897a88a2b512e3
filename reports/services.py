"""Writes of the reports app: issuing a document renders its PDF and records it for verification."""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Callable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mentoring.selectors import sees_examiner_scores
from reports import limits, parallel_pdf
from reports.documents.agency_report import AgencyReport, agency_report_data
from reports.documents.approval_page import ApprovalPage, approval_page_data
from reports.documents.base import CODE_ALPHABET, CODE_LENGTH
from reports.documents.cohort_recap import CohortRecap, cohort_recap_data
from reports.documents.commitment import CommitmentDocument, commitment_data
from reports.documents.control_form import ControlForm, control_form_data
from reports.documents.endorsement_page import EndorsementPage, endorsement_page_data
from reports.documents.final_report import FinalReport, final_report_data
from reports.documents.project_report import ProjectReport, project_report_data
from reports.documents.proposal import Proposal, proposal_data
from reports.documents.seminar_minutes import SeminarMinutes, seminar_minutes_data
from reports.models import GeneratedDocument, ReportJob
from reports.pdf import PartRenderer, html_to_pdf, qr_svg
from tracker.models import Agency, ChangeProject, Cohort, Seminar, User

logger = logging.getLogger(__name__)

# Raise when a template's layout changes, so documents issued with the old layout are not reused.
LAYOUT_VERSION = 2

# A document about one project, issued on demand while the person waits.
ProjectDocument = (
    ProjectReport
    | ApprovalPage
    | SeminarMinutes
    | Proposal
    | EndorsementPage
    | FinalReport
    | ControlForm
    | CommitmentDocument
)


class DocumentUnavailable(Exception):
    """The document cannot be issued yet; `message` says why, in the user's language."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def new_code() -> str:
    """A fresh random verification code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def document_html(data: ProjectDocument, document: GeneratedDocument) -> str:
    """The final HTML of a document, footer with its code and QR included."""
    return render_to_string(
        data.template_name,
        {
            "data": data,
            "document": document,
            "qr_svg": qr_svg(document.verification_url),
            "language": settings.LANGUAGE_CODE,
        },
    )


# Official documents are filed in Indonesian whatever language the requester browses in, so
# issuing renders under the site's language.


def issue_project_report(*, project: ChangeProject, by: User) -> GeneratedDocument:
    """The project report as a verifiable PDF; unchanged data gets the document issued before."""
    with translation.override(settings.LANGUAGE_CODE):
        return _issue(project_report_data(project), project=project, by=by)


def issue_approval_page(*, project: ChangeProject, by: User) -> GeneratedDocument:
    """The approval page as a verifiable PDF, once coach and mentor both approved the proposal."""
    with translation.override(settings.LANGUAGE_CODE):
        data = approval_page_data(project)
        if data is None:
            raise DocumentUnavailable(
                _(
                    "Lembar persetujuan belum tersedia: rancangan belum disetujui "
                    "oleh coach dan mentor."
                )
            )
        return _issue(data, project=project, by=by)


def issue_proposal(*, project: ChangeProject, by: User) -> GeneratedDocument:
    """The proposal (rancangan) as it stands, at any state, as a verifiable PDF."""
    with translation.override(settings.LANGUAGE_CODE):
        return _issue(proposal_data(project), project=project, by=by)


def issue_endorsement_page(*, project: ChangeProject, by: User) -> GeneratedDocument:
    """The endorsement page (lembar pengesahan), once coach and mentor both approved the report."""
    with translation.override(settings.LANGUAGE_CODE):
        data = endorsement_page_data(project)
        if data is None:
            raise DocumentUnavailable(
                _(
                    "Lembar pengesahan belum tersedia: laporan belum disetujui "
                    "oleh coach dan mentor."
                )
            )
        return _issue(data, project=project, by=by)


def issue_commitment(*, project: ChangeProject, by: User) -> GeneratedDocument:
    """The post-training commitment as a verifiable PDF, once someone has recorded it."""
    with translation.override(settings.LANGUAGE_CODE):
        data = commitment_data(project)
        if data is None:
            raise DocumentUnavailable(
                _("Komitmen pascapelatihan belum tersedia: belum ada yang mencatatnya.")
            )
        return _issue(data, project=project, by=by)


def issue_final_report(*, project: ChangeProject, by: User) -> GeneratedDocument:
    """The final report (laporan akhir), once the participant submitted it with its narrative."""
    with translation.override(settings.LANGUAGE_CODE):
        data = final_report_data(project)
        if data is None:
            raise DocumentUnavailable(
                _(
                    "Laporan akhir belum tersedia: peserta belum mengajukan laporan "
                    "beserta narasinya."
                )
            )
        return _issue(data, project=project, by=by)


def issue_control_form(*, project: ChangeProject, by: User) -> GeneratedDocument:
    """The control form (kartu kendali) of the consultations so far, as a verifiable PDF."""
    with translation.override(settings.LANGUAGE_CODE):
        return _issue(control_form_data(project), project=project, by=by)


def issue_seminar_minutes(
    *, seminar: Seminar, project: ChangeProject, by: User
) -> GeneratedDocument:
    """The minutes of a project at a seminar as a verifiable PDF, once its result is recorded.

    Someone who may see only the grade gets a copy without each examiner's scores.
    """
    with translation.override(settings.LANGUAGE_CODE):
        data = seminar_minutes_data(
            seminar, project, examiner_scores=sees_examiner_scores(project, by)
        )
        if data is None:
            raise DocumentUnavailable(
                _("Berita acara belum tersedia: hasil seminar untuk proyek ini belum dicatat.")
            )
        return _issue(data, project=project, by=by)


def _issue(data: ProjectDocument, *, project: ChangeProject, by: User) -> GeneratedDocument:
    key = data_key(data)
    issued = stored_document(data.kind, key, project=project)
    if issued is not None:
        return issued
    spend_quota(by)
    document = _new_document(data, key, by=by, project=project)
    pdf = html_to_pdf(
        document_html(data, document),
        csv_name=data.csv_name,
        csv_text=data.csv_text(),
        csv_description=str(CSV_DESCRIPTION),
    )
    return _store(document, pdf)


CSV_DESCRIPTION = _("Data dokumen dalam bentuk tabel (CSV)")


def data_key(data) -> str:
    """The SHA-256 that names a document's content: same data, layout and audience, same
    document."""
    audience = [data.audience] if data.audience else []
    text = "\n".join([str(LAYOUT_VERSION), data.kind, *audience, data.csv_text()])
    return hashlib.sha256(text.encode()).hexdigest()


def stored_document(
    kind: str, key: str, *, project: ChangeProject | None = None
) -> GeneratedDocument | None:
    """The document issued before from exactly this data, if its file is still stored."""
    issued = GeneratedDocument.objects.filter(kind=kind, project=project, data_sha256=key).first()
    if issued is not None and issued.file.storage.exists(issued.file.name):
        return issued
    return None


def _new_document(data, key: str, *, by: User, project: ChangeProject | None) -> GeneratedDocument:
    return GeneratedDocument(
        code=new_code(),
        kind=data.kind,
        title=data.document_title[:300],
        subject=data.subject[:500],
        project=project,
        generated_at=timezone.now(),
        generated_by=by,
        data_sha256=key,
    )


def _store(document: GeneratedDocument, pdf: bytes) -> GeneratedDocument:
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.file.save(f"{document.code}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document


# --- rate limit ---------------------------------------------------------------------------------


class RateLimited(DocumentUnavailable):
    """The person asked Jejak to generate too many documents in a short time."""

    def __init__(self, limit: int, minutes: int) -> None:
        # Not DocumentUnavailable.__init__: the message is made when read (see below).
        Exception.__init__(self, f"rate limited: {limit} in {minutes} min")
        self.limit, self.minutes = limit, minutes

    @property
    def message(self) -> str:
        # Read when shown, so it comes in the reader's language, not the documents' one.
        return gettext(
            "Anda sudah meminta %(limit)s dokumen baru dalam %(minutes)s menit terakhir, "
            "batas yang berlaku. Tunggu sebentar lalu coba lagi; dokumen yang datanya tidak "
            "berubah tetap dapat diunduh."
        ) % {"limit": self.limit, "minutes": self.minutes}


def spend_quota(user: User) -> None:
    """Count one generation (a document or a report job) toward the user's REPORT_RATE_LIMIT,
    or refuse it once the window's quota is spent; atomic across processes (reports/limits.py)."""
    limit, window = settings.REPORT_RATE_LIMIT, settings.REPORT_RATE_WINDOW
    try:
        allowed = limits.take("reports", user.pk, limit=limit, window=window)
    except limits.LimitsUnavailable:
        # Fail closed: generating is the costly work (WeasyPrint, on few cores) this quota
        # exists to bound, and anyone logged in could script it while nothing counts. The
        # refusal is polite and brief, and documents already issued are still served.
        raise DocumentUnavailable(
            _(
                "Dokumen baru sedang tidak dapat dibuat. Coba lagi beberapa menit lagi; "
                "dokumen yang datanya tidak berubah tetap dapat diunduh."
            )
        ) from None
    if not allowed:
        raise RateLimited(limit, max(1, window // 60))


# --- reports about many projects: laid out in parts, built in the background ------------------

# Projects laid out per part: small enough for progress and the time limit to act often, large
# enough that the per-part cost (styles, page setup) stays a few percent.
LINES_PER_PART: dict[str, int] = {
    GeneratedDocument.Kind.AGENCY_REPORT: 5,
    GeneratedDocument.Kind.COHORT_RECAP: 25,
}
# The number of the first section after the summary (the summary's sections come before it;
# the post-training part, `reports/partials/impact_section.html`, is one of them).
IMPACT_SECTIONS = 1
PROJECTS_SECTION: dict[str, int] = {
    GeneratedDocument.Kind.AGENCY_REPORT: 6 + IMPACT_SECTIONS,
    GeneratedDocument.Kind.COHORT_RECAP: 7 + IMPACT_SECTIONS,
}
ANCHOR_PREFIX = "proyek-"

Collection = AgencyReport | CohortRecap
Progress = Callable[[int], None]


def collection_context(data: Collection, document: GeneratedDocument) -> dict:
    """What every part of a report about many projects is rendered with."""
    return {
        "data": data,
        "document": document,
        "qr_svg": qr_svg(document.verification_url),
        "language": settings.LANGUAGE_CODE,
        "in_parts": True,
        "projects_section": PROJECTS_SECTION[data.kind],
    }


def collection_pdf(
    data: Collection, document: GeneratedDocument, *, progress: Progress | None = None
) -> bytes:
    """The PDF of a report about many projects: the summary, then the projects part by part.

    `progress(done)` is called after each part with the number of projects laid out so far; it
    may raise to stop the work. The agency report's summary lists the page each project starts
    on, so it is laid out last and numbered apart in roman numerals, as front matter is; the
    cohort recap's summary comes first and the pages run on. A long report is laid out in
    several processes at once (reports/parallel_pdf.py), a short one in this process.
    """
    renderer = PartRenderer()
    context = collection_context(data, document)
    size = LINES_PER_PART[data.kind]
    chunks = [data.lines[start : start + size] for start in range(0, len(data.lines), size)]
    front_matter = data.kind == GeneratedDocument.Kind.AGENCY_REPORT

    def html(**extra) -> str:
        return render_to_string(data.template_name, {**context, **extra})

    def part_html(number: int, **extra) -> str:
        return html(part="projects", lines=chunks[number], first_part=number == 0, **extra)

    def projects_done(parts: int) -> None:
        if progress is not None:
            progress(min(parts * size, len(data.lines)))

    def summary_html(start_pages: dict[int, int], body_pages: int) -> str:
        return html(
            part="summary", front_matter=True, start_pages=start_pages, body_pages=body_pages
        )

    attachment = renderer.attachment(
        csv_name=data.csv_name, csv_text=data.csv_text(), csv_description=str(CSV_DESCRIPTION)
    )
    workers = parallel_pdf.worker_count()
    if workers > 1 and len(chunks) > 1 and len(data.lines) >= settings.REPORT_PARALLEL_MIN_PROJECTS:
        summary = None if front_matter else renderer.render(html(part="summary"))

        def lay_out_summary(laid_out: parallel_pdf.LaidOutParts) -> None:
            nonlocal summary
            start_pages = {
                int(name.removeprefix(ANCHOR_PREFIX)): page
                for name, page in laid_out.start_pages.items()
                if name.startswith(ANCHOR_PREFIX)
            }
            summary = renderer.render(summary_html(start_pages, laid_out.pages))

        with parallel_pdf.temporary_folder() as folder:
            laid_out = parallel_pdf.lay_out_parts(
                part_html,
                len(chunks),
                first_page=1 if summary is None else len(summary.pages) + 1,
                folder=folder,
                workers=workers,
                progress=projects_done,
                counted=lay_out_summary if summary is None else None,
            )
            assert summary is not None
            return parallel_pdf.join(summary, laid_out, attachment=attachment)

    def lay_out_parts(first_page: int) -> tuple[list, dict[int, int], int]:
        parts: list = []
        start_pages: dict[int, int] = {}
        page = first_page
        for number in range(len(chunks)):
            part = renderer.render(part_html(number, first_page=page))
            for page_number, laid_out in enumerate(part.pages, start=page):
                for anchor in laid_out.anchors:
                    if anchor.startswith(ANCHOR_PREFIX):
                        start_pages.setdefault(int(anchor.removeprefix(ANCHOR_PREFIX)), page_number)
            page += len(part.pages)
            parts.append(part)
            projects_done(number + 1)
        return parts, start_pages, page - first_page

    if front_matter:
        parts, start_pages, body_pages = lay_out_parts(first_page=1)
        summary = renderer.render(summary_html(start_pages, body_pages))
    else:
        summary = renderer.render(html(part="summary"))
        parts, _start_pages, _body_pages = lay_out_parts(first_page=len(summary.pages) + 1)
    return renderer.write([summary, *parts], attachment=attachment)


def issue_collection(
    data: Collection, *, by: User, progress: Progress | None = None
) -> GeneratedDocument:
    """A report about many projects as a verifiable PDF; unchanged data gets the stored one."""
    key = data_key(data)
    issued = stored_document(data.kind, key)
    if issued is not None:
        return issued
    document = _new_document(data, key, by=by, project=None)
    return _store(document, collection_pdf(data, document, progress=progress))


def agency_report_parameters(agency: Agency, cohort: Cohort | None, year: int | None) -> dict:
    return {"agency": agency.pk, "cohort": cohort.pk if cohort else None, "year": year}


def job_data(job: ReportJob) -> Collection:
    """The data a job's report is built from, read afresh from its parameters."""
    parameters = job.parameters
    if job.kind == GeneratedDocument.Kind.AGENCY_REPORT:
        cohort = parameters.get("cohort")
        return agency_report_data(
            Agency.objects.get(pk=parameters["agency"]),
            cohort=Cohort.objects.get(pk=cohort) if cohort else None,
            year=parameters.get("year"),
        )
    return cohort_recap_data(Cohort.objects.get(pk=parameters["cohort"]))


def request_agency_report(
    *, agency: Agency, cohort: Cohort | None, year: int | None, by: User
) -> ReportJob:
    """Ask for an agency impact report: stored, made now, or queued for the worker."""
    with translation.override(settings.LANGUAGE_CODE):
        data = agency_report_data(agency, cohort=cohort, year=year)
        title = f"{data.scope_title} · {data.scope_note}"
    return _request(
        data, parameters=agency_report_parameters(agency, cohort, year), title=title, by=by
    )


def request_cohort_recap(*, cohort: Cohort, by: User) -> ReportJob:
    """Ask for a cohort recap: stored, made now, or queued for the worker."""
    with translation.override(settings.LANGUAGE_CODE):
        data = cohort_recap_data(cohort)
        title = f"{data.scope_title} · {data.scope_note}"
    return _request(data, parameters={"cohort": cohort.pk}, title=title, by=by)


def _request(data: Collection, *, parameters: dict, title: str, by: User) -> ReportJob:
    key = data_key(data)
    jobs = ReportJob.objects.filter(requested_by=by, kind=data.kind, parameters=parameters)
    stored = stored_document(data.kind, key)
    if stored is not None:
        # Asked again for unchanged data: the stored file, at once, under the job that has it.
        done = jobs.filter(status=ReportJob.Status.DONE, document=stored).first()
        return done or ReportJob.objects.create(
            kind=data.kind,
            requested_by=by,
            parameters=parameters,
            title=title[:300],
            data_key=key,
            status=ReportJob.Status.DONE,
            progress_done=len(data.lines),
            progress_total=len(data.lines),
            document=stored,
            finished_at=timezone.now(),
        )
    waiting = jobs.filter(
        data_key=key, status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING]
    ).first()
    if waiting is not None and not waiting.timed_out():
        return waiting
    spend_quota(by)
    job = ReportJob.objects.create(
        kind=data.kind,
        requested_by=by,
        parameters=parameters,
        title=title[:300],
        data_key=key,
        progress_total=len(data.lines),
    )
    _start(job)
    return job


def _start(job: ReportJob) -> None:
    """Build a small report now; queue a large one for the worker once the job is committed."""
    if job.progress_total <= settings.REPORT_SYNC_MAX_PROJECTS:
        run_report_job(job_id=job.pk, attempt=job.attempt)
        job.refresh_from_db()
        return
    from reports.tasks import build_report  # the task module imports this one

    def enqueue() -> None:
        result = build_report.enqueue(job.pk, job.attempt)
        ReportJob.objects.filter(pk=job.pk, attempt=job.attempt, task_id="").update(
            task_id=str(result.id)[:64]
        )

    transaction.on_commit(enqueue)


class JobTimeLimit(Exception):
    """The job ran past REPORT_JOB_TIME_LIMIT."""


def run_report_job(*, job_id: int, attempt: int) -> None:
    """Build a queued job's report, recording progress, the document, or why it failed.

    Does nothing if this attempt is no longer the job's current one (it was run or retried).
    """
    claimed = ReportJob.objects.filter(
        pk=job_id, attempt=attempt, status=ReportJob.Status.QUEUED
    ).update(status=ReportJob.Status.RUNNING, started_at=timezone.now(), progress_done=0)
    if not claimed:
        return
    job = ReportJob.objects.select_related("requested_by").get(pk=job_id)
    current = ReportJob.objects.filter(pk=job_id, attempt=attempt)
    deadline = time.monotonic() + settings.REPORT_JOB_TIME_LIMIT

    def progress(done: int) -> None:
        if time.monotonic() > deadline:
            raise JobTimeLimit
        current.update(progress_done=done)

    try:
        with translation.override(settings.LANGUAGE_CODE):
            data = job_data(job)
            current.update(progress_total=len(data.lines))
            progress(0)
            document = issue_collection(data, by=job.requested_by, progress=progress)
    except JobTimeLimit:
        current.update(
            status=ReportJob.Status.FAILED,
            failure=ReportJob.Failure.TIME_LIMIT,
            error=f"Stopped after {settings.REPORT_JOB_TIME_LIMIT} s.",
            finished_at=timezone.now(),
        )
    except Exception as exc:
        logger.exception("Report job %s (attempt %s) failed", job_id, attempt)
        current.update(
            status=ReportJob.Status.FAILED,
            failure=ReportJob.Failure.ERROR,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
    else:
        current.update(
            status=ReportJob.Status.DONE,
            document=document,
            data_key=document.data_sha256,
            progress_done=len(data.lines),
            finished_at=timezone.now(),
        )


class JobRefused(Exception):
    """The job cannot be retried now; `message` says why."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def retry_report_job(*, job: ReportJob, by: User) -> ReportJob:
    """Run a failed (or overdue) job again, as the person who asked for it."""
    if job.requested_by_id != by.pk:
        raise JobRefused(_("Hanya peminta laporan ini yang dapat mengulangnya."))
    if not job.is_failed:
        raise JobRefused(_("Laporan ini tidak gagal, jadi tidak perlu diulang."))
    spend_quota(by)
    retried = ReportJob.objects.filter(pk=job.pk, attempt=job.attempt).update(
        status=ReportJob.Status.QUEUED,
        attempt=F("attempt") + 1,
        progress_done=0,
        failure="",
        error="",
        task_id="",
        started_at=None,
        finished_at=None,
    )
    if not retried:
        raise JobRefused(_("Laporan ini sudah diulang; lihat keadaannya di bawah."))
    job.refresh_from_db()
    _start(job)
    return job
