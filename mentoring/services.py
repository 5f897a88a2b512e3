"""Writes of mentoring: sign-offs, comments, consultations, reflections (and seminar results)."""

from __future__ import annotations

import calendar
import datetime
import secrets
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from mentoring.models import (
    RESPONDENT_AUDIENCE,
    Barrier,
    CalendarFeed,
    Comment,
    Commitment,
    Consultation,
    ConsultationLog,
    ImpactConclusion,
    JournalEntry,
    JournalReply,
    ProposalReview,
    ProposalSeminarResult,
    Question,
    Questionnaire,
    RevisionItem,
    Rubric,
    RubricCriterion,
    RubricScore,
    SeminarAttendance,
    SeminarGrade,
    SignOff,
    SurveyAnswer,
    SurveyExcusal,
    SurveyResponse,
    SurveyRound,
    SurveyRoundLog,
    plain_number,
)
from mentoring.selectors import (
    NEEDS_COMMITMENT,
    STATE_OF_KIND,
    SurveyDigest,
    attendance_expected,
    comments_visible_to,
    commitment_awaited,
    committed_revisions,
    current_questionnaire,
    eligible_projects,
    examiner_candidates,
    examines,
    incomplete_message,
    is_organiser_of,
    owns_questionnaire,
    respondent_role,
    respondents_of,
    revision_commitment,
    rubric_for,
    score_summaries,
    scoring_refusal,
    survey_schedule_for,
)
from milestones.models import IndicatorMeasurement, Reminder, Term
from milestones.services import remind_once_a_day
from tracker import events, workflow
from tracker.models import (
    ChangeProject,
    Cohort,
    PoolExaminer,
    ProposalDecision,
    Role,
    Seminar,
    TransitionLog,
    User,
    token_digest,
)
from tracker.notifications import notify, people_in_roles
from tracker.selectors import institutions_organised_by, rules_for
from tracker.services import once_per_form, run_transition
from tracker.summary import refresh as refresh_summary
from tracker.workflow import Forbidden, Refused, Stale

APPROVAL_OF_STAGE = {
    SignOff.Stage.PROPOSAL: ("approve_proposal", ChangeProject.State.PROPOSAL_REVIEW),
    SignOff.Stage.REPORT: ("approve_report", ChangeProject.State.REPORT_REVIEW),
}


def project_sign_off(
    *, project: ChangeProject, by: User, stage: str, expected_state: str | None = None
) -> SignOff:
    """Coach or mentor approves the current submission; the second approval moves the project.

    Both sign-offs are taken under the project's row lock, so a coach and a mentor approving at
    the same moment still produce exactly one transition.
    """
    transition_name, review_state = APPROVAL_OF_STAGE[SignOff.Stage(stage)]
    with transaction.atomic():
        locked = ChangeProject.objects.select_for_update().get(pk=project.pk)
        roles = workflow.roles(locked, by) & {Role.COACH, Role.MENTOR}
        if not roles:
            raise Forbidden(_("Hanya coach dan mentor proyek ini yang dapat menyetujui."))
        if locked.state != review_state or (expected_state and locked.state != expected_state):
            raise locked.stale_refusal()
        submission = locked.latest_submission(stage)
        signed = locked.current_review_signers(stage)
        unsigned = [
            role for role in (Role.COACH, Role.MENTOR) if role in roles and role not in signed
        ]
        if not unsigned:
            raise Refused(_("Anda sudah menyetujui pengajuan ini."))
        signoff = SignOff.objects.create(
            project=locked,
            submission=submission,
            stage=stage,
            role=unsigned[0],
            signer=by,
            wording=str(SignOff.WORDING),
        )
        if locked.current_review_signers(stage) >= {Role.COACH, Role.MENTOR}:
            run_transition(project=locked, by=by, name=transition_name)
        else:
            _notify_first_signoff(signoff.pk)
    project.refresh_from_db()
    return signoff


def _notify_first_signoff(signoff_pk: int) -> None:
    signoff = SignOff.objects.select_related("project__coach", "project__mentor", "signer").get(
        pk=signoff_pk
    )
    project = signoff.project
    waiting = project.mentor if signoff.role == Role.COACH else project.coach
    recipients = [person for person in (project.participant, waiting) if person]
    notify(
        recipients,
        template="signoff",
        context={"signoff": signoff, "project": project},
        project=project,
        url=project.get_absolute_url(),
    )


# --- Comments, consultations and journal


@once_per_form
def comment_post(*, project: ChangeProject, by: User, body: str, visibility: str) -> Comment:
    """Someone on the project writes a comment; the people allowed to read it are told."""
    roles = workflow.roles(project, by)
    role = Comment.writing_role(roles)
    if role is None:
        raise Forbidden(_("Anda hanya dapat membaca komentar proyek ini."))
    if visibility not in Comment.Visibility.values:
        raise Refused(_("Pilih siapa yang dapat membaca komentar ini."))
    if visibility == Comment.Visibility.REVIEWERS and not Comment.may_restrict(roles):
        raise Refused(
            _(
                "Hanya coach, mentor, penguji, dan penyelenggara yang dapat menulis komentar "
                "khusus penelaah."
            )
        )
    body = (body or "").strip()
    if not body:
        raise Refused(_("Komentar tidak boleh kosong."))
    with transaction.atomic():
        comment = Comment.objects.create(
            project=project, author=by, author_role=role, body=body, visibility=visibility
        )
        _notify_comment(comment.pk)
    return comment


def comment_recipients(comment: Comment) -> list[User]:
    """Participant, coach and mentor, except the author, and only those who may read it."""
    project = comment.project
    people = people_in_roles(project, (Role.PARTICIPANT, Role.COACH, Role.MENTOR))
    return [
        person
        for person in people
        if person.pk != comment.author_id
        and comments_visible_to(project, person).filter(pk=comment.pk).exists()
    ]


def _notify_comment(comment_pk: int) -> None:
    comment = Comment.objects.select_related(
        "author", "project__participant", "project__coach", "project__mentor", "project__cohort"
    ).get(pk=comment_pk)
    project = comment.project
    notify(
        comment_recipients(comment),
        template="comment",
        context={"comment": comment, "project": project},
        project=project,
        url=f"{project.get_absolute_url()}#comments",
    )


