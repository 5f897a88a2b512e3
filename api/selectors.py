"""Reads of the API: what a caller (a person, or a token acting for one) may see.

Nothing here decides visibility: the pages' rule (`projects_visible_to`) does, and an
organisation token only narrows it to its cohort or institution.
"""

from __future__ import annotations

from django.db.models import QuerySet

from api.models import ApiToken, Webhook, WebhookDelivery
from tracker.models import Agency, ChangeProject, Cohort, User
from tracker.selectors import agency_lineage_ids, projects_visible_to


def narrowed(projects: QuerySet[ChangeProject], token: ApiToken | None) -> QuerySet:
    """The projects an organisation token is limited to, among those its maker sees."""
    if token is None or token.kind == ApiToken.Kind.PERSONAL:
        return projects
    if token.kind == ApiToken.Kind.COHORT and token.cohort_id is not None:
        return projects.filter(cohort_id=token.cohort_id)
    return projects.filter(cohort__institution__iexact=token.institution)


def api_projects(user: User, token: ApiToken | None) -> QuerySet[ChangeProject]:
    """The projects the caller sees through the API: exactly the pages' ones, narrowed."""
    return narrowed(projects_visible_to(user), token)


def api_cohorts(user: User, token: ApiToken | None) -> QuerySet[Cohort]:
    """Cohorts with a project the caller sees, or that the caller organises."""
    visible = api_projects(user, token).values("cohort_id")
    cohorts = Cohort.objects.filter(pk__in=visible)
    if token is None or token.kind == ApiToken.Kind.PERSONAL:
        cohorts = cohorts | Cohort.objects.filter(organisers=user)
    elif token.kind == ApiToken.Kind.COHORT and token.cohort_id is not None:
        cohorts = cohorts | Cohort.objects.filter(organisers=user, pk=token.cohort_id)
    return cohorts.distinct().order_by("pk")


def api_agencies(user: User, token: ApiToken | None) -> QuerySet[Agency]:
    """Agencies of the caller's projects and the agencies above them (for the tree)."""
    agency_ids = api_projects(user, token).order_by().values_list("agency_id", flat=True).distinct()
    return Agency.objects.filter(pk__in=agency_lineage_ids(agency_ids)).order_by("pk")


def tokens_of(user: User) -> QuerySet[ApiToken]:
    """The person's own personal tokens, newest first."""
    return ApiToken.objects.filter(user=user, kind=ApiToken.Kind.PERSONAL)


def cohort_tokens(cohort: Cohort) -> QuerySet[ApiToken]:
    """The cohort's organisation tokens, newest first, with who made them."""
    return ApiToken.objects.filter(kind=ApiToken.Kind.COHORT, cohort=cohort).select_related("user")


def institution_tokens() -> QuerySet[ApiToken]:
    """Every training institution's token, newest first, with who made it."""
    return ApiToken.objects.filter(kind=ApiToken.Kind.INSTITUTION).select_related("user")


def webhooks_of(cohort: Cohort) -> QuerySet[Webhook]:
    """The cohort's webhooks, oldest first."""
    return Webhook.objects.filter(cohort=cohort)


def deliveries_of(cohort: Cohort, *, limit: int = 50) -> list[WebhookDelivery]:
    """The latest deliveries to the cohort's webhooks, newest first."""
    return list(
        WebhookDelivery.objects.filter(webhook__cohort=cohort).select_related("webhook")[:limit]
    )
