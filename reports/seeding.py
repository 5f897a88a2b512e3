"""Generated projects in bulk, for load tests and benchmarks (`manage.py seed_projects`).

Bulk inserts, a few seconds per 10,000 projects: agencies under a few provinces, cohorts with
an organiser, participants, coaches, mentors, projects spread over the workflow's states and
three milestones each, some overdue. Usernames, agency codes and cohort numbers start with
`bench`, so the rows are easy to tell from real ones, and seeding again adds nothing.

    from reports.seeding import seed_projects
    seed_projects(10_000, under="DINKES-JABAR", share=0.1)
"""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from milestones.models import Milestone, Term
from tracker import summary
from tracker.models import Agency, ChangeProject, Cohort, Programme, User

PREFIX = "bench"
PER_COHORT = 250
PER_AGENCY = 100
S = ChangeProject.State
# Roughly where the projects of running cohorts stand.
STATES = [
    (S.DRAFT, 10),
    (S.PROPOSAL_REVIEW, 8),
    (S.PROPOSAL_SEMINAR, 5),
    (S.IMPLEMENTATION, 35),
    (S.REPORT_REVIEW, 8),
    (S.RESULTS_SEMINAR, 6),
    (S.PASSED, 12),
    (S.DEFERRED, 3),
    (S.MONITORING, 10),
    (S.COMPLETED, 3),
]
TOPICS = [
    "Antrean Daring Puskesmas",
    "Arsip Digital Kepegawaian",
    "Layanan Perizinan Satu Pintu",
    "Dasbor Kinerja Pelayanan",
    "Pengaduan Masyarakat Terpadu",
    "Penjadwalan Imunisasi Keliling",
    "Inventaris Aset Berbasis QR",
    "Sistem Rujukan Terintegrasi",
]


def seed_projects(
    count: int, *, under: str | None = None, share: float = 0.0, seed: int = 13
) -> int:
    """Add generated projects until `count` exist; a `share` of them in agencies under the
    agency coded `under` (so its head's dashboard sees them). Returns how many were added."""
    existing = ChangeProject.objects.filter(participant__username__startswith=f"{PREFIX}-p").count()
    if existing >= count:
        return 0
    rng = random.Random(seed + existing)
    today = timezone.localdate()
    with transaction.atomic():
        home = Agency.objects.filter(code=under).first() if under else None
        provinces = Agency.objects.bulk_create(
            [
                Agency(code=f"{PREFIX}-prov-{existing}-{n}", name=f"Provinsi Uji {n + 1}")
                for n in range(4)
            ]
        )
        units = count - existing
        every = max(1, round(1 / share)) if home is not None and share > 0 else 0
        agencies = Agency.objects.bulk_create(
            [
                Agency(
                    code=f"{PREFIX}-unit-{existing}-{n}",
                    name=f"Dinas Uji {n + 1}",
                    parent=home if every and n % every == 0 else provinces[n % 4],
                )
                for n in range(max(1, units // PER_AGENCY))
            ]
        )
        organiser = User.objects.create(
            username=f"{PREFIX}-organiser-{existing}", full_name="Penyelenggara Uji", password="!"
        )
        cohorts = Cohort.objects.bulk_create(
            [
                Cohort(
                    programme=rng.choice(Programme.values),
                    number=f"{PREFIX}-{existing}-{n}",
                    year=today.year,
                    institution="BPSDM Uji",
                    learning_starts_on=today - datetime.timedelta(days=120),
                    learning_ends_on=today - datetime.timedelta(days=90),
                    implementation_starts_on=today - datetime.timedelta(days=80),
                    implementation_ends_on=today + datetime.timedelta(days=30),
                    closes_on=today + datetime.timedelta(days=60),
                )
                for n in range(max(1, units // PER_COHORT))
            ]
        )
        Cohort.organisers.through.objects.bulk_create(
            [Cohort.organisers.through(cohort=cohort, user=organiser) for cohort in cohorts]
        )
        reviewers = User.objects.bulk_create(
            [
                User(
                    username=f"{PREFIX}-coach-{existing}-{n}",
                    full_name=f"Coach Uji {n}",
                    password="!",
                )
                for n in range(max(1, units // 50))
            ]
            + [
                User(
                    username=f"{PREFIX}-mentor-{existing}-{n}",
                    full_name=f"Mentor Uji {n}",
                    password="!",
                    agency=agencies[n % len(agencies)],
                )
                for n in range(max(1, units // 10))
            ]
        )
        coaches = [user for user in reviewers if "-coach-" in user.username]
        mentors = [user for user in reviewers if "-mentor-" in user.username]
        participants = User.objects.bulk_create(
            [
                User(
                    username=f"{PREFIX}-p{existing + n}",
                    full_name=f"Peserta Uji {existing + n}",
                    email=f"{PREFIX}-p{existing + n}@example.invalid",
                    password="!",
                    agency=agencies[n % len(agencies)],
                )
                for n in range(units)
            ],
            batch_size=2000,
        )
        states, weights = zip(*STATES, strict=True)
        projects = ChangeProject.objects.bulk_create(
            [
                ChangeProject(
                    participant=participant,
                    cohort=cohorts[n % len(cohorts)],
                    agency=participant.agency,
                    coach=coaches[n % len(coaches)],
                    mentor=mentors[n % len(mentors)],
                    title=f"{rng.choice(TOPICS)} {existing + n}",
                    problem_statement="Layanan masih manual dan antrean panjang.",
                    goal_short_term="Layanan daring berjalan di dua unit.",
                    innovation_summary="Pendaftaran dan antrean daring.",
                    state=rng.choices(states, weights)[0],
                )
                for n, participant in enumerate(participants)
            ],
            batch_size=2000,
        )
        milestones = []
        for project in projects:
            for order, term in enumerate((Term.SHORT, Term.SHORT, Term.MEDIUM), start=1):
                due = today + datetime.timedelta(days=rng.randint(-40, 60))
                milestones.append(
                    Milestone(
                        project=project,
                        term=term,
                        activity=f"Tahap {order}",
                        implementer="Tim pelaksana",
                        start_date=due - datetime.timedelta(days=30),
                        due_date=due,
                        expected_output="Laporan tahap",
                        order=order,
                        state=rng.choice(list(Milestone.State.values)),
                    )
                )
        Milestone.objects.bulk_create(milestones, batch_size=5000)
        summary.refresh_many(ChangeProject.objects.filter(cohort__in=cohorts))
    return len(projects)
