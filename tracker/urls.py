from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from tracker import views

tracker_patterns = [
    path("", views.home, name="home"),
    path("proyek/<int:pk>/", views.project_detail, name="project-detail"),
    path("proyek/<int:pk>/rancangan/", views.proposal_edit, name="proposal-edit"),
    path("alur-kerja/", views.workflow_diagram, name="workflow"),
    path("notifikasi/", views.notification_list, name="notifications"),
    path("notifikasi/<int:pk>/baca/", views.notification_read, name="notification-read"),
    path("notifikasi/baca-semua/", views.notifications_read_all, name="notifications-read-all"),
    path("angkatan/<int:pk>/impor-peserta/", views.participant_import, name="participant-import"),
    path(
        "angkatan/<int:pk>/impor-peserta/simpan/",
        views.participant_import_confirm,
        name="participant-import-confirm",
    ),
    path("angkatan/<int:pk>/coach/", views.coach_assignment, name="coach-assignment"),
    *(
        path(f"proyek/<int:pk>/{name}/", view, name=name)
        for name, view in views.TRANSITION_VIEWS.items()
    ),
]

urlpatterns = [
    path("", include((tracker_patterns, "tracker"))),
    path("", include("mentoring.urls")),
    path("", include("milestones.urls")),
    path("", include("reports.urls")),
    path("masuk/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("bahasa/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