@once_per_form
def consultation_record(
    *,
    project: ChangeProject,
    by: User,
    held_on: datetime.date,
    consultant_role: str,
    mode: str,
    topic: str,
    outcome: str,
    follow_up: str = "",
) -> Consultation:
    """The participant logs a session with the coach or mentor, who is asked to confirm it."""
    if held_on > timezone.localdate():
        raise Refused(
            _("Tanggal konsultasi tidak boleh di masa depan. Catat sesi setelah berlangsung.")
        )
    if consultant_role not in (Role.COACH, Role.MENTOR):
        raise Refused(_("Pilih coach atau mentor proyek ini."))
    with transaction.atomic():
        # The stage is the project's at this moment: lock it against a transition in between.
        locked = (
            ChangeProject.objects.select_for_update(of=("self",))
            .select_related("coach", "mentor")
            .get(pk=project.pk)
        )
        if locked.participant_id != by.pk:
            raise Forbidden(_("Hanya peserta proyek ini yang dapat mencatat konsultasi."))
        stage = Consultation.stage_of(locked.state)
        if stage is None:
            raise Refused(
                _("Proyek ini sudah berakhir (%(state)s); konsultasi tidak dapat dicatat lagi.")
                % {"state": locked.get_state_display()}
            )
        consultant = locked.coach if consultant_role == Role.COACH else locked.mentor
        if consultant is None:
            raise Refused(
                _("Proyek ini belum memiliki %(role)s. Hubungi penyelenggara.")
                % {"role": Role(consultant_role).label.lower()}
            )
        consultation = Consultation.objects.create(
            project=locked,
            recorded_by=by,
            consultant=consultant,
            consultant_role=consultant_role,
            held_on=held_on,
            mode=mode,
            topic=topic.strip(),
            outcome=outcome.strip(),
            follow_up=(follow_up or "").strip(),
            stage=stage,
        )
        ConsultationLog.objects.create(
            consultation=consultation,
            project=locked,
            actor=by,
            role=Role.PARTICIPANT,
            action=ConsultationLog.Action.RECORD,
            to_state=consultation.status,
        )
        _notify_consultation(consultation.pk, "consultation-recorded")
    return consultation


def consultation_confirm(
    *, consultation: Consultation, by: User, expected_state: str | None = None
) -> ConsultationLog:
    """The coach or mentor the session names confirms it took place as recorded."""
    return _decide(consultation, by, "confirm", expected_state=expected_state)


def consultation_dispute(
    *, consultation: Consultation, by: User, comment: str, expected_state: str | None = None
) -> ConsultationLog:
    """The coach or mentor the session names disputes it, saying why."""
    return _decide(consultation, by, "dispute", comment=comment, expected_state=expected_state)


def _decide(consultation, by, name, *, comment="", expected_state=None) -> ConsultationLog:
    def record(locked: Consultation, *, from_state: str, role: Role, comment: str):
        return ConsultationLog.objects.create(
            consultation=locked,
            project_id=locked.project_id,
            actor=by,
            role=role,
            action=name,
            from_state=from_state,
            to_state=locked.status,
            comment=comment,
        )

    comment = (comment or "").strip()
    return workflow.run(
        consultation,
        by=by,
        name=name,
        record=record,
        comment=comment,
        expected_state=expected_state,
        arguments=(comment,) if name == "dispute" else (),
        notify=_notify_consultation_log,
    )


def _notify_consultation_log(log_pk: int) -> None:
    log = ConsultationLog.objects.only("consultation_id").get(pk=log_pk)
    _notify_consultation(log.consultation_id, "consultation-decided")


def _notify_consultation(consultation_pk: int, template: str) -> None:
    consultation = Consultation.objects.select_related("project", "recorded_by", "consultant").get(
        pk=consultation_pk
    )
    project = consultation.project
    recipient = (
        consultation.consultant if template == "consultation-recorded" else project.participant
    )
    notify(
        [recipient],
        template=template,
        context={"consultation": consultation, "project": project},
        project=project,
        url=f"{project.get_absolute_url()}#consultations",
    )


@once_per_form
def journal_write(
    *,
    project: ChangeProject,
    by: User,
    happened: str,
    learned: str,
    next_steps: str,
    sharing: str,
) -> JournalEntry:
    """The participant writes a reflection, private or shared with coach and mentor."""
    if project.participant_id != by.pk:
        raise Forbidden(_("Hanya peserta proyek ini yang menulis jurnal refleksinya."))
    if sharing not in JournalEntry.Sharing.values:
        raise Refused(_("Pilih apakah catatan ini pribadi atau dibagikan."))
    texts = [(text or "").strip() for text in (happened, learned, next_steps)]
    if not all(texts):
        raise Refused(
            _("Isi ketiga bagian: apa yang terjadi, apa yang dipelajari, dan langkah berikutnya.")
        )
    return JournalEntry.objects.create(
        project=project,
        author=by,
        happened=texts[0],
        learned=texts[1],
        next_steps=texts[2],
        sharing=sharing,
    )


@once_per_form
def journal_reply(*, entry: JournalEntry, by: User, body: str) -> JournalReply:
    """The coach or mentor answers a shared reflection; the participant is told."""
    project = entry.project
    roles = workflow.roles(project, by) & JournalEntry.READER_ROLES
    if not roles:
        raise Forbidden(_("Hanya coach dan mentor proyek ini yang dapat menanggapi."))
    if not entry.is_shared:
        # A private entry is not there for them; say no more than that.
        raise Refused(_("Catatan refleksi ini tidak dibagikan kepada Anda."))
    body = (body or "").strip()
    if not body:
        raise Refused(_("Tanggapan tidak boleh kosong."))
    role = Role.COACH if Role.COACH in roles else Role.MENTOR
    with transaction.atomic():
        reply = JournalReply.objects.create(entry=entry, author=by, author_role=role, body=body)
        _notify_journal_reply(reply.pk)
    return reply


def _notify_journal_reply(reply_pk: int) -> None:
    reply = JournalReply.objects.select_related(
        "author", "entry__project__participant", "entry__author"
    ).get(pk=reply_pk)
    project = reply.entry.project
    notify(
        [project.participant],
        template="journal-reply",
        context={"reply": reply, "entry": reply.entry, "project": project},
        project=project,
        url=f"{project.get_absolute_url()}#journal",
    )


