"""Benchmark the project report: seconds, pages and peak memory, and Jejak's share of the time.

Seeds N graded projects (texts from the demo data) in a throwaway SQLite database, issues each
project's report the way the download view does, then renders the very same final HTML with
WeasyPrint alone. The ratio of the two says what Jejak adds (queries, template, QR code, CSV,
hashing, storage) on top of layout and PDF writing.

    .venv/bin/python benchmarks/reports.py --projects 20
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(workdir: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-deployment")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["LOG_LEVEL"] = "WARNING"
    from django.conf import settings

    # Never the developer's database: a fresh SQLite file that is deleted afterwards.
    settings.DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(workdir / "bench.db")}
    }
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(count: int) -> list:
    """`count` projects carried from draft to a passed results seminar."""
    import datetime

    from django.utils import timezone

    from mentoring.services import project_sign_off
    from tracker import demo_data
    from tracker.models import (
        Agency,
        ChangeProject,
        Cohort,
        ImpactIndicator,
        Programme,
        Seminar,
        User,
    )
    from tracker.services import project_submit_proposal, project_submit_report, run_transition

    province = Agency.objects.create(code="PROV", name="Pemerintah Provinsi Jawa Barat")
    dinas = Agency.objects.create(
        code="DINKES", name="Dinas Kesehatan Provinsi Jawa Barat", parent=province
    )

    def person(username: str, name: str, number: int) -> User:
        return User.objects.create(
            username=username,
            full_name=name,
            nip=f"19800101200501{1 + number % 2}{number:03d}",
            position="Widyaiswara Ahli Madya",
            agency=dinas,
        )

    coach = person("coach", "Dr. Hendra Gunawan, M.Pd.", 1)
    mentor = person("mentor", "dr. Ahmad Fauzi, M.Kes.", 2)
    examiner = person("penguji", "Prof. Dr. Bambang Suryadi, M.A.", 3)
    cohort = Cohort.objects.create(
        programme=Programme.PKA,
        number="XVIII",
        year=2026,
        institution="BPSDM Provinsi Jawa Barat",
        learning_starts_on=datetime.date(2026, 9, 7),
        learning_ends_on=datetime.date(2026, 10, 16),
        implementation_starts_on=datetime.date(2026, 10, 26),
        implementation_ends_on=datetime.date(2026, 12, 24),
        closes_on=datetime.date(2027, 1, 15),
    )
    seminars = {
        kind: Seminar.objects.create(
            cohort=cohort, kind=kind, starts_at=timezone.now(), place="Aula BPSDM"
        )
        for kind in (Seminar.Kind.PROPOSAL, Seminar.Kind.RESULTS)
    }
    for seminar in seminars.values():
        seminar.examiners.add(examiner)

    projects = []
    for number in range(count):
        texts = demo_data.PROJECTS[number % len(demo_data.PROJECTS)]
        title, problem, short, medium, long_, stakeholders, innovation, indicators = texts[5:13]
        participant = person(f"peserta{number}", f"Peserta Benchmark {number}", 100 + number)
        project = ChangeProject.objects.create(
            participant=participant,
            cohort=cohort,
            agency=dinas,
            coach=coach,
            mentor=mentor,
            title=title,
            problem_statement=problem,
            goal_short_term=short,
            goal_medium_term=medium,
            goal_long_term=long_,
            stakeholders=stakeholders,
            innovation_summary=innovation,
        )
        for name, unit, baseline, target in indicators:
            ImpactIndicator.objects.create(
                project=project,
                name=name,
                unit=unit,
                baseline=Decimal(baseline),
                target=Decimal(target),
            )
        for seminar in seminars.values():
            seminar.projects.add(project)
        project_submit_proposal(project=project, by=participant)
        project_sign_off(project=project, by=coach, stage="proposal")
        project_sign_off(project=project, by=mentor, stage="proposal")
        run_transition(
            project=project, by=examiner, name="record_proposal_seminar", arguments=(True,)
        )
        project_submit_report(project=project, by=participant)
        project_sign_off(project=project, by=coach, stage="report")
        project_sign_off(project=project, by=mentor, stage="report")
        run_transition(
            project=project,
            by=examiner,
            name="grade",
            arguments=(ChangeProject.State.PASSED,),
            comment="Capaian sesuai rencana dengan bukti lengkap.",
        )
        projects.append((project, participant))
    return projects


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=20, help="projects to seed (default 20)")
    args = parser.parse_args()
    if args.projects < 1:
        parser.error("--projects must be at least 1")

    with tempfile.TemporaryDirectory(prefix="jejak-bench-") as workdir:
        setup_django(Path(workdir))
        import weasyprint
        from django.conf import settings
        from django.utils import translation
        from pypdf import PdfReader

        from reports.pdf import PDF_VARIANT, JejakURLFetcher, site_base_url
        from reports.selectors import project_report_data
        from reports.services import document_html, issue_project_report

        started = time.perf_counter()
        projects = seed(args.projects)
        seeding = time.perf_counter() - started
        rss_before = peak_rss_mib()

        totals, alone, pages = [], [], []
        for project, participant in projects:
            started = time.perf_counter()
            document = issue_project_report(project=project, by=participant)
            totals.append(time.perf_counter() - started)
            with document.file.open("rb") as stored:
                pages.append(len(PdfReader(stored).pages))

            with translation.override(settings.LANGUAGE_CODE):
                data = project_report_data(project)
                html = document_html(data, document)
                attachment = weasyprint.Attachment(
                    string=data.csv_text(), name=data.csv_name, relationship="Data"
                )
            started = time.perf_counter()
            weasyprint.HTML(
                string=html, base_url=site_base_url(), url_fetcher=JejakURLFetcher()
            ).write_pdf(pdf_variant=PDF_VARIANT, attachments=[attachment])
            alone.append(time.perf_counter() - started)

        # The first report also loads fonts and warms caches: shown apart, left out of the rest.
        warm = slice(1, None) if len(totals) > 1 else slice(None)
        totals_warm, alone_warm = totals[warm], alone[warm]
        print(f"projects seeded         {args.projects} in {seeding:.1f} s")
        print(f"first report (cold)     {totals[0]:.3f} s")
        print(
            f"report seconds          mean {statistics.mean(totals_warm):.3f}  "
            f"median {statistics.median(totals_warm):.3f}  max {max(totals_warm):.3f}"
        )
        print(
            f"weasyprint alone        mean {statistics.mean(alone_warm):.3f}  "
            f"median {statistics.median(alone_warm):.3f}  max {max(alone_warm):.3f}"
        )
        print(f"pages per report        min {min(pages)}  max {max(pages)}")
        peak = peak_rss_mib()
        print(f"peak RSS                {peak:.0f} MiB (after seeding {rss_before:.0f} MiB)")
        print(f"ratio Jejak/WeasyPrint  {sum(totals_warm) / sum(alone_warm):.2f}")


if __name__ == "__main__":
    main()
