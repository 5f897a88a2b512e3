from __future__ import annotations

from tests.authz import IN_PROJECT_SCOPE, LOGIN, OUT_OF_SCOPE, Row, project_action

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
    project_action("tracker:close-training", {"organiser": 400}),
    project_action("tracker:complete-impact-review", {"organiser": 400}),
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