# --- Seminars and grading ------------------------------------------------------------------


@once_per_form
def seminar_schedule(
    *,
    cohort: Cohort,
    by: User,
    kind: str,
    starts_at,
    place: str = "",
    online_link: str = "",
    examiners: Iterable[User],
    projects: Iterable[ChangeProject],
) -> Seminar:
    """Organiser schedules a seminar of the cohort; its examiners and participants are told."""
    return _save_seminar(
        Seminar(cohort=cohort, kind=kind),
        by=by,
        starts_at=starts_at,
        place=place,
        online_link=online_link,
        examiners=examiners,
        projects=projects,
    )


def seminar_update(
    *,
    seminar: Seminar,
    by: User,
    starts_at,
    place: str = "",
    online_link: str = "",
    examiners: Iterable[User],
    projects: Iterable[ChangeProject],
) -> Seminar:
    """Organiser changes a seminar; everyone hears when time or place moved, else the new ones."""
    return _save_seminar(
        Seminar.objects.select_related("cohort").get(pk=seminar.pk),
        by=by,
        starts_at=starts_at,
        place=place,
        online_link=online_link,
        examiners=examiners,
        projects=projects,
    )


def _save_seminar(seminar, *, by, starts_at, place, online_link, examiners, projects) -> Seminar:
    cohort = seminar.cohort
    if not is_organiser_of(cohort, by):
        raise Forbidden(_("Hanya penyelenggara angkatan ini yang dapat mengatur seminarnya."))
    examiners, projects = list(examiners), list(projects)
    if not examiners:
        raise Refused(_("Pilih minimal satu penguji."))
    conflict = examiner_conflict(examiners, projects)
    if conflict:
        raise Refused(conflict)
    candidates = set(
        examiner_candidates(cohort)
        .filter(pk__in=[person.pk for person in examiners])
        .values_list("pk", flat=True)
    )
    outside = [person for person in examiners if person.pk not in candidates]
    if any(person.projects.filter(cohort=cohort).exists() for person in outside):
        raise Refused(_("Peserta angkatan ini tidak dapat menjadi penguji seminarnya."))
    if outside:
        raise Refused(
            _(
                "%(names)s belum ada dalam daftar penguji %(institution)s. Tambahkan dulu "
                "lewat Tetapkan penguji atau impor staf."
            )
            % {
                "names": ", ".join(person.get_full_name() for person in outside),
                "institution": cohort.institution,
            }
        )
    eligible = set(eligible_projects(cohort, seminar.kind, seminar).values_list("pk", flat=True))
    if any(project.pk not in eligible for project in projects):
        raise Refused(
            _("Hanya proyek angkatan ini yang berstatus “%(state)s” dapat masuk seminar ini.")
            % {"state": ChangeProject.State(STATE_OF_KIND[seminar.kind]).label}
        )
    moved = seminar.pk is None or (seminar.starts_at, seminar.place, seminar.online_link) != (
        starts_at,
        place,
        online_link,
    )
    seminar.starts_at, seminar.place, seminar.online_link = starts_at, place, online_link
    try:
        seminar.full_clean()
    except ValidationError as invalid:
        raise Refused(" ".join(invalid.messages)) from None
    with transaction.atomic():
        before_examiners = (
            set(seminar.examiners.values_list("pk", flat=True)) if seminar.pk else set()
        )
        before_projects = (
            set(seminar.projects.values_list("pk", flat=True)) if seminar.pk else set()
        )
        seminar.save()
        seminar.examiners.set(examiners)
        seminar.projects.set(projects)
        tell_examiners = {p.pk for p in examiners} - (set() if moved else before_examiners)
        tell_projects = {p.pk for p in projects} - (set() if moved else before_projects)
        if tell_examiners or tell_projects:
            _notify_scheduled(seminar.pk, tell_examiners, tell_projects)
    return seminar


def seminar_record_attendance(
    *, seminar: Seminar, project: ChangeProject, by: User, present: Iterable[tuple[int, str]]
) -> list[SeminarAttendance]:
    """An examiner of the seminar or an organiser of its cohort records who was present for the
    project: each examiner, the coach and the mentor (present or not), for the minutes."""
    if not (examines(seminar, by) or is_organiser_of(seminar.cohort, by)):
        raise Forbidden(_("Hanya penguji seminar ini atau penyelenggara yang mencatat kehadiran."))
    if not seminar.projects.filter(pk=project.pk).exists():
        raise Refused(_("Proyek ini tidak ada dalam daftar seminar ini."))
    expected = attendance_expected(seminar, project)
    present = set(present)
    if present - {(person.pk, role) for person, role in expected}:
        raise Refused(_("Hanya penguji, coach dan mentor proyek ini yang dicatat kehadirannya."))
    now = timezone.now()
    with transaction.atomic():
        return [
            SeminarAttendance.objects.update_or_create(
                seminar=seminar,
                project=project,
                person=person,
                role=role,
                defaults={
                    "present": (person.pk, role) in present,
                    "recorded_by": by,
                    "recorded_at": now,
                },
            )[0]
            for person, role in expected
        ]


def examiner_conflict(examiners: Iterable[User], projects: Iterable[ChangeProject]) -> str:
    """Why these examiners may not examine these projects ('' when they may): nobody examines a
    project they coach or mentor."""
    for project in projects:
        for person in examiners:
            if person.pk == project.coach_id:
                role = Role.COACH.label
            elif person.pk == project.mentor_id:
                role = Role.MENTOR.label
            else:
                continue
            return _(
                "%(person)s adalah %(role)s proyek “%(project)s” sehingga tidak dapat "
                "mengujinya. Pilih penguji lain atau keluarkan proyek itu dari seminar ini."
            ) % {"person": person.get_full_name(), "role": str(role).lower(), "project": project}
    return ""


