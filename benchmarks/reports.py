"""Benchmark Jejak's documents: seconds, pages, pages per second, peak memory, Jejak's share.

Each scenario runs in a fresh Python process on a throwaway SQLite database, seeded with
graded projects that have a realistic record (texts from the demo data, a plan of milestones
with evidence, consultations, indicator measurements, rubric scores and a predikat):

- the project report, issued for each of --projects projects the way the download view does
  (the first one cold, the rest warm);
- the agency impact report of N projects (--agency, default 10, 100 and 1,000: a province's
  year, about 700 pages), built by the report job exactly as the background worker does: from
  REPORT_PARALLEL_MIN_PROJECTS projects on, in one worker process per core, joined (--workers 1
  for the single-process path);
- an unchanged agency report asked for again through the web view and downloaded, which is
  served from storage.

For the project report and the agency report the very same final HTML is also rendered by
WeasyPrint alone in one process, so the ratio of the two says what Jejak adds (queries,
templates, QR code, CSV, charts, laying the report out in parts, hashing, storage) on top of
layout and PDF writing, or, in parallel, what it saves. Peak memory and CPU are of the whole
process tree (the PDF workers included), sampled every 20 ms.

Seeding 1,000 projects through the services takes minutes; --seed-cache DIR keeps each seeded
database there for later runs of the same day.

    .venv/bin/python benchmarks/reports.py --seed-cache /tmp/jejak-seed
    .venv/bin/python benchmarks/reports.py --projects 20 --agency 10 100 --workers 1
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup_django(workdir: Path, seeded: Path | None = None) -> bool:
    """Configure Django on a fresh SQLite file; with `seeded`, on a copy of that database
    instead (returns True then: migrated and seeded already)."""
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-any-deployment")
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "0"
    os.environ["REPORT_RATE_LIMIT"] = "100000"
    from django.conf import settings

    # Never the developer's database: a fresh SQLite file that is deleted afterwards.
    database = workdir / "bench.db"
    settings.DATABASES = {
        "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": str(database)}
    }
    import django

    django.setup()
    if seeded is not None and seeded.exists():
        shutil.copyfile(seeded, database)
        return True
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return False


def seed_cache_path(directory: str | None, count: int) -> Path | None:
    """Where a seeded database of `count` projects is kept between runs (keyed by the day, since
    the seed dates milestones from today, and by the migrations, since they shape the file)."""
    if not directory:
        return None
    import datetime
    import hashlib

    migrations = sorted(ROOT.glob("*/migrations/0*.py"))
    key = hashlib.sha256("".join(path.name for path in migrations).encode()).hexdigest()[:10]
    return Path(directory) / f"agency-{count}-{datetime.date.today():%Y%m%d}-{key}.db"


def seed(count: int) -> list:
    """`count` projects carried from draft to a graded results seminar, with their records."""
    import datetime

    from django.utils import timezone

    from mentoring.models import Consultation
    from mentoring.selectors import rubric_for
    from mentoring.services import (
        project_sign_off,
        seminar_grade,
        seminar_record_proposal_result,
        seminar_record_scores,
    )
    from milestones.models import Evidence, IndicatorMeasurement, Milestone, MilestoneRating, Term
    from tracker import demo_data
    from tracker.models import (
        Agency,
        AgencyHead,
        ChangeProject,
        Cohort,
        ImpactIndicator,
        Programme,
        Role,
        Seminar,
        User,
    )
    from tracker.services import project_submit_proposal, project_submit_report

    province = Agency.objects.create(code="PROV", name="Pemerintah Provinsi Jawa Barat")
    dinas = Agency.objects.create(
        code="DINKES", name="Dinas Kesehatan Provinsi Jawa Barat", parent=province
    )
    units = [dinas] + [
        Agency.objects.create(code=f"UPTD{number}", name=f"UPTD Wilayah {number}", parent=dinas)
        for number in range(1, 4)
    ]

    def person(username: str, name: str, number: int, agency=dinas) -> User:
        return User.objects.create(
            username=username,
            full_name=name,
            nip=f"19800101200501{1 + number % 2}{number:03d}",
            position="Widyaiswara Ahli Madya",
            agency=agency,
        )

    coach = person("coach", "Dr. Hendra Gunawan, M.Pd.", 1)
    mentor = person("mentor", "dr. Ahmad Fauzi, M.Kes.", 2)
    examiner = person("penguji", "Prof. Dr. Bambang Suryadi, M.A.", 3)
    head = person("kepala", "Dr. Ir. Siti Rahayu, M.M.", 4)
    AgencyHead.objects.create(user=head, agency=dinas)
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
    criteria = list(rubric_for(seminars[Seminar.Kind.RESULTS]).criteria.all())
    proposal_criteria = list(rubric_for(seminars[Seminar.Kind.PROPOSAL]).criteria.all())
    today = timezone.localdate()

    projects = []
    for number in range(count):
        texts = demo_data.PROJECTS[number % len(demo_data.PROJECTS)]
        title, problem, short, medium, long_, stakeholders, innovation, indicators = texts[5:13]
        participant = person(
            f"peserta{number}", f"Peserta Benchmark {number}", 100 + number, units[number % 4]
        )
        project = ChangeProject.objects.create(
            participant=participant,
            cohort=cohort,
            agency=participant.agency,
            coach=coach,
            mentor=mentor,
            title=f"{title} ({number + 1})",
            problem_statement=problem,
            goal_short_term=short,
            goal_medium_term=medium,
            goal_long_term=long_,
            stakeholders=stakeholders,
            innovation_summary=innovation,
        )
        plan = [
            (Term.SHORT, "Rapat koordinasi dengan pemangku kepentingan", -40, -30),
            (Term.SHORT, "Uji coba layanan di unit percontohan", -30, -10),
            (Term.SHORT, "Evaluasi uji coba dan laporan kepada pimpinan", -10, -2),
            (Term.MEDIUM, "Perluasan layanan ke seluruh unit", 30, 200),
            (Term.LONG, "Layanan menjadi standar pelayanan daerah", 200, 600),
        ]
        milestones = Milestone.objects.bulk_create(
            Milestone(
                project=project,
                term=term,
                activity=activity,
                implementer="Peserta dan tim efektif",
                start_date=today + datetime.timedelta(days=start),
                due_date=today + datetime.timedelta(days=due),
                expected_output="Notulen, laporan dan dokumentasi kegiatan",
                order=order,
                state="accepted" if term == Term.SHORT else "planned",
            )
            for order, (term, activity, start, due) in enumerate(plan, start=1)
        )
        Evidence.objects.bulk_create(
            Evidence(
                milestone=milestone,
                kind=Evidence.Kind.LINK,
                caption=f"Dokumentasi kegiatan: {milestone.activity.lower()}",
                url=f"https://dinkes.example.go.id/berita/{project.pk}-{milestone.order}",
                uploaded_by=participant,
            )
            for milestone in milestones[:3]
        )
        for name, unit, baseline, target in indicators:
            indicator = ImpactIndicator.objects.create(
                project=project,
                name=name,
                unit=unit,
                baseline=Decimal(baseline),
                target=Decimal(target),
            )
            IndicatorMeasurement.objects.create(
                indicator=indicator,
                value=(Decimal(baseline) + Decimal(target)) / 2,
                measured_on=today,
                recorded_by=participant,
            )
        Consultation.objects.bulk_create(
            Consultation(
                project=project,
                recorded_by=participant,
                consultant=consultant,
                consultant_role=role,
                held_on=today - datetime.timedelta(days=days),
                mode=Consultation.Mode.IN_PERSON,
                topic=topic,
                outcome="Disepakati langkah berikutnya dan penanggung jawabnya.",
                stage=stage,
                status=Consultation.Status.CONFIRMED,
            )
            for days, consultant, role, stage, topic in [
                (60, coach, Role.COACH, "proposal", "Penajaman rumusan masalah"),
                (45, mentor, Role.MENTOR, "proposal", "Dukungan pimpinan"),
                (20, mentor, Role.MENTOR, "implementation", "Hasil uji coba"),
            ]
        )
        for seminar in seminars.values():
            seminar.projects.add(project)
        project_submit_proposal(project=project, by=participant)
        project_sign_off(project=project, by=coach, stage="proposal")
        project_sign_off(project=project, by=mentor, stage="proposal")
        proposal = seminars[Seminar.Kind.PROPOSAL]
        seminar_record_scores(
            seminar=proposal,
            project=project,
            by=examiner,
            scores={c.pk: c.max_score * 85 / 100 for c in proposal_criteria},
            decision="accepted",
        )
        seminar_record_proposal_result(seminar=proposal, project=project, by=examiner)
        project_submit_report(project=project, by=participant)
        project_sign_off(project=project, by=coach, stage="report")
        project_sign_off(project=project, by=mentor, stage="report")
        results = seminars[Seminar.Kind.RESULTS]
        percent = Decimal(70 + number % 25)
        seminar_record_scores(
            seminar=results,
            project=project,
            by=examiner,
            scores={c.pk: c.max_score * percent / 100 for c in criteria},
        )
        MilestoneRating.objects.bulk_create(
            MilestoneRating(
                milestone=milestone, examiner=examiner, seminar=results, rating="sesuai"
            )
            for milestone in milestones[:3]
        )
        seminar_grade(
            seminar=results,
            project=project,
            by=examiner,
            comment="Capaian jangka pendek terpenuhi dengan bukti lengkap.",
        )
        projects.append((project, participant))
    return projects


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


class WeasyPrintClock:
    """Adds up the time spent inside WeasyPrint's layout and PDF writing, wherever called."""

    def __init__(self) -> None:
        import weasyprint
        from weasyprint.document import Document

        self.seconds = 0.0
        for owner, name in ((weasyprint.HTML, "render"), (Document, "write_pdf")):
            original = getattr(owner, name)
            setattr(owner, name, self._timed(original))

    def _timed(self, original):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started

        return timed

    def __enter__(self):
        self.start = self.seconds
        return self

    def __exit__(self, *exc) -> None:
        self.spent = self.seconds - self.start


