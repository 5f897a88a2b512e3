from __future__ import annotations

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("proyek/<int:pk>/laporan.pdf", views.project_report, name="project-report"),
    path("proyek/<int:pk>/lembar-persetujuan.pdf", views.approval_page, name="approval-page"),
    path("verifikasi/<str:code>/", views.verify, name="verify"),
    path("proyek/", views.project_list, name="project-list"),
    path("proyek/unduh.csv", views.project_export_csv, name="project-export-csv"),
    path("proyek/unduh.xlsx", views.project_export_xlsx, name="project-export-xlsx"),
]
