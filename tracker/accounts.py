"""Accounts: invitations to set a password, the password-reset email, the profile.

An imported or invited person gets an account without a usable password and an invitation
email with a link to set one. The link is a token of Django's kind: it names the account and
hashes its password and last login, so it dies once the password is set, and it expires after
INVITATION_DAYS. Every email goes through `notify()`: written in the transaction of the change,
in the recipient's language, sent by the background worker.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from tracker.models import (
    SYSTEM_USERNAME,
    AgencyHead,
    ChangeProject,
    Cohort,
    Invitation,
    Role,
    User,
)
from tracker.notifications import notify
from tracker.selectors import agency_lineage_ids
from tracker.workflow import Forbidden, Refused

# A second click on "send again" within this many seconds finds the invitation just sent and
# sends nothing: a double click sends one email.
RESEND_PAUSE = datetime.timedelta(seconds=60)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset token, with its own salt and INVITATION_DAYS to live."""

    key_salt = "jejak.accounts.InvitationTokenGenerator"

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return 0 <= age <= settings.INVITATION_DAYS * 24 * 3600


invitation_tokens = InvitationTokenGenerator()


def needs_password(user: User) -> bool:
    """An active account nobody can log in to yet: it waits for its invitation to be used."""
    return user.is_active and not user.has_usable_password()


def invitation_link(user: User) -> str:
    """The absolute set-your-password link for the user, valid from now."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("invitation-accept", args=[uid, invitation_tokens.make_token(user)])
    return settings.SITE_URL + path


def invite(*, user: User, by: User, role: Role, cohort: Cohort) -> bool:
    """Invite the person to the cohort in this role if their account still needs a password:
    once per person, cohort and role. True if an invitation went out now. Call it inside the
    change's transaction."""
    if not needs_password(user):
        return False
    invitation, created = Invitation.objects.get_or_create(
        user=user, cohort=cohort, role=role, defaults={"invited_by": by, "approved_by": by}
    )
    if created:
        _send(invitation)
    return created


def _send(invitation: Invitation) -> None:
    user = invitation.user
    context = {
        "invitation": invitation,
        "link": invitation_link(user),
        "days": settings.INVITATION_DAYS,
        "inviter": invitation.invited_by,
        # Lazy: translated when the email is rendered, in the recipient's language.
        "role": Role(invitation.role).label,
        "place": invitation.cohort or invitation.agency,
    }
    notices = notify(
        [user],
        template="invitation",
        context=context,
        url=reverse("tracker:profile"),
        cohort_id=invitation.cohort_id,
    )
    invitation.notification = notices[0] if notices else None
    invitation.sent_at = timezone.now()
    invitation.send_count += 1
    invitation.save(update_fields=["notification", "sent_at", "send_count"])


def _may_manage(invitation: Invitation, user: User) -> bool:
    if user.is_superuser:
        return True
    if invitation.cohort is None:
        return False
    return invitation.cohort.organisers.filter(pk=user.pk).exists()


def invitation_resend(*, invitation: Invitation, by: User) -> bool:
    """Organiser (or admin) sends an invitation again with a fresh link; False if it was just
    sent (a double click) and nothing went out."""
    if not _may_manage(invitation, by):
        raise Forbidden(_("Hanya penyelenggara angkatan ini yang dapat mengirim ulang undangan."))
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
        if locked.accepted_at is not None or not needs_password(locked.user):
            raise Refused(
                _("%(name)s sudah menerima undangan dan dapat masuk; tidak ada yang dikirim.")
                % {"name": locked.user}
            )
        if locked.approved_by_id is None:
            raise Refused(_("Undangan ini menunggu persetujuan admin; belum dapat dikirim."))
        if locked.sent_at is not None and timezone.now() - locked.sent_at < RESEND_PAUSE:
            return False
        _send(locked)
    invitation.refresh_from_db()
    return True


def cohort_resend_invitations(*, cohort: Cohort, by: User) -> int:
    """Organiser sends again every invitation of the cohort not yet accepted; returns how many
    went out (those sent a moment ago are skipped, so a double click sends each once)."""
    if not cohort.organisers.filter(pk=by.pk).exists():
        raise Forbidden(_("Hanya penyelenggara angkatan ini yang dapat mengirim ulang undangan."))
    sent = 0
    pending = cohort.invitations.filter(accepted_at__isnull=True, approved_by__isnull=False)
    for invitation in pending.select_related("user", "cohort"):
        try:
            sent += invitation_resend(invitation=invitation, by=by)
        except Refused:
            continue  # accepted meanwhile
    return sent


def invitations_accept(user: User) -> None:
    """The person set their password (invitation link or reset): their invitations are taken."""
    user.invitations.filter(accepted_at__isnull=True, sent_at__isnull=False).update(
        accepted_at=timezone.now()
    )


def landing_url(user: User) -> str:
    """Where a person lands after accepting: the project of their latest participant
    invitation, else the home page."""
    invitation = (
        user.invitations.filter(role=Role.PARTICIPANT, cohort__isnull=False)
        .order_by("-created_at", "-pk")
        .first()
    )
    if invitation is not None:
        project = ChangeProject.objects.filter(participant=user, cohort=invitation.cohort).first()
        if project is not None:
            return project.get_absolute_url()
    return reverse("tracker:home")


