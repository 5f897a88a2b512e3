from __future__ import annotations

from django.contrib.contenttypes.models import ContentType

from tests.authz import (
    IN_PROJECT_SCOPE,
    LOGIN,
    NOT_THEIRS,
    OUT_OF_SCOPE,
    STAFF_ONLY,
    Row,
    admin_page,
    model_admin_pages,
    project_action,
)
from tests.factories import CohortFactory
from tracker.models import ChangeProject, Cohort, ImpactIndicator, ProgrammeRules

# A POST without the form's fields: allowed personas get 400 (form refused), the rest 403/404.
ROWS = [
    Row("tracker:home", others=200, expect={"anonymous": LOGIN}),
    Row(
        "tracker:project-detail",
        others=OUT_OF_SCOPE,
        expect=IN_PROJECT_SCOPE,
        args=lambda world: [world.project.pk],
    ),
    Row("tracker:workflow", others=200, expect={"anonymous": LOGIN}),
    Row(
        "tracker:proposal-edit",
        others=OUT_OF_SCOPE,
        expect={
            **dict.fromkeys(IN_PROJECT_SCOPE, 403),
            "participant": 200,
            "anonymous": LOGIN,
        },
        args=lambda world: [world.project.pk],
    ),
    project_action("tracker:submit-proposal", {"participant": 400}),
    project_action("tracker:submit-revision", {"participant": 400}),
    project_action("tracker:submit-report", {"participant": 400}),
    project_action("tracker:resubmit", {"participant": 400}),
    project_action("tracker:return-proposal", {"coach": 400, "mentor": 400}),
    project_action("tracker:return-report", {"coach": 400, "mentor": 400}),
    project_action("tracker:lapse-deferral", {"organiser": 400}),
    project_action("tracker:pass-remedial-exam", {"organiser": 400}),
    project_action("tracker:fail-remedial-exam", {"organiser": 400}),
    project_action("tracker:withdraw", {"organiser": 400}),
    Row("login", others=302, expect={"anonymous": 200}),
    Row("logout", others=302, method="post"),
    Row("set_language", others=302, method="post", data=lambda world: {"language": "en"}),
    Row("healthz", others=200),
]

ROWS += [
    Row("tracker:notifications", others=200, expect={"anonymous": LOGIN}),
    Row(
        "tracker:notifications-read-all",
        others=302,
        method="post",
    ),
    # No such notification for anyone: 404 for every logged-in user (own ones only).
    Row(
        "tracker:notification-read",
        others=404,
        expect={"anonymous": LOGIN},
        args=lambda world: [999999],
        method="post",
    ),
]

# Organiser tools: only the cohort's organisers; the admin is refused (403), everyone else 404.
ORGANISER_ONLY = {"organiser": 200, "admin": 403, "anonymous": LOGIN}
ROWS += [
    Row(
        "tracker:participant-import",
        others=OUT_OF_SCOPE,
        expect=ORGANISER_ONLY,
        args=lambda world: [world.cohort.pk],
    ),
    # Confirming without a preview in the session: the organiser is told to upload again (400).
    Row(
        "tracker:participant-import-confirm",
        others=OUT_OF_SCOPE,
        expect={**ORGANISER_ONLY, "organiser": 400},
        args=lambda world: [world.cohort.pk],
        method="post",
    ),
    Row(
        "tracker:coach-assignment",
        others=OUT_OF_SCOPE,
        expect=ORGANISER_ONLY,
        args=lambda world: [world.cohort.pk],
    ),
]


def _add_indicator(world) -> None:
    ImpactIndicator.objects.create(
        project=world.project, name="Waktu layanan", unit="menit", baseline=60, target=15
    )


def _add_other_cohort(world) -> None:
    CohortFactory(institution="Pusdiklat Lain", number="99")


