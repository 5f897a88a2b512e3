from __future__ import annotations

from reports.models import GeneratedDocument
from tests.authz import IN_PROJECT_SCOPE, OUT_OF_SCOPE, Row
from tests.conftest import World
from tests.reports.conftest import approve_proposal, record_proposal_seminar
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
    # Minutes: the project's participant, coach and mentor, the seminar's examiners, the cohort's
    # organisers and the admin; the agency head sees the project but not its seminar papers.
    Row(
        "reports:seminar-minutes",
        others=OUT_OF_SCOPE,
        expect={**IN_PROJECT_SCOPE, "agency_head": 403},
        args=lambda world: [world.project.pk, Seminar.objects.get(projects=world.project).pk],
        setup=record_proposal_seminar,
    ),
    # Public: anyone, signed in or not, can check a code.
    Row("reports:verify", others=200, args=lambda world: [_issued_document_code(world)]),
]