def pdf_pages(document) -> int:
    from pypdf import PdfReader

    with document.file.open("rb") as stored:
        return len(PdfReader(stored).pages)


# --- scenarios, each in its own process -----------------------------------------------------


def project_report_scenario(count: int) -> dict:
    import weasyprint
    from django.conf import settings
    from django.utils import translation

    from reports.documents.project_report import project_report_data
    from reports.pdf import PDF_VARIANT, JejakURLFetcher, site_base_url
    from reports.services import document_html, issue_project_report

    started = time.perf_counter()
    projects = seed(count)
    seeding = time.perf_counter() - started
    clock = WeasyPrintClock()
    totals, alone, pages, cpu, own = [], [], [], [], []
    for project, participant in projects:
        started, cpu_started = time.perf_counter(), time.process_time()
        with clock as inside:
            document = issue_project_report(project=project, by=participant)
        totals.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
        own.append(totals[-1] - inside.spent)
        pages.append(pdf_pages(document))
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
    project, participant = projects[0]
    started = time.perf_counter()
    issue_project_report(project=project, by=participant)  # unchanged: from storage
    stored = time.perf_counter() - started
    # The first report also loads fonts and warms caches: shown apart, left out of the rest.
    warm = slice(1, None) if len(totals) > 1 else slice(None)
    return {
        "scenario": "project report",
        "projects": count,
        "seeding": seeding,
        "cold": totals[0],
        "seconds": statistics.median(totals[warm]),
        "max": max(totals[warm]),
        "alone": statistics.median(alone[warm]),
        "ratio": statistics.median(
            total / single for total, single in zip(totals[warm], alone[warm], strict=True)
        ),
        "cpu": statistics.median(cpu[warm]),
        "own": statistics.median(own[warm]),
        "own_share": sum(own[warm]) / (sum(totals[warm]) - sum(own[warm])),
        "pages": statistics.median(pages),
        "pages_range": [min(pages), max(pages)],
        "peak_rss": peak_rss_mib(),
        "stored": stored,
    }