def _notify_scheduled(seminar_pk: int, examiner_ids: set[int], project_ids: set[int]) -> None:
    seminar = Seminar.objects.select_related("cohort").get(pk=seminar_pk)
    notify(
        User.objects.filter(pk__in=examiner_ids),
        template="seminar-scheduled",
        context={"seminar": seminar, "project": None},
        url=reverse("mentoring:seminar-detail", args=[seminar.pk]),
        cohort_id=seminar.cohort_id,
    )
    for project in ChangeProject.objects.filter(pk__in=project_ids).select_related("participant"):
        notify(
            [project.participant],
            template="seminar-scheduled",
            context={"seminar": seminar, "project": project},
            project=project,
            url=project.get_absolute_url(),
        )


def _locked_with_scores(seminar: Seminar, project: ChangeProject, expected_state: str | None):
    """The project locked for the seminar's decision, with its score summary; refuses a stale
    page and a project the seminar cannot decide yet. Call inside a transaction."""
    locked = ChangeProject.objects.select_for_update().get(pk=project.pk)
    if expected_state and locked.state != expected_state:
        raise locked.stale_refusal()
    refusal = scoring_refusal(seminar, locked)
    if refusal:
        raise Refused(refusal)
    return locked, score_summaries(seminar, [locked])[locked.pk]


def _check_examiner_action(seminar: Seminar, project: ChangeProject, by: User, kind: str) -> None:
    if seminar.kind != kind:
        raise Refused(_("Tindakan ini tidak berlaku untuk jenis seminar ini."))
    if not seminar.examiners.filter(pk=by.pk).exists():
        raise Forbidden(_("Hanya penguji seminar ini yang dapat melakukan tindakan ini."))
    if not seminar.projects.filter(pk=project.pk).exists():
        raise Refused(_("Proyek ini tidak ada dalam daftar seminar ini."))


def seminar_record_proposal_result(
    *,
    seminar: Seminar,
    project: ChangeProject,
    by: User,
    notes: str = "",
    expected_state: str | None = None,
) -> ProposalSeminarResult:
    """An examiner of the proposal seminar records its combined decision, once every examiner
    has scored and decided: the rubric's rule makes it accepted, accepted with revision, or
    rejected (the proposal is revised and reviewed again)."""
    _check_examiner_action(seminar, project, by, Seminar.Kind.PROPOSAL)
    notes = (notes or "").strip()
    recorded: list[ProposalSeminarResult] = []
    with transaction.atomic():
        locked, summary = _locked_with_scores(seminar, project, expected_state)
        decision, rubric = summary.decision, summary.rubric
        if not summary.complete or decision is None or rubric is None:
            raise Refused(incomplete_message(summary))

        def save_result(locked: ChangeProject, log) -> None:
            recorded.append(
                ProposalSeminarResult.objects.create(
                    project=locked,
                    seminar=seminar,
                    examiner=by,
                    accepted=decision != ProposalDecision.REJECTED,
                    decision=decision,
                    score=summary.score,
                    rule=rubric.rule_text()[:300],
                    notes=notes,
                    recorded_at=log.created_at,
                )
            )

        run_transition(
            project=locked,
            by=by,
            name="record_proposal_seminar",
            arguments=(decision,),
            comment=notes or str(decision.label),
            expected_state=ChangeProject.State.PROPOSAL_SEMINAR,
            before=save_result,
        )
    project.refresh_from_db()
    return recorded[0]


def seminar_record_scores(
    *,
    seminar: Seminar,
    project: ChangeProject,
    by: User,
    scores: dict[int, Decimal],
    decision: str = "",
    revisions: Iterable[str] = (),
) -> list[RubricScore]:
    """An examiner enters, or corrects, one score per rubric criterion; at a proposal seminar
    also their own decision and, unless they accept it as it is, the revisions they require."""
    if seminar.kind not in STATE_OF_KIND:
        raise Refused(_("Tindakan ini tidak berlaku untuk jenis seminar ini."))
    _check_examiner_action(seminar, project, by, seminar.kind)
    proposal = seminar.kind == Seminar.Kind.PROPOSAL
    revisions = [line.strip() for line in revisions if line.strip()]
    if proposal:
        if decision not in ProposalDecision.values:
            raise Refused(_("Pilih keputusan Anda atas rancangan ini."))
        if decision != ProposalDecision.ACCEPTED and not revisions:
            raise Refused(
                _(
                    "Tulis perbaikan yang Anda minta, satu per baris, bila rancangan tidak "
                    "diterima apa adanya."
                )
            )
        if any(len(line) > 500 for line in revisions):
            raise Refused(_("Satu butir perbaikan paling panjang 500 karakter."))
    with transaction.atomic():
        # The project's row lock orders scoring against grading: no score changes after it.
        locked = ChangeProject.objects.select_for_update().get(pk=project.pk)
        refusal = scoring_refusal(seminar, locked)
        if refusal:
            raise Refused(refusal)
        rubric = rubric_for(seminar)
        if rubric is not None:
            # Locked and read again: an edit in place cannot slip in between this check and the
            # scores, and once a score exists the admin saves edits as a new version.
            rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
        criteria = (
            {criterion.pk: criterion for criterion in rubric.criteria.all()} if rubric else {}
        )
        if rubric is None or not criteria:
            raise Refused(
                _("Belum ada rubrik untuk program ini; minta penyelenggara menambahkannya.")
            )
        weights_error = rubric.weights_error(c.weight for c in criteria.values())
        if weights_error:
            raise Refused(
                _("%(error)s Minta penyelenggara memperbaiki rubrik sebelum menilai.")
                % {"error": weights_error}
            )
        if set(scores) != set(criteria):
            raise Refused(_("Isi satu nilai untuk setiap kriteria rubrik."))
        for pk, value in scores.items():
            if not Decimal(0) <= value <= criteria[pk].max_score:
                raise Refused(score_range_message(criteria[pk]))
        now = timezone.now()
        saved = [
            RubricScore.objects.update_or_create(
                seminar=seminar,
                project=locked,
                examiner=by,
                criterion=criteria[pk],
                defaults={"score": value, "scored_at": now},
            )[0]
            for pk, value in scores.items()
        ]
        if proposal:
            ProposalReview.objects.update_or_create(
                seminar=seminar,
                project=locked,
                examiner=by,
                defaults={"decision": decision, "reviewed_at": now},
            )
            # The sheet is corrected as a whole: its revisions are the ones written now.
            RevisionItem.objects.filter(seminar=seminar, project=locked, examiner=by).delete()
            RevisionItem.objects.bulk_create(
                RevisionItem(seminar=seminar, project=locked, examiner=by, text=text, order=order)
                for order, text in enumerate(revisions, start=1)
            )
    return saved


