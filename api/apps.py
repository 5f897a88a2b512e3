from __future__ import annotations

import logging

from django.apps import AppConfig
from django.db import transaction
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def queue_webhooks(sender, *, cohort_id: int, event: str, data: dict, **kwargs) -> None:
    """A domain event: queue its deliveries, in a savepoint so a failure never fails the change."""
    from api.services import publish

    try:
        with transaction.atomic():
            publish(cohort_id=cohort_id, event=event, data=data)
    except Exception:
        logger.exception("Could not queue the webhooks of %s for cohort %s", event, cohort_id)


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self) -> None:
        from tracker.events import happened

        happened.connect(queue_webhooks, dispatch_uid="api.queue_webhooks")
