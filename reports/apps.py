from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Laporan")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from reports import figures

        # The agency figures' marks follow their tables again after any migration remade them.
        pre_migrate.connect(figures.before_migrate, dispatch_uid="reports.figures.before")
        post_migrate.connect(figures.after_migrate, dispatch_uid="reports.figures")