# The Django admin as the organiser reaches it with the demo organiser group's permissions: their
# cohorts, projects, seminars and indicators, the people of their cohorts, agencies to read.
# Everyone without staff rights is sent to the admin login (302); so is an object outside the
# organiser's cohorts (the admin redirects to its index); a right they lack answers 403.
ROWS += [
    admin_page("admin:index", 200),
    admin_page("admin:app_list", 200, args=lambda world: ["tracker"]),
    Row("admin:login", others=200, expect={"organiser": 302, "admin": 302}),
    # Logging out sends everyone to the app's login page.
    Row("admin:logout", others=302, method="post"),
    admin_page("admin:password_change", 200),
    admin_page("admin:password_change_done", 200),
    admin_page("admin:jsi18n", 200),
    Row(
        "admin:view_on_site",
        others=STAFF_ONLY,
        args=lambda world: [ContentType.objects.get_for_model(ChangeProject).pk, world.project.pk],
    ),
    admin_page(
        "admin:autocomplete",
        200,
        data=lambda world: {
            "app_label": "tracker",
            "model_name": "changeproject",
            "field_name": "coach",
        },
    ),
    *model_admin_pages("tracker_cohort", lambda world: world.cohort, delete=403),
    admin_page(
        "admin:tracker_cohort_change",
        NOT_THEIRS,
        args=lambda world: [Cohort.objects.get(institution="Pusdiklat Lain").pk],
        setup=_add_other_cohort,
        case="another institution",
    ),
    *model_admin_pages("tracker_changeproject", lambda world: world.project, delete=403),
    *model_admin_pages("tracker_seminar", lambda world: world.project.seminars.get()),
    *model_admin_pages(
        "tracker_impactindicator",
        lambda world: world.project.indicators.get(),
        setup=_add_indicator,
    ),
    *model_admin_pages("tracker_agency", lambda world: world.dinas, add=403, delete=403),
    # Programme rules: the operator writes them; organisers read which apply.
    *model_admin_pages(
        "tracker_programmerules",
        lambda world: ProgrammeRules.objects.get(programme=world.cohort.programme),
        add=403,
        delete=403,
    ),
    *model_admin_pages(
        "tracker_agencyhead",
        lambda world: world.agency_head.headships.get(),
        add=403,
        change=NOT_THEIRS,
        delete=403,
    ),
    *model_admin_pages("tracker_user", lambda world: world.participant, add=403, delete=403),
    admin_page(
        "admin:tracker_user_change",
        NOT_THEIRS,
        args=lambda world: [world.stranger.pk],
        case="outside their cohorts",
    ),
    admin_page(
        "admin:auth_user_password_change",
        403,
        args=lambda world: [world.participant.pk],
        case="someone in their cohort",
    ),
    admin_page(
        "admin:auth_user_password_change",
        404,
        args=lambda world: [world.admin.pk],
        case="outside their cohorts",
    ),
    admin_page(
        "admin:auth_user_password_change",
        200,
        args=lambda world: [world.organiser.pk],
        case="their own",
    ),
    # Email deliveries: the organiser reads those of their cohorts; nobody adds, edits or deletes.
    admin_page("admin:tracker_emaildelivery_changelist", 200),
    admin_page("admin:tracker_emaildelivery_add", 403, admin=403),
    admin_page("admin:tracker_emaildelivery_change", 200, args=lambda world: [_email(world).pk]),
    admin_page(
        "admin:tracker_emaildelivery_delete", 403, admin=403, args=lambda world: [_email(world).pk]
    ),
    admin_page("admin:tracker_emaildelivery_history", 200, args=lambda world: [_email(world).pk]),
]


def _email(world):
    """An email about the world's project, as notify() queues it."""
    from tracker.models import EmailDelivery, Notification

    notice, _created = Notification.objects.get_or_create(
        recipient=world.participant, project=world.project, message="Rancangan diterima"
    )
    delivery, _created = EmailDelivery.objects.get_or_create(
        notification=notice,
        defaults={
            "cohort": world.cohort,
            "to": world.participant.email or "budi@example.org",
            "subject": "Rancangan diterima",
            "body_text": "Isi",
            "body_html": "<p>Isi</p>",
        },
    )
    return delivery


# --- Accounts: one's own pages, the public password pages, the organiser's invitations ---------


def _uid(world) -> str:
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    return urlsafe_base64_encode(force_bytes(world.participant.pk))


def _invitation(world):
    from tracker.models import Invitation

    invitation, _created = Invitation.objects.get_or_create(
        user=world.participant,
        cohort=world.cohort,
        role="participant",
        defaults={"invited_by": world.organiser, "approved_by": world.organiser},
    )
    return invitation


ROWS += [
    Row("tracker:profile", others=200, expect={"anonymous": LOGIN}),
    Row("password_change", others=200, expect={"anonymous": LOGIN}),
    # Public: anyone may ask for a reset; a wrong token shows the "link no longer valid" page.
    Row("password_reset", others=200),
    Row("password_reset_done", others=200),
    Row("password_reset_confirm", others=200, args=lambda world: [_uid(world), "1-bad"]),
    Row("password_reset_complete", others=200),
    Row("invitation-accept", others=200, args=lambda world: [_uid(world), "1-bad"]),
    Row(
        "tracker:invitations",
        others=OUT_OF_SCOPE,
        expect=ORGANISER_ONLY,
        args=lambda world: [world.cohort.pk],
    ),
    # The world participant can log in already: resending is refused with a message (302).
    Row(
        "tracker:invitation-resend",
        others=OUT_OF_SCOPE,
        expect={**ORGANISER_ONLY, "organiser": 302},
        args=lambda world: [world.cohort.pk, _invitation(world).pk],
        method="post",
    ),
    Row(
        "tracker:invitations-resend-all",
        others=OUT_OF_SCOPE,
        expect={**ORGANISER_ONLY, "organiser": 302},
        args=lambda world: [world.cohort.pk],
        method="post",
    ),
    Row(
        "tracker:staff-import",
        others=OUT_OF_SCOPE,
        expect=ORGANISER_ONLY,
        args=lambda world: [world.cohort.pk],
    ),
    Row(
        "tracker:staff-import-confirm",
        others=OUT_OF_SCOPE,
        expect={**ORGANISER_ONLY, "organiser": 400},
        args=lambda world: [world.cohort.pk],
        method="post",
    ),
]

ROWS += [
    Row(
        "tracker:agency-head-proposal",
        others=OUT_OF_SCOPE,
        expect=ORGANISER_ONLY,
        args=lambda world: [world.cohort.pk],
    ),
]
