"""The demo data every browser scan (and `make screenshots`) walks, and its main pages per login.

`seed_demo` and `seed_demo_milestones` give every workflow state; a short conversation (comments,
a consultation waiting for the coach, a shared reflection) and a results seminar with a project
still to score are added through the services, so every panel shows content and its forms.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mentoring import services as notes
from milestones.models import Milestone
from reports.services import issue_project_report
from tracker.models import ChangeProject, Seminar, User

# Logins of the demo (README), each with the role its pages show; None is a visitor.
ROLES = {
    None: "Pengunjung / Visitor",
    "peserta": "Peserta (draf) / Participant (draft)",
    "peserta2": "Peserta (implementasi) / Participant (implementation)",
    "coach": "Coach",
    "mentor": "Mentor",
    "penguji": "Penguji / Examiner",
    "penyelenggara": "Penyelenggara / Organiser",
    "kepala": "Kepala instansi / Agency head",
}


@dataclass(frozen=True)
class MainPage:
    """A page to scan and photograph; `slug` names its screenshot."""

    slug: str
    path: str


def seed() -> None:
    """The demo data plus the conversation and the results seminar the pages need."""
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo_milestones", stdout=StringIO())
    people = {user.username: user for user in User.objects.all()}
    _conversation(_project("peserta2"), people)
    _results_seminar(people)


def _project(username: str) -> ChangeProject:
    return ChangeProject.objects.select_related("cohort", "coach", "mentor").get(
        participant__username=username
    )


def _conversation(project: ChangeProject, people: dict[str, User]) -> None:
    participant, coach, mentor = project.participant, project.coach, project.mentor
    notes.comment_post(
        project=project,
        by=coach,
        body="Data jatuh tempo dari e-Samsat sudah lengkap? Lampirkan contoh pesannya.",
        visibility="everyone",
    )
    notes.comment_post(
        project=project,
        by=participant,
        body="Sudah, Pak. Contoh pesan saya unggah sebagai bukti tonggak kedua.",
        visibility="everyone",
    )
    notes.comment_post(
        project=project,
        by=mentor,
        body="Perhatikan izin penggunaan nomor WhatsApp wajib pajak sebelum uji coba.",
        visibility="reviewers",
    )
    notes.consultation_record(
        project=project,
        by=participant,
        held_on=timezone.localdate() - datetime.timedelta(days=2),
        consultant_role="coach",
        mode="online",
        topic="Jadwal uji coba notifikasi",
        outcome="Uji coba dimulai di SAMSAT Kota Bandung, 50.000 wajib pajak.",
        follow_up="Kirim templat pesan kepada mentor.",
    )
    notes.journal_write(
        project=project,
        by=participant,
        happened="Rapat dengan Bank BJB berjalan alot soal berbagi data.",
        learned="Kesepakatan data perlu disiapkan sebelum rapat, bukan saat rapat.",
        next_steps="Menyusun draf nota kesepahaman data minggu ini.",
        sharing="shared",
    )


def _results_seminar(people: dict[str, User]) -> None:
    project = _project("peserta8")
    notes.seminar_schedule(
        cohort=project.cohort,
        by=people["penyelenggara"],
        kind=Seminar.Kind.RESULTS,
        starts_at=timezone.make_aware(
            datetime.datetime.combine(
                timezone.localdate() + datetime.timedelta(days=5), datetime.time(9, 0)
            )
        ),
        place="Aula BPSDM Jawa Barat, Jl. Windu No. 26, Bandung",
        examiners=[people["penguji"], people["penguji2"]],
        projects=[project],
    )


def _seminar(programme: str, kind: str) -> Seminar:
    return Seminar.objects.get(cohort__programme=programme, kind=kind)


def _seminar_url(seminar: Seminar) -> str:
    return reverse("mentoring:seminar-detail", args=[seminar.pk])


def verification_path() -> str:
    """A verification page of a real issued document (renders one PDF)."""
    project = _project("peserta3")
    document = issue_project_report(project=project, by=User.objects.get(username="kepala"))
    return reverse("reports:verify", args=[document.code])


def main_pages(login: str | None) -> list[MainPage]:
    """The pages this demo login uses most, with their forms in the state the demo puts them."""
    if login is None:
        return [MainPage("masuk", reverse("login")), MainPage("verifikasi", verification_path())]
    draft, working = _project("peserta"), _project("peserta2")
    proposal_seminar = _seminar("pkp", "proposal")
    results_seminar = _seminar("pkp", "results")
    common = [
        MainPage("beranda", reverse("tracker:home")),
        MainPage("notifikasi", reverse("tracker:notifications")),
        MainPage("daftar-proyek", reverse("reports:project-list")),
    ]
    pages = {
        "peserta": [
            MainPage("proyek", draft.get_absolute_url()),
            MainPage("rancangan", reverse("tracker:proposal-edit", args=[draft.pk])),
            MainPage("rencana-tonggak", reverse("milestones:list", args=[draft.pk])),
            MainPage(
                "ubah-tonggak", reverse("milestones:edit", args=[draft.milestones.first().pk])
            ),
            MainPage("alur-kerja", reverse("tracker:workflow")),
        ],
        "peserta2": [
            MainPage("proyek", working.get_absolute_url()),
            MainPage("rencana-tonggak", reverse("milestones:list", args=[working.pk])),
            MainPage(
                "tonggak",
                working.milestones.filter(state=Milestone.State.IN_PROGRESS)
                .first()
                .get_absolute_url(),
            ),
            MainPage("indikator", reverse("milestones:indicators", args=[working.pk])),
            MainPage("komentar", reverse("mentoring:comments", args=[working.pk])),
            MainPage("konsultasi", reverse("mentoring:consultations", args=[working.pk])),
            MainPage("jurnal", reverse("mentoring:journal", args=[working.pk])),
        ],
        "coach": [
            MainPage("proyek-ditelaah", _project("peserta4").get_absolute_url()),
            MainPage("proyek", working.get_absolute_url()),
            MainPage("konsultasi", reverse("mentoring:consultations", args=[working.pk])),
            MainPage("jurnal", reverse("mentoring:journal", args=[working.pk])),
        ],
        "mentor": [
            MainPage("proyek", _project("peserta12").get_absolute_url()),
            MainPage(
                "tonggak",
                Milestone.objects.get(
                    project__participant__username="peserta12",
                    state=Milestone.State.SUBMITTED,
                ).get_absolute_url(),
            ),
            MainPage(
                "rencana-tonggak",
                reverse("milestones:list", args=[_project("peserta12").pk]),
            ),
        ],
        "penguji": [
            MainPage("proyek", _project("peserta8").get_absolute_url()),
            MainPage("seminar", reverse("mentoring:seminar-list")),
            MainPage("seminar-rancangan", _seminar_url(proposal_seminar)),
            MainPage(
                "hasil-rancangan",
                reverse(
                    "mentoring:record-proposal-result",
                    args=[proposal_seminar.pk, _project("peserta5").pk],
                ),
            ),
            MainPage("seminar-laporan", _seminar_url(results_seminar)),
            MainPage(
                "nilai",
                reverse(
                    "mentoring:score-project", args=[results_seminar.pk, _project("peserta8").pk]
                ),
            ),
            MainPage(
                "tetapkan-hasil",
                reverse(
                    "mentoring:grade-project", args=[results_seminar.pk, _project("peserta8").pk]
                ),
            ),
            MainPage("capaian", reverse("milestones:ratings", args=[_project("peserta8").pk])),
        ],
        "penyelenggara": [
            MainPage("seminar", reverse("mentoring:seminar-list")),
            MainPage(
                "jadwalkan-seminar",
                reverse("mentoring:seminar-create", args=[draft.cohort.pk]),
            ),
            MainPage(
                "ubah-seminar", reverse("mentoring:seminar-update", args=[results_seminar.pk])
            ),
            MainPage("proyek-pemantauan", _project("peserta10").get_absolute_url()),
            MainPage("seminar-laporan", _seminar_url(results_seminar)),
        ],
        "kepala": [
            MainPage("proyek", _project("peserta3").get_absolute_url()),
        ],
    }
    return common + pages[login]


def table_pages(login: str | None) -> list[MainPage]:
    """Pages beyond the main ones that hold tables (assignments, imports, invitations, reports'
    forms, tokens), which the layout tests check for fit as well."""
    if login is None:
        return []
    cohort = _project("peserta").cohort
    pages = {
        "peserta2": [MainPage("token-api", reverse("api:tokens"))],
        "penyelenggara": [
            MainPage("tetapkan-coach", reverse("tracker:coach-assignment", args=[cohort.pk])),
            MainPage("undangan", reverse("tracker:invitations", args=[cohort.pk])),
            MainPage("impor-peserta", reverse("tracker:participant-import", args=[cohort.pk])),
            MainPage("impor-staf", reverse("tracker:staff-import", args=[cohort.pk])),
            MainPage(
                "pemantauan", reverse("mentoring:monitoring", args=[_project("peserta10").pk])
            ),
            MainPage("kuesioner", reverse("mentoring:questionnaire-list")),
            MainPage("rekap-angkatan", reverse("reports:cohort-recap", args=[cohort.pk])),
            MainPage("token-angkatan", reverse("api:cohort-tokens", args=[cohort.pk])),
            MainPage("webhook", reverse("api:webhooks", args=[cohort.pk])),
        ],
        "kepala": [
            MainPage(
                "laporan-instansi",
                reverse("reports:agency-report", args=[_project("peserta3").agency.pk]),
            )
        ],
    }
    return pages.get(login, [])
