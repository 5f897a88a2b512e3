"""Signing in: Django's model backend, loading what every page's header shows with the user."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from tracker.models import Cohort, Notification, Seminar, User


class AccountBackend(ModelBackend):
    """Loads the signed-in user with their unread count and whether they see the seminar list.

    Every page's header shows both; reading them with the user saves two queries a page.
    """

    def get_user(self, user_id):
        unread = (
            Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
            .order_by()
            .values("recipient")
            .annotate(count=Count("pk"))
            .values("count")
        )
        user = (
            User._default_manager.annotate(
                unread_notification_count=Coalesce(
                    Subquery(unread, output_field=IntegerField()), Value(0)
                ),
                organises_cohorts=Exists(
                    Cohort.organisers.through.objects.filter(user_id=OuterRef("pk"))
                ),
                examines_seminars=Exists(
                    Seminar.examiners.through.objects.filter(user_id=OuterRef("pk"))
                ),
            )
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