def score_range_message(criterion: RubricCriterion) -> str:
    return _("Nilai “%(criterion)s” harus antara 0 dan %(max)s.") % {
        "criterion": criterion.name,
        "max": plain_number(criterion.max_score),
    }


def seminar_grade(
    *,
    seminar: Seminar,
    project: ChangeProject,
    by: User,
    fail: bool = False,
    comment: str = "",
    expected_state: str | None = None,
) -> SeminarGrade:
    """An examiner sets the outcome once every examiner has scored: passed or deferred by the
    band; failed only as an explicit decision with a reason."""
    _check_examiner_action(seminar, project, by, Seminar.Kind.RESULTS)
    comment = (comment or "").strip()
    if fail and not comment:
        raise Refused(_("Alasan wajib diisi bila proyek dinyatakan tidak lulus."))
    graded: list[SeminarGrade] = []
    with transaction.atomic():
        locked, summary = _locked_with_scores(seminar, project, expected_state)
        score, band = summary.score, summary.band
        if not summary.complete or score is None:
            raise Refused(incomplete_message(summary))
        if band is None:
            raise Refused(
                _(
                    "Rubrik tidak punya predikat untuk nilai %(score)s; minta penyelenggara "
                    "melengkapinya."
                )
                % {"score": plain_number(score)}
            )
        commitment = revision_commitment(locked)
        if commitment.check_refusal:
            raise Refused(commitment.check_refusal)
        if fail:
            outcome = SeminarGrade.Outcome.FAILED
        elif band.is_deferral:
            outcome = SeminarGrade.Outcome.DEFERRED
        else:
            outcome = SeminarGrade.Outcome.PASSED
        deadline = (
            timezone.localdate() + datetime.timedelta(days=rules_for(locked.cohort).deferral_days)
            if outcome == SeminarGrade.Outcome.DEFERRED
            else None
        )

        def save_grade(locked: ChangeProject, log) -> None:
            graded.append(
                SeminarGrade.objects.create(
                    project=locked,
                    seminar=seminar,
                    score=score,
                    predikat=band.label,
                    commitment_score=commitment.percent,
                    outcome=outcome,
                    notes=comment,
                    decided_by=by,
                    decided_at=log.created_at,
                )
            )
            refresh_summary(locked.pk)

        run_transition(
            project=locked,
            by=by,
            name="grade",
            arguments=(outcome, deadline),
            comment=comment,
            expected_state=ChangeProject.State.RESULTS_SEMINAR,
            before=save_grade,
        )
    project.refresh_from_db()
    return graded[0]


def revision_commit(*, project: ChangeProject, by: User) -> ProposalSeminarResult:
    """The participant commits to the revisions their proposal seminar required (komitmen
    perbaikan); an examiner of the results seminar checks them later."""
    with transaction.atomic():
        locked = ChangeProject.objects.select_for_update().get(pk=project.pk)
        if locked.participant_id != by.pk:
            raise Forbidden(_("Hanya peserta pemilik proyek yang menyatakan komitmen perbaikan."))
        result = commitment_awaited(locked)
        if result is None:
            raise Refused(_("Tidak ada komitmen perbaikan yang menunggu pernyataan Anda."))
        result.committed_at = timezone.now()
        result.save(update_fields=["committed_at"])
        # One statement covers every revision shown: an earlier decision left uncommitted (a
        # rejected proposal, revised and seminared again) is committed to with it.
        ProposalSeminarResult.objects.filter(
            project=locked, decision__in=NEEDS_COMMITMENT, committed_at__isnull=True
        ).update(committed_at=result.committed_at)
    return result


def revision_check(
    *, seminar: Seminar, project: ChangeProject, by: User, results: dict[int, str]
) -> list[RevisionItem]:
    """An examiner of the results seminar checks each committed revision: done, partly done or
    not done. Allowed while the project can still be scored there."""
    _check_examiner_action(seminar, project, by, Seminar.Kind.RESULTS)
    with transaction.atomic():
        locked = ChangeProject.objects.select_for_update().get(pk=project.pk)
        refusal = scoring_refusal(seminar, locked)
        if refusal:
            raise Refused(refusal)
        items = {item.pk: item for item in committed_revisions(locked)}
        if not items:
            raise Refused(_("Proyek ini tidak punya komitmen perbaikan untuk diperiksa."))
        if set(results) != set(items):
            raise Refused(_("Periksa setiap butir komitmen perbaikan."))
        if any(value not in RevisionItem.Check.values for value in results.values()):
            raise Refused(_("Pilih hasil pemeriksaan yang tersedia untuk setiap butir."))
        now = timezone.now()
        for pk, value in results.items():
            item = items[pk]
            item.result, item.checked_by, item.checked_at = value, by, now
            item.checked_seminar = seminar
            item.save(update_fields=["result", "checked_by", "checked_at", "checked_seminar"])
    return list(items.values())


def examiner_pool_add(*, institution: str, people: Iterable[User], by: User) -> list[User]:
    """Add people to the institution's examiner pool; returns those who were not in it."""
    added = []
    for person in people:
        _entry, created = PoolExaminer.objects.get_or_create(
            institution=institution, person=person, defaults={"added_by": by}
        )
        if created:
            added.append(person)
    return added


def seminar_add_examiners(
    *, seminar: Seminar, by: User, examiners: Iterable[User], typed: Iterable[User] = ()
) -> list[User]:
    """Organiser appoints several examiners to a seminar at once; only the new ones are told.

    People the organiser typed in by name join the institution's examiner pool first: typing
    them is how an institution keeps its pool.
    """
    examiners, typed = list(examiners), list(typed)
    if not is_organiser_of(seminar.cohort, by):
        raise Forbidden(_("Hanya penyelenggara angkatan ini yang dapat mengatur seminarnya."))
    with transaction.atomic():
        pool_ready = [
            person for person in typed if not person.projects.filter(cohort=seminar.cohort).exists()
        ]
        examiner_pool_add(institution=seminar.cohort.institution, people=pool_ready, by=by)
        return _add_examiners(seminar=seminar, by=by, examiners=[*examiners, *typed])


