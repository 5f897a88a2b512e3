from __future__ import annotations

from django.core.files.base import ContentFile

from reports.models import GeneratedDocument, ReportJob
from tests.authz import IN_PROJECT_SCOPE, LOGIN, OUT_OF_SCOPE, Row
from tests.conftest import World
from tests.reports.conftest import approve_proposal, endorse_report, record_proposal_seminar
from tracker.models import Seminar


def _issued_document_code(world: World) -> str:
    document = GeneratedDocument.objects.create(
        code="7K3M9QXR2D4B",
        kind=GeneratedDocument.Kind.PROJECT_REPORT,
        title="Laporan Aksi Perubahan Kinerja Organisasi",
        subject=f"“{world.project.title}” oleh {world.participant.full_name}",
        project=world.project,
        generated_by=world.participant,
        data_sha256="0" * 64,
        sha256="1" * 64,
        file="documents/2026/10/project_report-7K3M9QXR2D4B.pdf",
    )
    return document.code


def _job(world) -> int:
    """A finished agency report job of the agency head, its document stored."""
    document = GeneratedDocument.objects.create(
        code="8M4N2PQR6S7T",
        kind=GeneratedDocument.Kind.AGENCY_REPORT,
        title="Laporan dampak proyek perubahan",
        subject="Pemerintah Provinsi Uji dan unit di bawahnya · Semua angkatan",
        generated_by=world.agency_head,
        data_sha256="2" * 64,
        sha256="3" * 64,
        file=ContentFile(b"%PDF-1.7 uji", name="laporan.pdf"),
    )
    job = ReportJob.objects.create(
        kind=GeneratedDocument.Kind.AGENCY_REPORT,
        requested_by=world.agency_head,
        parameters={"agency": world.province.pk, "cohort": None, "year": None},
        title="Pemerintah Provinsi Uji dan unit di bawahnya · Semua angkatan",
        status=ReportJob.Status.DONE,
        document=document,
    )
    return job.pk


def _failed_job(world) -> None:
    _job(world)
    ReportJob.objects.update(status=ReportJob.Status.FAILED, document=None)


# Downloads: the project's participant, coach, mentor, organiser, agency head and the admin.
# Examiners see the project, so the report they may not take is a 403; the approval page they
# may take (it clears the project for their seminar). Everyone else gets 404.
ROWS = [
    Row(
        "reports:project-report",
        others=OUT_OF_SCOPE,
        expect={**IN_PROJECT_SCOPE, "examiner": 403},
        args=lambda world: [world.project.pk],
    ),
    Row(
        "reports:approval-page",
        others=OUT_OF_SCOPE,
        expect=IN_PROJECT_SCOPE,
        args=lambda world: [world.project.pk],
        setup=approve_proposal,
    ),
    # The programme's documents: the rancangan at any state; the laporan akhir and lembar
    # pengesahan once the report is in; the kartu kendali, not for examiners.
    Row(
        "reports:proposal",
        others=OUT_OF_SCOPE,
        expect=IN_PROJECT_SCOPE,
        args=lambda world: [world.project.pk],
    ),
    Row(
        "reports:final-report",
        others=OUT_OF_SCOPE,
        expect=IN_PROJECT_SCOPE,
        args=lambda world: [world.project.pk],
        setup=endorse_report,
    ),
    Row(
        "reports:endorsement-page",
        others=OUT_OF_SCOPE,
        expect=IN_PROJECT_SCOPE,
        args=lambda world: [world.project.pk],
        setup=endorse_report,
    ),
    Row(
        "reports:control-form",
        others=OUT_OF_SCOPE,
        expect={**IN_PROJECT_SCOPE, "examiner": 403},
        args=lambda world: [world.project.pk],
    ),
    # Exports of the other lists: everyone signed in gets their own (maybe empty) rows.
    *(
        Row(
            "reports:list-export",
            others=200,
            expect={"anonymous": LOGIN},
            args=lambda world, name=name, fmt=fmt: [name, fmt],
            case=f"{name}.{fmt}",
        )
        for name in ("milestones", "consultations", "grades")
        for fmt in ("csv", "xlsx")
    ),
    *(
        Row(
            "reports:seminar-export",
            others=200,
            expect={"anonymous": LOGIN},
            args=lambda world, fmt=fmt: [fmt],
            case=fmt,
        )
        for fmt in ("csv", "xlsx")
    ),
    # The post-training commitment: no one has recorded it on the draft, so those who may take
    # it are sent back to the monitoring page (302); the examiner may not (403).
    Row(
        "reports:commitment",
        others=OUT_OF_SCOPE,
        expect={**dict.fromkeys(IN_PROJECT_SCOPE, 302), "examiner": 403},
        args=lambda world: [world.project.pk],
    ),
    # Minutes: the project's participant, coach and mentor, the seminar's examiners, the cohort's
    # organisers and the admin; the agency head sees the project but not its seminar papers.
    Row(
        "reports:seminar-minutes",
        others=OUT_OF_SCOPE,
        expect={**IN_PROJECT_SCOPE, "agency_head": 403},
        args=lambda world: [world.project.pk, Seminar.objects.get(projects=world.project).pk],
        setup=record_proposal_seminar,
    ),
    # Reports about many projects: the agency's heads (and those of the agencies above it) and
    # the admin; a cohort's organisers and the admin. Everyone else: 404.
    Row(
        "reports:agency-report",
        others=OUT_OF_SCOPE,
        expect={"agency_head": 200, "admin": 200, "anonymous": LOGIN},
        args=lambda world: [world.province.pk],
    ),
    Row(
        "reports:cohort-recap",
        others=OUT_OF_SCOPE,
        expect={"organiser": 200, "admin": 200, "anonymous": LOGIN},
        args=lambda world: [world.cohort.pk],
    ),
    # A report job belongs to whoever asked for it (here the agency head), no one else.
    Row(
        "reports:job",
        others=OUT_OF_SCOPE,
        expect={"agency_head": 200, "anonymous": LOGIN},
        args=lambda world: [ReportJob.objects.get().pk],
        setup=_job,
    ),
    Row(
        "reports:job-download",
        others=OUT_OF_SCOPE,
        expect={"agency_head": 200, "anonymous": LOGIN},
        args=lambda world: [ReportJob.objects.get().pk],
        setup=_job,
    ),
    Row(
        "reports:job-retry",
        others=OUT_OF_SCOPE,
        expect={"agency_head": 302, "anonymous": LOGIN},
        args=lambda world: [ReportJob.objects.get().pk],
        method="post",
        setup=_failed_job,
    ),
    # Public: anyone, signed in or not, can check a code.
    Row("reports:verify", others=200, args=lambda world: [_issued_document_code(world)]),
]

# The project list and its downloads: everyone signed in, each seeing only their own projects
# (a stranger gets an empty list, not a refusal).
ROWS += [
    Row("reports:project-list", others=200, expect={"anonymous": LOGIN}),
    Row("reports:project-export-csv", others=200, expect={"anonymous": LOGIN}),
    Row("reports:project-export-xlsx", others=200, expect={"anonymous": LOGIN}),
    # The filter picker's matches: each person's own choices, so everyone signed in gets 200.
    Row(
        "reports:project-filter-choices",
        others=200,
        expect={"anonymous": LOGIN},
        args=lambda world: ["cohort"],
    ),
    # Everyone signed in gets the answers they may read (none for most).
    Row("reports:survey-export-csv", others=200, expect={"anonymous": LOGIN}),
    Row("reports:survey-export-xlsx", others=200, expect={"anonymous": LOGIN}),
]
