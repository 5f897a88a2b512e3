from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrackerConfig(AppConfig):
    name = "tracker"
    verbose_name = _("Proyek perubahan")

    def ready(self) -> None:
        import atexit

        from django.core.signals import request_finished
        from django.db.backends.signals import connection_created
        from django.db.models.signals import post_migrate, pre_migrate

        from tracker import (  # noqa: F401  (health: a check; lookups: `__in_ids`)
            fragments,
            health,
            lookups,
            sqlite_search,
            sqlite_stats,
            summary,
        )

        # Every connection's writes retire the cached page regions they change.
        connection_created.connect(fragments.install, dispatch_uid="tracker.fragments.install")
        request_finished.connect(fragments.settle_all, dispatch_uid="tracker.fragments.settle")
        atexit.register(fragments.settle_all)
        pre_migrate.connect(fragments.pause_for_migrate, dispatch_uid="tracker.fragments.pause")
        post_migrate.connect(
            fragments.resume_after_migrate, dispatch_uid="tracker.fragments.resume"
        )
        # SQLite's search indexes follow their tables again after any migration remade them.
        post_migrate.connect(sqlite_search.after_migrate, dispatch_uid="tracker.sqlite_search")
        # And its planner knows the tables' sizes again (`tracker/sqlite_stats.py`).
        post_migrate.connect(sqlite_stats.after_migrate, dispatch_uid="tracker.sqlite_stats")
        # The columns triggers keep are kept again (`tracker/summary.py`): the participant's name
        # on each project, the milestones' activity, the reviews' sign-offs.
        pre_migrate.connect(summary.before_migrate, dispatch_uid="tracker.summary.before")
        post_migrate.connect(summary.after_migrate, dispatch_uid="tracker.summary")