class TreeMemory:
    """Samples this process and all its descendants (the PDF workers and the server they are
    forked from) every 20 ms: `peak` is the largest sum of resident memory seen (MiB), `cpu` the
    CPU seconds they spent while sampled.

    Each process is also followed by role: `roles` holds the peak of this process ("parent"),
    of the fork server, and of the largest worker, and `at_peak` the same roles' memory at the
    moment of the tree's peak (the workers summed), with the seconds since the start. A sum of
    resident memory counts twice the pages a forked worker still shares with its server; `pss`
    is the peak of the proportional set sizes, which count them once.

    With BENCH_MEMORY_LOG=FILE every sample is appended there as a line (seconds, then each
    process's role and MiB), and so is each `mark(label)`."""

    def __init__(self) -> None:
        import threading

        self.peak = self.pss = 0.0
        self.roles: dict[str, float] = {}
        self.at_peak: dict[str, float] = {}
        self._started = time.perf_counter()
        self._ticks: dict[int, tuple[int, int]] = {}  # pid: (first, last) user+system ticks
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        log = os.environ.get("BENCH_MEMORY_LOG")
        self._log = open(log, "a") if log else None  # noqa: SIM115 (closed in __exit__)

    def mark(self, label: str) -> None:
        if self._log is not None:
            self._log.write(f"{time.perf_counter() - self._started:.2f} --- {label}\n")

    def __enter__(self):
        self._started = time.perf_counter()
        self.mark("sampling starts")
        self._measure()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._measure()
        if self._log is not None:
            self._log.close()

    @property
    def cpu(self) -> float:
        return sum(last - first for first, last in self._ticks.values()) / os.sysconf("SC_CLK_TCK")

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self._measure()

    def _measure(self) -> None:
        total, pss, known = 0.0, 0.0, bool(self._ticks)
        now: dict[str, float] = {}
        line = []
        for pid, rss, ticks, role in self.tree():
            line.append(f"{role}:{rss:.0f}")
            total += rss
            pss += _pss_mib(pid)
            now[role] = now.get(role, 0.0) + rss
            key = "worker" if role == "workers" else role
            self.roles[key] = max(self.roles.get(key, 0.0), rss)
            # A process there at the start counts from then; one started later from zero.
            first = self._ticks[pid][0] if pid in self._ticks else (ticks if not known else 0)
            self._ticks[pid] = (first, ticks)
        self.pss = max(self.pss, pss)
        if self._log is not None:
            seconds = time.perf_counter() - self._started
            self._log.write(f"{seconds:.2f} {total:.0f} pss:{pss:.0f} {' '.join(line)}\n")
        if total > self.peak:
            self.peak = total
            self.at_peak = {**now, "second": time.perf_counter() - self._started}

    @staticmethod
    def tree() -> list[tuple[int, float, int, str]]:
        """(pid, resident MiB, CPU ticks, role) of this process and each of its descendants; the
        role is "parent" (this process), "forkserver", "workers" (the fork server's children) or
        "other" (multiprocessing's resource tracker)."""
        pids, found, index = [(os.getpid(), "parent")], [], 0
        while index < len(pids):
            pid, role = pids[index]
            index += 1
            try:
                status = Path(f"/proc/{pid}/status").read_text()
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                if role == "other" and b"forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    role = "forkserver"
                children = {"parent": "other", "forkserver": "workers"}.get(role, role)
                for task in Path(f"/proc/{pid}/task").iterdir():
                    found_children = (task / "children").read_text().split()
                    pids += [(int(child), children) for child in found_children]
            except OSError:
                continue
            rss = next(  # a process that has ended but is not yet reaped has none
                (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")),
                0,
            )
            found.append((pid, rss / 1024, int(stat[11]) + int(stat[12]), role))
        return found

    @classmethod
    def now(cls) -> float:
        return sum(rss for _pid, rss, _ticks, _role in cls.tree())


def _pss_mib(pid: int) -> float:
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0.0
    return next(
        (int(line.split()[1]) / 1024 for line in rollup.splitlines() if line.startswith("Pss:")),
        0.0,
    )


def agency_report_scenario(count: int, *, seeded: bool, cache: Path | None) -> dict:
    import weasyprint
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from reports import parallel_pdf, pdf, services
    from reports.models import GeneratedDocument, ReportJob
    from tracker.models import Agency, User

    started = time.perf_counter()
    if not seeded:
        seed(count)
        if cache is not None:
            connection.close()
            cache.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(settings_database(), cache)
    seeding = time.perf_counter() - started
    province = Agency.objects.get(code="PROV")
    admin = User.objects.create(username="admin", full_name="Admin", is_superuser=True)
    rss_before = TreeMemory.now()
    load = [os.getloadavg()[0]]

    # Record the final HTML of the summary and every part (the summary is made last).
    rendered: list[str] = []
    original_render = services.render_to_string

    def recording_render(template_name, context=None, *args, **kwargs):
        html = original_render(template_name, context, *args, **kwargs)
        if template_name == services.AgencyReport.template_name:
            rendered.append(html)
        return html

    services.render_to_string = recording_render
    # Where the job is, marked in the memory log: the parts, the summary, the join, the storing.
    watched: list[TreeMemory] = []
    for owner, name in (
        (parallel_pdf, "lay_out_parts"),
        (services.PartRenderer, "render"),
        (parallel_pdf, "join"),
        (services, "_store"),
    ):
        setattr(owner, name, marked(getattr(owner, name), name, watched))
    totals, alones, cpu, peaks, alone_peaks, pages, size = [], [], [], [], [], 0, 0
    breakdown: dict = {}  # the memory of the round with the highest peak
    for _round in range(int(os.environ.get("BENCH_ROUNDS", 0)) or (3 if count <= 20 else 2)):
        # Each round builds the report anew: forget the one stored by the round before.
        ReportJob.objects.all().delete()
        GeneratedDocument.objects.filter(kind=GeneratedDocument.Kind.AGENCY_REPORT).delete()
        rendered.clear()
        job = ReportJob.objects.create(
            kind=GeneratedDocument.Kind.AGENCY_REPORT,
            requested_by=admin,
            parameters=services.agency_report_parameters(province, None, None),
            title="Benchmark",
        )
        started = time.perf_counter()
        with TreeMemory() as memory:
            watched[:] = [memory]
            services.run_report_job(job_id=job.pk, attempt=job.attempt)  # as the worker does
        watched.clear()
        totals.append(time.perf_counter() - started)
        cpu.append(memory.cpu)
        peaks.append(memory.peak)
        if memory.peak >= max(peaks):
            breakdown = {"pss": memory.pss, **memory.roles, "at_peak": memory.at_peak}
        job.refresh_from_db()
        assert job.status == ReportJob.Status.DONE, job.error
        pages = pdf_pages(job.document)
        size = job.document.file.size

        # WeasyPrint alone, in one process, on the same final HTML: the summary, then the parts.
        if os.environ.get("BENCH_NO_ALONE"):
            alones.append(float("nan"))
            alone_peaks.append(float("nan"))
        else:
            data = services.job_data(job)
            final = [rendered[-1], *rendered[:-1]]
            started = time.perf_counter()
            with TreeMemory() as memory:
                fetcher = pdf.JejakURLFetcher()
                documents = [
                    weasyprint.HTML(
                        string=html, base_url=pdf.site_base_url(), url_fetcher=fetcher
                    ).render(pdf_variant=pdf.PDF_VARIANT)
                    for html in final
                ]
                attachment = weasyprint.Attachment(
                    string=data.csv_text(), name=data.csv_name, relationship="Data"
                )
                documents[0].copy(
                    [page for document in documents for page in document.pages]
                ).write_pdf(pdf_variant=pdf.PDF_VARIANT, attachments=[attachment])
                del documents
            alones.append(time.perf_counter() - started)
            alone_peaks.append(memory.peak)
        load.append(os.getloadavg()[0])
    services.render_to_string = original_render

    # Asked again, unchanged: through the web view, then the download.
    client = Client()
    client.force_login(admin)
    url = reverse("reports:agency-report", args=[province.pk])
    client.post(url)  # warm the view's imports and templates
    started = time.perf_counter()
    response = client.post(url)
    download = client.get(response["Location"])
    body = b"".join(download.streaming_content)
    stored = time.perf_counter() - started
    assert download.status_code == 200 and body.startswith(b"%PDF")
    workers = parallel_pdf.worker_count()
    parallel = workers > 1 and count >= settings.REPORT_PARALLEL_MIN_PROJECTS
    return {
        "scenario": f"agency report N={count}",
        "projects": count,
        "workers": workers if parallel else 1,
        "seeding": seeding,
        "seconds": statistics.median(totals),
        "alone": statistics.median(alones),
        "ratio": statistics.median(t / a for t, a in zip(totals, alones, strict=True)),
        "cpu": statistics.median(cpu),
        "rounds": [round(t, 2) for t in totals],
        "alone_rounds": [round(t, 2) for t in alones],
        "pages": pages,
        "bytes": size,
        "peak_rss": max(peaks),
        "memory": breakdown,
        "alone_peak_rss": max(alone_peaks),
        "rss_before": rss_before,
        "load": [round(value, 2) for value in load],
        "stored": stored,
    }


def marked(function, name: str, watched: list[TreeMemory]):
    """`function`, marking in the memory log of the sampler in `watched` when it starts and
    ends."""

    def wrapper(*args, **kwargs):
        for memory in watched:
            memory.mark(f"{name} starts")
        try:
            return function(*args, **kwargs)
        finally:
            for memory in watched:
                memory.mark(f"{name} ends")

    return wrapper


def settings_database() -> Path:
    from django.conf import settings

    return Path(settings.DATABASES["default"]["NAME"])


def run_scenario(name: str, count: int, seed_cache: str | None) -> None:
    with tempfile.TemporaryDirectory(prefix="jejak-bench-") as workdir:
        if name == "project":
            setup_django(Path(workdir))
            result = project_report_scenario(count)
        else:
            cache = seed_cache_path(seed_cache, count)
            seeded = setup_django(Path(workdir), cache)
            result = agency_report_scenario(count, seeded=seeded, cache=cache)
    print(json.dumps(result))


def child(name: str, count: int, seed_cache: str | None = None) -> dict:
    cache = ["--seed-cache", seed_cache] if seed_cache else []
    output = subprocess.run(
        [sys.executable, __file__, "--scenario", name, str(count), *cache],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=20, help="project reports (default 20)")
    parser.add_argument(
        "--agency", type=int, nargs="*", default=[10, 100, 1000], help="agency report sizes"
    )
    parser.add_argument(
        "--rounds", type=int, help="agency report rounds (default 3 up to N=20, else 2)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="PDF worker processes for the agency report (default: one per core; 1: none)",
    )
    parser.add_argument(
        "--seed-cache",
        metavar="DIR",
        help="keep the seeded agency databases here and reuse them on later runs the same day",
    )
    parser.add_argument(
        "--no-alone",
        action="store_true",
        help="skip WeasyPrint alone on the agency report's HTML (its columns show nan)",
    )
    parser.add_argument("--scenario", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rounds is not None:
        os.environ["BENCH_ROUNDS"] = str(args.rounds)
    if args.no_alone:
        os.environ["BENCH_NO_ALONE"] = "1"
    if args.workers is not None:
        os.environ["REPORT_WORKERS"] = str(args.workers)  # read by the scenarios' settings
    if args.scenario:
        run_scenario(args.scenario[0], int(args.scenario[1]), args.seed_cache)
        return
    if args.projects < 2 or any(size < 1 for size in args.agency):
        parser.error("--projects must be at least 2 and agency sizes at least 1")

    results = [child("project", args.projects)] + [
        child("agency", n, args.seed_cache) for n in args.agency
    ]
    print(
        f"{'':24}{'seconds':>8}{'cpu s':>7}{'pages':>6}{'pages/s':>8}{'peak RSS':>10}"
        f"{'WP alone':>10}{'Jejak/WP':>9}{'WP RSS':>9}{'MiB':>6}{'load':>6}{'stored':>10}"
    )
    for result in results:
        agency = result["scenario"] != "project report"
        print(
            f"{result['scenario']:24}{result['seconds']:>8.3f}{result['cpu']:>7.3f}"
            f"{result['pages']:>6}{result['pages'] / result['seconds']:>8.2f}"
            f"{result['peak_rss']:>6.0f} MiB{result['alone']:>8.3f} s{result['ratio']:>9.3f}"
            + (
                f"{result['alone_peak_rss']:>5.0f} MiB{result['bytes'] / 2**20:>6.1f}"
                f"{max(result['load']):>6.1f}"
                if agency
                else f"{'':>21}"
            )
            + f"{result['stored'] * 1000:>7.1f} ms"
        )
    project = results[0]
    print(
        f"\nproject report: median of {project['projects'] - 1} warm reports "
        f"(max {project['max']:.3f} s, first cold {project['cold']:.3f} s), "
        f"pages {project['pages_range'][0]}-{project['pages_range'][1]}; Jejak's own time "
        f"outside WeasyPrint {project['own']:.3f} s ({project['own_share'] * 100:.1f}%)"
    )
    print(
        "agency report: the worker's whole job (data, layout in parts, PDF, storage), median of "
        "the rounds; workers: "
        + ", ".join(f"N={r['projects']}: {r['workers']}" for r in results[1:])
    )
    print("peak RSS: this process and its children (PDF workers, their fork server) together")
    print("WP alone: WeasyPrint in one process on the same final HTML; WP RSS its peak")
    print("MiB: the stored PDF; load: the highest 1-minute load average seen during the runs")
    print(
        f"\n{'peak memory (MiB)':24}{'tree':>7}{'PSS':>7}{'parent':>8}{'server':>8}{'worker':>8}"
        f"   at the tree's peak: parent + workers (second)"
    )
    for result in results[1:]:
        memory, at = result["memory"], result["memory"]["at_peak"]
        print(
            f"{result['scenario']:24}{result['peak_rss']:>7.0f}{memory['pss']:>7.0f}"
            f"{memory['parent']:>8.0f}{memory.get('forkserver', 0):>8.0f}"
            f"{memory.get('worker', 0):>8.0f}   {at.get('parent', 0):.0f} + "
            f"{at.get('workers', 0):.0f} ({at['second']:.1f} s)"
        )
    print(
        "tree: resident memory of the whole process tree summed (forked pages shared with the "
        "server counted in each); PSS: the same with shared pages counted once; parent, server, "
        "worker: each one's own peak (worker: the largest)"
    )
    by_size = {result["projects"]: result for result in results[1:]}
    for small, large in ((10, 100), (100, 1000)):
        if small in by_size and large in by_size:
            ratio = by_size[large]["seconds"] / by_size[small]["seconds"]
            print(f"time({large}) / time({small})    {ratio:.2f}")
    print("stored: an unchanged report asked for again (web view + download; project: service)")


if __name__ == "__main__":
    main()
