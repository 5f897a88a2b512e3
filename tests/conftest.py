"""Personas: one small world in which each person has exactly the reach their comment says."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from django.utils import translation
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from tests.factories import (
    AgencyFactory,
    AgencyHeadFactory,
    ChangeProjectFactory,
    CohortFactory,
    SeminarFactory,
    UserFactory,
)
from tracker.models import Agency, ChangeProject, Cohort, User


@dataclass
class World:
    province: Agency
    dinas: Agency  # participant's agency, a unit of the province
    other_agency: Agency  # another province's office: outside the agency head's reach
    cohort: Cohort
    project: ChangeProject
    other_project: ChangeProject
    participant: User
    other_participant: User
    coach: User
    mentor: User
    examiner: User
    organiser: User
    agency_head: User
    stranger: User
    admin: User

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


PERSONAS = [
    "participant",
    "other_participant",
    "coach",
    "mentor",
    "examiner",
    "organiser",
    "agency_head",
    "stranger",
    "admin",
    "anonymous",
]


@pytest.fixture
def world(db) -> World:
    province = AgencyFactory(code="PROV", name="Pemerintah Provinsi Uji")
    dinas = AgencyFactory(code="DINAS", name="Dinas Kesehatan Uji", parent=province)
    other_agency = AgencyFactory(code="LAIN", name="Dinas Provinsi Lain")
    # participant: owns `project` only.
    participant = UserFactory(username="participant", full_name="Budi Peserta", agency=dinas)
    # other_participant: owns `other_project` in another agency; must never see `project`.
    other_participant = UserFactory(username="other_participant", agency=other_agency)
    # coach and mentor: guide `project` only.
    coach = UserFactory(username="coach", full_name="Hendra Coach")
    mentor = UserFactory(username="mentor", full_name="Siti Mentor", agency=dinas)
    # examiner: appointed to the seminar that has `project` on its list.
    examiner = UserFactory(username="examiner", full_name="Bambang Penguji")
    # organiser: organises the cohort of both projects.
    organiser = UserFactory(username="organiser", full_name="Rina Penyelenggara", is_staff=True)
    # agency_head: heads the province, so reaches `project` through the dinas, not `other_project`.
    agency_head = UserFactory(username="agency_head", full_name="Ahmad Kepala", agency=province)
    # stranger: logged in, related to nothing.
    stranger = UserFactory(username="stranger")
    # admin: superuser, sees everything.
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)

    cohort = CohortFactory()
    cohort.organisers.add(organiser)
    project = ChangeProjectFactory(
        participant=participant, cohort=cohort, agency=dinas, coach=coach, mentor=mentor
    )
    other_project = ChangeProjectFactory(
        participant=other_participant, cohort=cohort, agency=other_agency
    )
    seminar = SeminarFactory(cohort=cohort)
    seminar.examiners.add(examiner)
    seminar.projects.add(project)
    AgencyHeadFactory(user=agency_head, agency=province)
    return World(
        province=province,
        dinas=dinas,
        other_agency=other_agency,
        cohort=cohort,
        project=project,
        other_project=other_project,
        participant=participant,
        other_participant=other_participant,
        coach=coach,
        mentor=mentor,
        examiner=examiner,
        organiser=organiser,
        agency_head=agency_head,
        stranger=stranger,
        admin=admin,
    )


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Hashing dominates the suite's time otherwise; strength is not under test here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _indonesian_by_default():
    # A request in English leaves English active in the thread; each test starts in Indonesian.
    with translation.override("id"):
        yield


@pytest.fixture(autouse=True)
def _isolated_media_and_cache(settings, tmp_path):
    # Generated PDFs and uploads land in a throwaway folder; rate-limit counters start at zero,
    # under a key prefix of the test's own (the cache is a database table or Redis, shared with
    # other tests and runs, and a test without the database must not touch it).
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {
        alias: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for alias, config in settings.CACHES.items()
    }


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """On SQLite, start every table's ids at a different offset.

    Each table's ids otherwise start at 1 in every test, so a project id passed where a seminar
    id belongs still finds a row: the swapped-argument bug that only PostgreSQL caught once.
    """
    from django.apps import apps
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with django_db_blocker.unblock(), connection.cursor() as cursor:
        for index, model in enumerate(apps.get_models(include_auto_created=True), start=1):
            if not model._meta.managed or model._meta.proxy:
                continue
            table = model._meta.db_table
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            offset = index * 10_000 + (row[0] if row else 0)
            if row:
                cursor.execute(
                    "UPDATE sqlite_sequence SET seq = %s WHERE name = %s", [offset, table]
                )
            else:
                cursor.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, offset]
                )


@pytest.fixture
def run_tasks(db):
    """Run the background tasks that are due, as `manage.py db_worker` does, in this process.

    Returns how many ran. Tasks queued by a task (an email's retry) run too once they are due.
    """
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="pytest",
        excluded_queue_names=[],
    )

    def run() -> int:
        ran = 0
        while (due := DBTaskResult.objects.ready().first()) is not None:
            due.claim(worker.worker_id)
            worker.run_task(due)
            ran += 1
        return ran

    return run


_FORM_TOKEN = re.compile(r'name="form_token" value="([0-9a-f-]{36})"')


def form_token(html: str, action: str | None = None) -> str:
    """The one-time token rendered in the form that posts to `action` (or the page's only one)."""
    if action is None:
        (token,) = _FORM_TOKEN.findall(html)
        return token
    start = html.index(f'action="{action}"')
    found = _FORM_TOKEN.search(html, start, html.index("</form>", start))
    assert found, f"the form posting to {action} carries no form token"
    return found.group(1)
