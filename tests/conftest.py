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
from tests.reminders import remind  # noqa: F401  (a fixture for the reminder tests of every app)
from tracker.models import Agency, ChangeProject, Cohort, PoolExaminer, User


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
    PoolExaminer.objects.create(institution=cohort.institution, person=examiner)
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


# --- Tenancy: another institution's cohort, and one record of every kind on a project --------


@dataclass
class Elsewhere:
    """Another institution's cohort and its people: nothing here is the world organiser's."""

    organiser: User
    cohort: Cohort
    participant: User
    coach: User
    mentor: User
    examiner: User
    project: ChangeProject
    records: dict


def _impact_and_api_records(project: ChangeProject) -> dict:
    """The cohort's token and webhook, and a survey round answered on the institution's own
    questionnaire (the admin reads them; their secrets it never shows)."""
    import datetime

    from api.models import ApiToken, Webhook
    from mentoring.models import Questionnaire, SurveyResponse, SurveyRound
    from tracker.models import token_digest

    cohort = project.cohort
    organiser = cohort.organisers.first() or project.participant
    questionnaire = Questionnaire.objects.create(
        programme=cohort.programme,
        audience="alumni",
        name=f"Kuesioner alumni {cohort.institution}",
        institution=cohort.institution,
    )
    survey_round = SurveyRound.objects.create(
        project=project,
        number=1,
        months_after=6,
        opens_on=datetime.date(2027, 6, 1),
        due_on=datetime.date(2027, 6, 30),
    )
    return {
        "api.apitoken": ApiToken.objects.create(
            user=organiser,
            kind=ApiToken.Kind.COHORT,
            cohort=cohort,
            name=f"Token {cohort.institution}",
            scope=ApiToken.Scope.READ,
            prefix="jejak_abcdef",
            digest=token_digest(f"jejak_{uuid.uuid4().hex}"),
            expires_at=datetime.datetime(2030, 1, 1, tzinfo=datetime.UTC),
        ),
        "api.webhook": Webhook.objects.create(
            cohort=cohort,
            url=f"https://hooks.example.com/{cohort.pk}",
            secret="rahasia-webhook-" + "0" * 48,
            events=["project.state_changed"],
            created_by=organiser,
        ),
        "mentoring.questionnaire": questionnaire,
        "mentoring.surveyround": survey_round,
        "mentoring.surveyresponse": SurveyResponse.objects.create(
            round=survey_round,
            role="participant",
            respondent=project.participant,
            questionnaire=questionnaire,
        ),
    }


def one_of_everything(project: ChangeProject, seminar, examiner: User) -> dict:
    """A row of every model the admin shows, on `project`, keyed by model label."""
    from mentoring.models import SignOff
    from milestones.models import IndicatorMeasurement, MilestoneLog, MilestoneRating, Reminder
    from tests.mentoring.factories import (
        CommentFactory,
        ConsultationFactory,
        JournalEntryFactory,
        JournalReplyFactory,
    )
    from tests.milestones.factories import LinkEvidenceFactory, MilestoneFactory, RescheduleFactory
    from tracker.models import ImpactIndicator, Notification, TransitionLog

    milestone = MilestoneFactory(project=project)
    evidence = LinkEvidenceFactory(milestone=milestone)
    indicator = ImpactIndicator.objects.create(
        project=project, name="Waktu layanan", unit="menit", baseline=60, target=15
    )
    submission = TransitionLog.objects.create(
        project=project,
        actor=project.participant,
        role="participant",
        transition="submit_proposal",
        from_state="draft",
        to_state="proposal_review",
    )
    entry = JournalEntryFactory(project=project)
    return {
        **_impact_and_api_records(project),
        "tracker.impactindicator": indicator,
        "tracker.transitionlog": submission,
        "tracker.notification": Notification.objects.create(
            recipient=project.participant, project=project, message="Rancangan diajukan"
        ),
        "milestones.milestone": milestone,
        "milestones.evidence": evidence,
        "milestones.changerequest": RescheduleFactory(milestone=milestone),
        "milestones.milestonelog": MilestoneLog.objects.create(
            project=project,
            milestone=milestone,
            actor=project.participant,
            role="participant",
            action="start",
            from_state="planned",
            to_state="in_progress",
        ),
        "milestones.milestonerating": MilestoneRating.objects.create(
            milestone=milestone, examiner=examiner, seminar=seminar, rating="sesuai"
        ),
        "milestones.indicatormeasurement": IndicatorMeasurement.objects.create(
            indicator=indicator,
            value=30,
            measured_on="2026-11-30",
            evidence=evidence,
            recorded_by=project.participant,
        ),
        "milestones.reminder": Reminder.objects.create(
            recipient=project.participant, sent_on="2026-11-01", items=1
        ),
        "mentoring.comment": CommentFactory(project=project),
        "mentoring.consultation": ConsultationFactory(project=project),
        "mentoring.journalentry": entry,
        "mentoring.journalreply": JournalReplyFactory(entry=entry),
        "mentoring.signoff": SignOff.objects.create(
            project=project,
            submission=submission,
            stage="proposal",
            role="coach",
            signer=project.coach,
            wording="Disetujui untuk diseminarkan",
        ),
    }


@pytest.fixture
def elsewhere(world) -> Elsewhere:
    organiser = UserFactory(username="other_organiser", full_name="Yuni Lain", is_staff=True)
    cohort = CohortFactory(institution="Pusdiklat Lain", programme="pkp")
    cohort.organisers.add(organiser)
    participant = UserFactory(username="far_participant", full_name="Joko Jauh")
    coach = UserFactory(username="far_coach", full_name="Tono Coach Jauh")
    mentor = UserFactory(username="far_mentor", full_name="Wati Mentor Jauh")
    examiner = UserFactory(username="far_examiner", full_name="Eko Penguji Jauh")
    project = ChangeProjectFactory(
        participant=participant, cohort=cohort, coach=coach, mentor=mentor, title="Proyek Jauh"
    )
    seminar = SeminarFactory(cohort=cohort)
    seminar.examiners.add(examiner)
    seminar.projects.add(project)
    records = one_of_everything(project, seminar, examiner)
    records |= {"tracker.cohort": cohort, "tracker.changeproject": project}
    records |= {"tracker.seminar": seminar}
    from mentoring.models import Rubric

    rubric = Rubric.objects.create(
        programme="pkp",
        regulation="Peraturan LAN 5/2022",
        name="Rubrik Pusdiklat Lain",
        institution=cohort.institution,
    )
    rubric.criteria.create(name="Capaian", weight=100)
    records["mentoring.rubric"] = rubric
    return Elsewhere(organiser, cohort, participant, coach, mentor, examiner, project, records)


@pytest.fixture
def here(world) -> dict:
    """One record of every kind on the world's project, which the world organiser reaches."""
    seminar = world.project.seminars.get()
    return one_of_everything(world.project, seminar, world.examiner)


@pytest.fixture
def staff_organiser(world) -> User:
    """The world organiser holding every model permission there is: only code stands between
    them and another institution's data, which is the case these tests prove."""
    from django.contrib.auth.models import Permission

    world.organiser.user_permissions.add(*Permission.objects.all())
    return User.objects.get(pk=world.organiser.pk)


@pytest.fixture(autouse=True)
def _fresh_content_types():
    # A transactional test flushes every table and restores them (serialized_rollback, which
    # every transactional test here uses, so none recreates content types under new ids);
    # Django's per-process cache of content types must not outlive that.
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
