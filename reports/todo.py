"""What waits on one person on one project page, from every app: "Tindakan Anda"."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from mentoring.models import Consultation, JournalEntry
from mentoring.selectors import (
    STATE_OF_KIND,
    consultations_of,
    journal_of,
    project_seminars,
    respondent_statuses,
    rounds_of,
)
from milestones.models import ChangeRequest, Milestone
from milestones.selectors import change_requests_of, plan_of
from tracker import workflow
from tracker.models import ChangeProject, Role, Seminar, User

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Waiting:
    """One thing this person should do on the project, and where to do it."""

    label: StrOrPromise
    detail: str
    url: str


def waiting_on(project: ChangeProject, user: User) -> list[Waiting]:
    """Everything on the project that waits on this user, besides its transitions and sign-off.

    Reads only what the page's panels read anyway (plan, change requests, sessions, journal,
    seminars), so the list costs no query of its own.
    """
    roles = workflow.roles(project, user)
    page = project.get_absolute_url()
    items: list[Waiting] = []
    reviews = bool(roles & {Role.COACH, Role.MENTOR})
    for milestone in plan_of(project) if reviews or Role.PARTICIPANT in roles else []:
        if reviews and milestone.state == Milestone.State.SUBMITTED:
            items.append(
                Waiting(_("Periksa tonggak"), milestone.activity, milestone.get_absolute_url())
            )
        if Role.PARTICIPANT in roles and milestone.state == Milestone.State.RETURNED:
            items.append(
                Waiting(
                    _("Perbaiki tonggak yang dikembalikan"),
                    milestone.activity,
                    milestone.get_absolute_url(),
                )
            )
        elif Role.PARTICIPANT in roles and milestone.is_overdue:
            items.append(
                Waiting(
                    _("Tonggak melewati tenggat"), milestone.activity, milestone.get_absolute_url()
                )
            )
    if project.mentor_id == user.pk:
        items += [
            Waiting(
                _("Putuskan usulan perubahan jadwal"),
                f"{change.get_kind_display()}: {change.title}",
                f"{page}#milestone-panel",
            )
            for change in change_requests_of(project)
            if change.state == ChangeRequest.State.PENDING
        ]
    if reviews:
        items += [
            Waiting(
                _("Konfirmasi konsultasi"),
                f"{date_format(consultation.held_on)} · {consultation.topic}",
                f"{page}#consultation-{consultation.pk}",
            )
            for consultation in consultations_of(project)
            if consultation.consultant_id == user.pk
            and consultation.status == Consultation.Status.RECORDED
        ]
        items += [
            Waiting(_("Tanggapi jurnal refleksi"), entry.happened, f"{page}#journal")
            for entry in journal_of(project, user)
            if entry.sharing == JournalEntry.Sharing.SHARED and not entry.replies.all()
        ]
    if project.state == ChangeProject.State.MONITORING and roles & {Role.PARTICIPANT, Role.MENTOR}:
        items += _survey_tasks(project, user)
    if Role.EXAMINER in roles:
        items += _examiner_tasks(project, user)
    if Role.ORGANISER in roles and _awaits_a_seminar(project, user):
        items.append(
            Waiting(
                _("Jadwalkan seminar"),
                str(ChangeProject.State(project.state).label),
                reverse("mentoring:seminar-create", args=[project.cohort_id]),
            )
        )
    return items


def _survey_tasks(project: ChangeProject, user: User) -> list[Waiting]:
    """Open survey rounds of a project in monitoring that still wait for this person's answers."""
    today = timezone.localdate()
    tasks = []
    for survey_round in rounds_of(project):
        if not survey_round.is_open(today):
            continue
        for status in respondent_statuses(survey_round):
            if status.person is None or status.person.pk != user.pk or status.settled:
                continue
            detail = _("%(round)s · batas %(due)s") % {
                "round": survey_round,
                "due": date_format(survey_round.due_on),
            }
            url = reverse("mentoring:survey-answer", args=[project.pk, survey_round.pk])
            tasks.append(Waiting(_("Isi survei pascapelatihan"), str(detail), url))
    return tasks


def _examiner_tasks(project: ChangeProject, user: User) -> list[Waiting]:
    tasks = []
    for entry in project_seminars(project, user)["entries"]:
        seminar = entry["seminar"]
        args = [seminar.pk, project.pk]
        if entry.get("can_record"):
            url = reverse("mentoring:record-proposal-result", args=args)
            tasks.append(Waiting(_("Catat hasil seminar rancangan"), str(seminar), url))
        elif entry.get("can_grade"):
            url = reverse("mentoring:grade-project", args=args)
            tasks.append(Waiting(_("Tetapkan hasil seminar laporan"), str(seminar), url))
        elif entry.get("can_score") and not _scored(entry["summary"], user):
            url = reverse("mentoring:score-project", args=args)
            label = (
                _("Isi nilai seminar rancangan")
                if seminar.kind == Seminar.Kind.PROPOSAL
                else _("Isi nilai seminar laporan")
            )
            tasks.append(Waiting(label, str(seminar), url))
    return tasks


def _scored(summary, user: User) -> bool:
    return any(sheet.examiner.pk == user.pk and sheet.complete for sheet in summary.sheets)


def _awaits_a_seminar(project: ChangeProject, user: User) -> bool:
    """The project waits in a seminar state, and no seminar of that kind is still open for it."""
    kind = next((k for k, state in STATE_OF_KIND.items() if state == project.state), None)
    if kind is None:
        return False
    for entry in project_seminars(project, user)["entries"]:
        if entry["seminar"].kind != kind:
            continue
        decided = entry["grade"] is not None if kind == Seminar.Kind.RESULTS else entry["results"]
        if not decided:
            return False
    return True