def _add_examiners(*, seminar: Seminar, by: User, examiners: list[User]) -> list[User]:
    current = list(seminar.examiners.all())
    known = {person.pk for person in current}
    added = list({person.pk: person for person in examiners if person.pk not in known}.values())
    if not added:
        raise Refused(_("Semua orang yang dipilih sudah menjadi penguji seminar ini."))
    seminar_update(
        seminar=seminar,
        by=by,
        starts_at=seminar.starts_at,
        place=seminar.place,
        online_link=seminar.online_link,
        examiners=[*current, *added],
        projects=list(seminar.projects.all()),
    )
    return added


# --- the seminar calendar's subscription feed ---------------------------------------------------


def calendar_feed_create(*, user: User) -> tuple[CalendarFeed, str]:
    """A new secret feed URL for the person's seminar calendar; an older one stops working.

    Returns the feed and its token, which is shown this once: only its digest is stored.
    """
    plain = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user).delete()
        feed = CalendarFeed.objects.create(user=user, digest=token_digest(plain))
    return feed, plain


def calendar_feed_revoke(*, user: User) -> bool:
    """Revoke the person's feed URL: calendars subscribed to it get nothing more."""
    deleted, _rows = CalendarFeed.objects.filter(user=user).delete()
    return bool(deleted)