def cohort_invitations(cohort: Cohort) -> QuerySet[Invitation]:
    """The cohort's invitations with what their status needs, by person."""
    return cohort.invitations.select_related(
        "user", "user__agency", "invited_by", "notification__email"
    ).order_by("user__full_name", "role", "pk")


def send_password_reset(*, user: User, uid: str, token: str) -> None:
    """Queue the password-reset email (through the worker, in the person's language)."""
    path = reverse("password_reset_confirm", args=[uid, token])
    notify(
        [user],
        template="password-reset",
        context={
            "link": settings.SITE_URL + path,
            "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
        },
    )


def user_update_profile(*, user: User, data: dict) -> list[str]:
    """The person changes their own name, email, position and language; returns what changed.

    NIP and agency are not among them: organisers and the admin keep those.
    """
    changed = [name for name in PROFILE_FIELDS if getattr(user, name) != data[name]]
    for name in changed:
        setattr(user, name, data[name])
    if changed:
        user.save(update_fields=changed)
    return changed


PROFILE_FIELDS = ("full_name", "email", "position", "language")


def agency_head_approve(*, invitation: Invitation, by: User) -> AgencyHead:
    """The admin grants a proposed headship: the person becomes the agency's head and, if they
    have no password yet, gets their invitation."""
    if not by.is_superuser:
        raise Forbidden(_("Hanya admin yang dapat menetapkan kepala instansi."))
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.role != Role.AGENCY_HEAD or locked.agency_id is None:
            raise Refused(_("Undangan ini bukan untuk kepala instansi."))
        head, _created = AgencyHead.objects.get_or_create(
            user=locked.user, agency=locked.agency, defaults={"is_delegate": locked.is_delegate}
        )
        agency_head_invite(head=head, by=by)
    invitation.refresh_from_db()
    return head


def agency_head_invite(*, head: AgencyHead, by: User) -> bool:
    """The admin made someone an agency's head: recorded as an approved invitation, sent if the
    account still needs a password (once). True if an email went out now."""
    invitation, _created = Invitation.objects.get_or_create(
        user=head.user,
        agency=head.agency,
        defaults={
            "role": Role.AGENCY_HEAD,
            "invited_by": by,
            "is_delegate": head.is_delegate,
        },
    )
    if invitation.approved_by_id is None:
        invitation.approved_by = by
        invitation.save(update_fields=["approved_by"])
    if needs_password(head.user):
        if invitation.sent_at is None:
            _send(invitation)
            return True
    elif invitation.accepted_at is None:
        invitation.accepted_at = timezone.now()
        invitation.save(update_fields=["accepted_at"])
    return False


def agency_head_propose(
    *,
    cohort: Cohort,
    by: User,
    agency,
    nip: str,
    full_name: str,
    email: str,
    position: str,
    is_delegate: bool,
) -> Invitation:
    """Organiser proposes the head of an agency of their cohort's participants; the admin
    grants it (`agency_head_approve`). A headship reads every project of the agency, whichever
    institution trains them: an organiser never grants one.

    A new person gets an account without a password; an existing account is never changed.
    """
    if not cohort.organisers.filter(pk=by.pk).exists():
        raise Forbidden(_("Hanya penyelenggara angkatan ini yang dapat melakukannya."))
    if agency.pk not in agencies_of_cohort(cohort):
        raise Refused(_("Pilih instansi peserta angkatan ini atau instansi induknya."))
    with transaction.atomic():
        person = User.objects.select_for_update().filter(nip=nip).first()
        if person is None:
            if User.objects.filter(username=nip).exists():
                raise Refused(_("Nama pengguna %(nip)s sudah dipakai akun lain.") % {"nip": nip})
            person = User(
                username=nip,
                nip=nip,
                full_name=full_name,
                email=email,
                position=position,
                agency=agency,
            )
            person.set_unusable_password()
            person.save()
        elif person.is_staff or person.is_superuser:
            raise Refused(
                _(
                    "NIP ini milik akun pengelola Jejak; kepala instansi dari akun itu hanya "
                    "dapat ditetapkan admin."
                )
            )
        elif not person.is_active:
            raise Refused(_("Akun dengan NIP ini sudah dinonaktifkan; hubungi admin."))
        if AgencyHead.objects.filter(user=person, agency=agency).exists():
            raise Refused(
                _("%(name)s sudah kepala %(agency)s.") % {"name": person, "agency": agency}
            )
        invitation, _created = Invitation.objects.get_or_create(
            user=person,
            agency=agency,
            defaults={
                "role": Role.AGENCY_HEAD,
                "invited_by": by,
                "is_delegate": is_delegate,
            },
        )
    return invitation


def agencies_of_cohort(cohort: Cohort) -> set[int]:
    """The agencies of the cohort's projects and every agency above them."""
    return agency_lineage_ids(cohort.projects.values_list("agency_id", flat=True).distinct())


def system_user() -> User:
    """The account Jejak's own daily run acts as in the logs: inactive, without a password, so
    no one signs in with it."""
    user, created = User.objects.get_or_create(
        username=SYSTEM_USERNAME, defaults={"full_name": "Sistem Jejak", "is_active": False}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user
