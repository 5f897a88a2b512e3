"""The API app's pages and endpoints in the authorization matrix.

The matrix signs each persona in through the browser session, which the API accepts as the
pages do; tokens get their own tests (tests/api/test_auth.py).
"""

from __future__ import annotations

from tests.authz import IN_PROJECT_SCOPE, LOGIN, OUT_OF_SCOPE, Row, read_only_admin_pages

UNAUTHORIZED = 401  # the API answers anonymous callers 401, never a redirect to the login page
ORGANISER_ONLY = {"organiser": 200, "admin": 403, "anonymous": LOGIN}
API_IN_SCOPE = {**IN_PROJECT_SCOPE, "anonymous": UNAUTHORIZED}


def _project(world) -> list:
    return [world.project.pk]


def _cohort(world) -> list:
    return [world.cohort.pk]


def _indicator(world) -> list:
    from tracker.models import ImpactIndicator

    indicator = ImpactIndicator.objects.create(
        project=world.project, name="Waktu tunggu", unit="menit", baseline=10, target=5
    )
    return [indicator.pk]


def _seminar(world) -> list:
    from tracker.models import Seminar

    return [Seminar.objects.get(projects=world.project).pk]


def _seminar_project(world) -> list:
    return [*_seminar(world), world.project.pk]


def _token(world) -> list:
    from api import services

    return [services.token_create(by=world.participant, name="Uji", scope="read").pk]


def _webhook(world) -> list:
    from api.models import Webhook

    webhook = Webhook.objects.create(
        cohort=world.cohort,
        url="https://hooks.example.com/jejak",
        secret="s",
        events=["project.state_changed"],
        created_by=world.organiser,
    )
    return [webhook.pk]


def _delivery(world) -> list:
    from api.models import Webhook, WebhookDelivery

    webhook = Webhook.objects.get(pk=_webhook(world)[0])
    delivery = WebhookDelivery.objects.create(
        webhook=webhook, event="project.state_changed", payload={"event": "x"}
    )
    return [delivery.pk]


ROWS = [
    Row("api:tokens", others=200, expect={"anonymous": LOGIN}),
    # Only its maker may revoke a personal token (a redirect back to their list); others 404.
    Row(
        "api:token-revoke",
        others=OUT_OF_SCOPE,
        expect={"participant": 302, "admin": 302, "anonymous": LOGIN},
        args=_token,
        method="post",
    ),
    Row(
        "api:institution-tokens",
        others=403,
        expect={"admin": 200, "anonymous": LOGIN},
    ),
    Row("api:cohort-tokens", others=OUT_OF_SCOPE, expect=ORGANISER_ONLY, args=_cohort),
    Row("api:webhooks", others=OUT_OF_SCOPE, expect=ORGANISER_ONLY, args=_cohort),
    Row(
        "api:webhook-delete",
        others=OUT_OF_SCOPE,
        expect={"organiser": 302, "admin": 403, "anonymous": LOGIN},
        args=_webhook,
        method="post",
    ),
    Row(
        "api:webhook-redeliver",
        others=OUT_OF_SCOPE,
        expect={"organiser": 302, "admin": 403, "anonymous": LOGIN},
        args=_delivery,
        method="post",
    ),
    # The schema and its docs page are public: they describe the API, not anyone's data.
    Row("api-v1:openapi-json", others=200),
    Row("api-v1:openapi-view", others=200),
    Row("api-v1:api-root", others=404),
    Row("api-v1:list_projects", others=200, expect={"anonymous": UNAUTHORIZED}),
    Row("api-v1:list_cohorts", others=200, expect={"anonymous": UNAUTHORIZED}),
    Row("api-v1:list_agencies", others=200, expect={"anonymous": UNAUTHORIZED}),
    Row(
        "api-v1:agency_impact",
        others=OUT_OF_SCOPE,
        expect={"agency_head": 200, "admin": 200, "anonymous": UNAUTHORIZED},
        args=lambda world: [world.province.pk],
    ),
    Row(
        "api-v1:agency_survey",
        others=OUT_OF_SCOPE,
        expect={"agency_head": 200, "admin": 200, "anonymous": UNAUTHORIZED},
        args=lambda world: [world.province.pk],
    ),
    *(
        Row(name, others=OUT_OF_SCOPE, expect=API_IN_SCOPE, args=_project)
        for name in (
            "api-v1:get_project",
            "api-v1:list_milestones",
            "api-v1:list_evidence",
            "api-v1:list_seminars",
            "api-v1:list_indicators",
        )
    ),
    Row("api-v1:list_transitions", others=OUT_OF_SCOPE, expect=API_IN_SCOPE, args=_project),
    # The matrix posts a form, not JSON: every signed-in caller is told the body is unreadable
    # (400; authentication comes first, so anonymous gets 401). Who may write what, with real
    # bodies and tokens, is in tests/api/test_write.py.
    Row(
        "api-v1:run_transition",
        others=400,
        expect={"anonymous": UNAUTHORIZED},
        args=_project,
        method="post",
    ),
    Row(
        "api-v1:record_measurement",
        others=400,
        expect={"anonymous": UNAUTHORIZED},
        args=_indicator,
        method="post",
    ),
    Row(
        "api-v1:import_participants",
        others=400,
        expect={"anonymous": UNAUTHORIZED},
        args=_cohort,
        method="post",
    ),
    Row(
        "api-v1:get_seminar",
        others=OUT_OF_SCOPE,
        expect={"examiner": 200, "organiser": 200, "admin": 200, "anonymous": UNAUTHORIZED},
        args=_seminar,
    ),
    # Like the other writes: a form body is unreadable (400) once the caller is known.
    Row(
        "api-v1:schedule_seminar",
        others=400,
        expect={"anonymous": UNAUTHORIZED},
        args=_cohort,
        method="post",
    ),
    Row(
        "api-v1:update_seminar",
        others=400,
        expect={"anonymous": UNAUTHORIZED},
        args=_seminar,
        method="put",
    ),
    Row(
        "api-v1:record_scores",
        others=400,
        expect={"anonymous": UNAUTHORIZED},
        args=_seminar_project,
        method="put",
    ),
]


def _cohort_token(world):
    from api import services

    return services.token_create(
        by=world.organiser, name="Sinkron LMS", scope="read", cohort=world.cohort
    )


def _webhook_row(world):
    from api.models import Webhook

    return Webhook.objects.get(pk=_webhook(world)[0])


# Tokens and webhooks in the admin: read, revoked and switched off there, never made or edited.
ROWS += [
    *read_only_admin_pages("api_apitoken", _cohort_token),
    *read_only_admin_pages("api_webhook", _webhook_row),
]