# --- impact evaluation after training ------------------------------------------------------------


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or the last day of a shorter month (31 Aug -> 28 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _round_log(survey_round: SurveyRound, action: str, *, by=None, role="", detail="", comment=""):
    return SurveyRoundLog.objects.create(
        round=survey_round,
        project_id=survey_round.project_id,
        actor=by,
        role=role,
        action=action,
        detail=detail,
        comment=comment,
    )


def impact_close_training(
    *, project: ChangeProject, by: User, comment: str = "", expected_state: str | None = None
) -> TransitionLog:
    """Organiser closes training: the project goes into monitoring and its survey rounds are
    scheduled at the programme's offsets, in the same transaction."""

    def schedule(locked: ChangeProject, log: TransitionLog) -> None:
        schedule_rounds(locked, by=by, closed_on=timezone.localdate(log.created_at))

    return run_transition(
        project=project,
        by=by,
        name="close_training",
        comment=comment,
        expected_state=expected_state,
        before=schedule,
    )


def schedule_rounds(
    project: ChangeProject, *, by: User | None, closed_on: datetime.date
) -> list[SurveyRound]:
    """Schedule the project's survey rounds from the day training closed (once: no duplicates)."""
    schedule = survey_schedule_for(project.cohort.programme)
    offsets = sorted({int(months) for months in schedule.offsets_months if int(months) > 0})
    rounds = []
    for number, months in enumerate(offsets, start=1):
        opens_on = add_months(closed_on, months)
        survey_round, created = SurveyRound.objects.get_or_create(
            project=project,
            number=number,
            defaults={
                "months_after": months,
                "opens_on": opens_on,
                "due_on": opens_on + datetime.timedelta(days=schedule.window_days),
                "is_final": number == len(offsets),
            },
        )
        if created:
            _round_log(
                survey_round,
                SurveyRoundLog.Action.SCHEDULE,
                by=by,
                role=Role.ORGANISER if by else "",
                detail=_round_dates(survey_round),
            )
        rounds.append(survey_round)
    return rounds


def _round_dates(survey_round: SurveyRound) -> str:
    return str(
        _("dibuka %(opens)s, batas %(due)s")
        % {
            "opens": date_format(survey_round.opens_on),
            "due": date_format(survey_round.due_on),
        }
    )


def _lock_round_for_organiser(survey_round: SurveyRound, by: User) -> SurveyRound:
    """The round locked, with its project; Forbidden unless `by` organises the project's cohort;
    Refused once the project has left monitoring."""
    locked = (
        SurveyRound.objects.select_for_update(of=("self",))
        .select_related("project__cohort", "project__participant", "project__mentor")
        .get(pk=survey_round.pk)
    )
    if Role.ORGANISER not in locked.project.roles_of(by):
        raise Forbidden(_("Hanya penyelenggara angkatan ini yang mengelola putaran survei."))
    if locked.project.state != ChangeProject.State.MONITORING:
        raise Refused(
            _("Proyek ini berstatus “%(state)s”; putaran survei tidak dapat diubah lagi.")
            % {"state": locked.project.get_state_display()}
        )
    return locked


def round_open_early(*, survey_round: SurveyRound, by: User, comment: str = "") -> SurveyRound:
    """Organiser opens a round today instead of on its day; respondents are invited now."""
    today = timezone.localdate()
    with transaction.atomic():
        locked = _lock_round_for_organiser(survey_round, by)
        if locked.is_open(today):
            raise Refused(_("Putaran ini sudah dibuka. Tidak ada yang diubah."))
        before = date_format(locked.opens_on)
        locked.opens_on = today
        locked.save(update_fields=["opens_on"])
        _round_log(
            locked,
            SurveyRoundLog.Action.OPEN_EARLY,
            by=by,
            role=Role.ORGANISER,
            detail=f"{before} → {date_format(today)}",
            comment=comment.strip(),
        )
        round_invite(locked)
    survey_round.refresh_from_db()
    return survey_round


def round_extend(
    *, survey_round: SurveyRound, by: User, due_on: datetime.date, comment: str = ""
) -> SurveyRound:
    """Organiser moves a round's due date later."""
    with transaction.atomic():
        locked = _lock_round_for_organiser(survey_round, by)
        if due_on <= locked.due_on:
            raise Refused(
                _("Batas baru harus sesudah batas sekarang (%(due)s).")
                % {"due": date_format(locked.due_on)}
            )
        before = date_format(locked.due_on)
        locked.due_on = due_on
        locked.save(update_fields=["due_on"])
        _round_log(
            locked,
            SurveyRoundLog.Action.EXTEND,
            by=by,
            role=Role.ORGANISER,
            detail=f"{before} → {date_format(due_on)}",
            comment=comment.strip(),
        )
    survey_round.refresh_from_db()
    return survey_round


def round_excuse(*, survey_round: SurveyRound, by: User, role: str, reason: str) -> SurveyExcusal:
    """Organiser excuses the alumnus or the mentor from a round, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Tulis alasan pembebasan."))
    if role not in RESPONDENT_AUDIENCE:
        raise Refused(_("Pilih alumni atau mentor."))
    with transaction.atomic():
        locked = _lock_round_for_organiser(survey_round, by)
        if locked.responses.filter(role=role, state=SurveyResponse.State.SUBMITTED).exists():
            raise Refused(_("Responden ini sudah mengirim jawaban; tidak perlu dibebaskan."))
        excusal, created = SurveyExcusal.objects.get_or_create(
            round=locked, role=role, defaults={"reason": reason, "excused_by": by}
        )
        if not created:
            raise Refused(_("Responden ini sudah dibebaskan dari putaran ini."))
        _round_log(
            locked,
            SurveyRoundLog.Action.EXCUSE,
            by=by,
            role=Role.ORGANISER,
            detail=str(Role(role).label),
            comment=reason,
        )
    return excusal


def round_invite(survey_round: SurveyRound) -> list[User]:
    """Invite the round's respondents who have neither answered nor been excused (in-app and by
    email, in their language); at most once per round. Call inside a transaction."""
    if survey_round.invited_at is not None:
        return []
    project = survey_round.project
    invited = [
        person
        for role, person in respondents_of(survey_round)
        if person is not None and not _settled(survey_round, role)
    ]
    notify(
        invited,
        template="survey-invitation",
        context={"round": survey_round, "project": project},
        project=project,
        url=reverse("mentoring:survey-answer", args=[project.pk, survey_round.pk]),
    )
    survey_round.invited_at = timezone.now()
    survey_round.save(update_fields=["invited_at"])
    _round_log(
        survey_round,
        SurveyRoundLog.Action.INVITE,
        detail=", ".join(str(person) for person in invited),
    )
    return invited


def _settled(survey_round: SurveyRound, role: str) -> bool:
    return (
        survey_round.responses.filter(role=role, state=SurveyResponse.State.SUBMITTED).exists()
        or survey_round.excusals.filter(role=role).exists()
    )


def invite_open_rounds(today: datetime.date) -> int:
    """Invite the respondents of every round that opened by `today` and has not invited yet."""
    due = SurveyRound.objects.filter(
        opens_on__lte=today,
        invited_at__isnull=True,
        project__state=ChangeProject.State.MONITORING,
    ).values_list("pk", flat=True)
    invited = 0
    for pk in list(due):
        with transaction.atomic():
            survey_round = (
                SurveyRound.objects.select_for_update(of=("self",))
                .select_related("project__participant", "project__mentor", "project__cohort")
                .get(pk=pk)
            )
            if round_invite(survey_round):
                invited += 1
    return invited


def send_survey_reminder(digest: SurveyDigest, *, today: datetime.date) -> bool:
    """Queue one person's survey reminder for today, unless they already had a reminder today
    (the one-a-day rule of every reminder: `remind_once_a_day`)."""
    first = digest.rounds[0]
    return remind_once_a_day(
        digest.recipient,
        kind=Reminder.Kind.SURVEY,
        today=today,
        items=len(digest.rounds),
        template="survey-reminder",
        context={"rounds": digest.rounds, "today": today},
        url=reverse("mentoring:survey-answer", args=[first.project_id, first.pk]),
        cohort_id=digest.cohort_id,
    )


def survey_save(
    *,
    survey_round: SurveyRound,
    by: User,
    answers: dict[int, dict],
    submit: bool = False,
) -> SurveyResponse:
    """The alumnus or the mentor saves their answers to an open round as a draft, or submits them
    (once). A late answer is accepted and marked late; indicator values become measurements.

    `answers` maps question ids of the response's questionnaire to {"value": ..., "follow_up": ...}.
    """
    today = timezone.localdate()
    with transaction.atomic():
        locked = (
            SurveyRound.objects.select_for_update(of=("self",))
            .select_related("project__cohort", "project__participant", "project__mentor")
            .get(pk=survey_round.pk)
        )
        project = locked.project
        role = respondent_role(locked, by)
        if role is None:
            raise Forbidden(_("Hanya alumni dan mentor proyek ini yang mengisi survei ini."))
        if project.state != ChangeProject.State.MONITORING:
            raise Refused(
                _("Proyek ini berstatus “%(state)s”; survei tidak dapat diisi lagi.")
                % {"state": project.get_state_display()}
            )
        if not locked.is_open(today):
            raise Refused(
                _("Putaran ini baru dibuka %(day)s.") % {"day": date_format(locked.opens_on)}
            )
        if locked.excusals.filter(role=role).exists():
            raise Refused(_("Anda sudah dibebaskan dari putaran ini."))
        response = locked.responses.filter(role=role).first()
        if response is None:
            questionnaire = current_questionnaire(project.cohort, RESPONDENT_AUDIENCE[role])
            if questionnaire is None:
                raise Refused(_("Belum ada kuesioner untuk program ini. Hubungi penyelenggara."))
            response = SurveyResponse.objects.create(
                round=locked, role=role, respondent=by, questionnaire=questionnaire
            )
        if response.state == SurveyResponse.State.SUBMITTED:
            raise response.stale_refusal()
        _write_answers(response, project, answers)
        response.updated_at = timezone.now()
        response.save(update_fields=["updated_at"])
        if submit:
            workflow.run(
                response,
                by=by,
                name="submit",
                record=_record_submission,
                before=_measure_indicators,
                expected_state=SurveyResponse.State.DRAFT,
            )
            events.publish(
                cohort_id=project.cohort_id,
                event=events.SURVEY_SUBMITTED,
                data={
                    "project": project.pk,
                    "round": locked.number,
                    "months_after": locked.months_after,
                    "role": role,
                    "at": timezone.now().isoformat(),
                },
            )
    response.refresh_from_db()
    return response


def _write_answers(response: SurveyResponse, project: ChangeProject, answers: dict) -> None:
    questions = {question.pk: question for question in response.questionnaire.questions.all()}
    indicators = {str(pk) for pk in project.indicators.values_list("pk", flat=True)}
    for pk, given in answers.items():
        question = questions.get(int(pk))
        if question is None:
            raise Refused(_("Pertanyaan itu bukan bagian dari kuesioner ini."))
        value = given.get("value")
        if question.kind == Question.Kind.INDICATORS and value:
            if not set(value) <= indicators:
                raise Refused(_("Indikator itu bukan milik proyek ini."))
            value = {key: str(number) for key, number in value.items() if number not in (None, "")}
        SurveyAnswer.objects.update_or_create(
            response=response,
            question=question,
            defaults={"value": value, "follow_up": (given.get("follow_up") or "").strip()},
        )


def _record_submission(locked: SurveyResponse, *, from_state: str, role: Role, comment: str):
    return _round_log(
        locked.round,
        SurveyRoundLog.Action.SUBMIT,
        by=locked.respondent,
        role=role,
        detail=str(_("terlambat")) if locked.is_late else "",
    )


def _measure_indicators(locked: SurveyResponse, log: SurveyRoundLog) -> None:
    """The indicator values given in a submitted response become indicator measurements."""
    note = str(
        _("Dari survei pascapelatihan putaran %(number)s (%(role)s).")
        % {"number": locked.round.number, "role": locked.get_role_display()}
    )
    measured_on = timezone.localdate(log.created_at)
    for answer in locked.answers.filter(question__kind=Question.Kind.INDICATORS):
        for indicator_id, value in (answer.value or {}).items():
            IndicatorMeasurement.objects.create(
                indicator_id=int(indicator_id),
                value=Decimal(value),
                measured_on=measured_on,
                note=note,
                recorded_by=locked.respondent,
            )


def impact_complete_review(
    *,
    project: ChangeProject,
    by: User,
    outcome: str,
    barriers: Iterable[str],
    summary: str,
    expected_state: str | None = None,
) -> TransitionLog:
    """Organiser completes the impact review with a short conclusion (sustained, partly, not)
    and the barriers that mattered; the conclusion goes into the log and the reports. The
    transition's guard refuses it before the final round is answered or excused."""
    summary = (summary or "").strip()
    if not summary:
        raise Refused(_("Tulis ringkasan kesimpulan evaluasi dampak."))
    if outcome not in ImpactConclusion.Outcome.values:
        raise Refused(_("Pilih kesimpulan: berkelanjutan, sebagian, atau tidak berkelanjutan."))
    barriers = [value for value in Barrier.values if value in set(barriers)]
    comment = " ".join(
        part
        for part in [
            f"{ImpactConclusion.Outcome(outcome).label}.",
            str(_("Hambatan: %(list)s."))
            % {"list": ", ".join(str(Barrier(value).label) for value in barriers)}
            if barriers
            else "",
            summary,
        ]
        if part
    )

    def conclude(locked: ChangeProject, log: TransitionLog) -> None:
        ImpactConclusion.objects.create(
            project=locked,
            transition_log=log,
            outcome=outcome,
            barriers=barriers,
            summary=summary,
            written_by=by,
            created_at=log.created_at,
        )

    return run_transition(
        project=project,
        by=by,
        name="complete_impact_review",
        comment=comment,
        expected_state=expected_state,
        before=conclude,
    )


