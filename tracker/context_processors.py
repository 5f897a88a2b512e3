from __future__ import annotations

from django.http import HttpRequest


def unread_notifications(request: HttpRequest) -> dict:
    """The count on the bell in the header: one query per page, none for anonymous users."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Loaded with the user by tracker.auth.AccountBackend; counted here for any other user object.
    count = getattr(user, "unread_notification_count", None)
    if count is None:
        count = user.notifications.filter(read_at__isnull=True).count()
    return {"unread_notification_count": count}
