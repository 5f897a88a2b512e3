from __future__ import annotations

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("proyek/<int:pk>/laporan.pdf", views.project_report, name="project-report"),
    path("proyek/<int:pk>/lembar-persetujuan.pdf", views.approval_page, name="approval-page"),
    path(
        "proyek/<int:project_pk>/berita-acara/<int:pk>.pdf",
        views.seminar_minutes,
        name="seminar-minutes",
    ),
    path("verifikasi/<str:code>/", views.verify, name="verify"),
]