COMMITMENT_STATES = frozenset({ChangeProject.State.PASSED, ChangeProject.State.MONITORING})


def commitment_record(*, project: ChangeProject, by: User) -> Commitment:
    """The participant, the mentor or the agency head records their agreement to the project's
    medium- and long-term milestones after training (once each)."""
    with transaction.atomic():
        locked = (
            ChangeProject.objects.select_for_update(of=("self",))
            .select_related("cohort")
            .get(pk=project.pk)
        )
        held = locked.roles_of(by)
        role = next(
            (r for r in (Role.PARTICIPANT, Role.MENTOR, Role.AGENCY_HEAD) if r in held), None
        )
        if role is None:
            raise Forbidden(
                _("Komitmen dicatat oleh peserta, mentor, dan kepala instansi proyek ini.")
            )
        if locked.state not in COMMITMENT_STATES:
            raise Refused(
                _("Komitmen pascapelatihan dicatat saat pelatihan ditutup, bukan pada status ini.")
            )
        if Commitment.objects.filter(project=locked, role=role).exists():
            raise Refused(
                _("Komitmen Anda sebagai %(role)s sudah tercatat.") % {"role": role.label}
            )
        milestones = [
            {
                "term": milestone.term,
                "activity": milestone.activity,
                "due_date": milestone.due_date.isoformat(),
                "expected_output": milestone.expected_output,
            }
            for milestone in locked.milestones.filter(term__in=[Term.MEDIUM, Term.LONG]).order_by(
                "due_date", "pk"
            )
        ]
        return Commitment.objects.create(
            project=locked,
            role=role,
            signer=by,
            wording=str(Commitment.WORDING),
            milestones=milestones,
        )


def questionnaire_save(
    *, questionnaire: Questionnaire, by: User, name: str, shares_answers: bool, questions: list
) -> Questionnaire:
    """Organiser edits a questionnaire. Their institution's own unanswered version changes in
    place; an answered one, or a shared default, is kept as it is and the edit becomes a new
    version (of their institution) that new answers use."""
    institutions = institutions_organised_by(by)
    if not by.is_superuser and not institutions:
        raise Forbidden(_("Hanya penyelenggara yang mengubah kuesioner."))
    if not questions:
        raise Refused(_("Kuesioner memerlukan setidaknya satu pertanyaan."))
    with transaction.atomic():
        locked = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
        if locked.later_versions.filter(institution=locked.institution).exists():
            raise Stale(_("Kuesioner ini sudah punya versi yang lebih baru. Ubah versi terbaru."))
        in_place = owns_questionnaire(locked, by) and not locked.is_in_use()
        if in_place:
            target = locked
            target.name = name
            target.shares_answers = shares_answers
            target.save(update_fields=["name", "shares_answers"])
            target.questions.all().delete()
        else:
            target = Questionnaire.objects.create(
                programme=locked.programme,
                audience=locked.audience,
                name=name,
                institution=locked.institution or (institutions[0] if institutions else ""),
                version=locked.version + 1,
                previous_version=locked,
                shares_answers=shares_answers,
            )
        Question.objects.bulk_create(
            Question(questionnaire=target, **question) for question in questions
        )
    return target
