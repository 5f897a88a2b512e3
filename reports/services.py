"""Writes of the reports app: issuing a document renders its PDF and records it for verification."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from reports.models import GeneratedDocument
from reports.pdf import html_to_pdf, qr_svg
from reports.selectors import (
    CODE_ALPHABET,
    CODE_LENGTH,
    ProjectDocument,
    approval_page_data,
    project_report_data,
    seminar_minutes_data,
)
from tracker.models import ChangeProject, Seminar, User

# Raise when a template's layout changes, so documents issued with the old layout are not reused.
LAYOUT_VERSION = 1

TEMPLATES = {
    GeneratedDocument.Kind.PROJECT_REPORT: "reports/project_report.html",
    GeneratedDocument.Kind.APPROVAL_PAGE: "reports/approval_page.html",
    GeneratedDocument.Kind.SEMINAR_MINUTES: "reports/seminar_minutes.html",
}


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
        TEMPLATES[data.kind],
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


def issue_seminar_minutes(
    *, seminar: Seminar, project: ChangeProject, by: User
) -> GeneratedDocument:
    """The minutes of a project at a seminar as a verifiable PDF, once its result is recorded."""
    with translation.override(settings.LANGUAGE_CODE):
        data = seminar_minutes_data(seminar, project)
        if data is None:
            raise DocumentUnavailable(
                _("Berita acara belum tersedia: hasil seminar untuk proyek ini belum dicatat.")
            )
        return _issue(data, project=project, by=by)


def _issue(data: ProjectDocument, *, project: ChangeProject, by: User) -> GeneratedDocument:
    csv_text = data.csv_text()
    fingerprint = hashlib.sha256(f"{LAYOUT_VERSION}\n{data.kind}\n{csv_text}".encode()).hexdigest()
    issued = GeneratedDocument.objects.filter(
        kind=data.kind, project=project, data_sha256=fingerprint
    ).first()
    if issued is not None and issued.file.storage.exists(issued.file.name):
        return issued
    document = GeneratedDocument(
        code=new_code(),
        kind=data.kind,
        title=data.document_title[:300],
        subject=data.subject[:500],
        project=project,
        generated_at=timezone.now(),
        generated_by=by,
        data_sha256=fingerprint,
    )
    pdf = html_to_pdf(
        document_html(data, document),
        csv_name=data.csv_name,
        csv_text=csv_text,
        csv_description=str(_("Data dokumen dalam bentuk tabel (CSV)")),
    )
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.file.save(f"{document.code}.pdf", ContentFile(pdf), save=False)
    document.save()
    return document
