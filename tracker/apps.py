from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Proyek perubahan")

    def ready(self) -> None:
        from tracker import health  # noqa: F401  (registers the deploy check for static files)
