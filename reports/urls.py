from __future__ import annotations

from django.urls import path

from reports import views

app_name = "reports"

urlpatterns = [
    path("proyek/<int:pk>/laporan.pdf", views.project_report, name="project-report"),
    path("proyek/<int:pk>/lembar-persetujuan.pdf", views.approval_page, name="approval-page"),
    path("proyek/<int:pk>/rancangan.pdf", views.proposal, name="proposal"),
    path("proyek/<int:pk>/lembar-pengesahan.pdf", views.endorsement_page, name="endorsement-page"),
    path("proyek/<int:pk>/laporan-akhir.pdf", views.final_report, name="final-report"),
    path("proyek/<int:pk>/kartu-kendali.pdf", views.control_form, name="control-form"),
    path("proyek/<int:pk>/komitmen.pdf", views.commitment, name="commitment"),
    path(
        "proyek/<int:project_pk>/berita-acara/<int:pk>.pdf",
        views.seminar_minutes,
        name="seminar-minutes",
    ),
    path("laporan/instansi/<int:pk>/", views.agency_report, name="agency-report"),
    path("laporan/angkatan/<int:pk>/", views.cohort_recap, name="cohort-recap"),
    path("laporan/permintaan/<int:pk>/", views.job_detail, name="job"),
    path("laporan/permintaan/<int:pk>/unduh.pdf", views.job_download, name="job-download"),
    path("laporan/permintaan/<int:pk>/ulangi/", views.job_retry, name="job-retry"),
    path("verifikasi/<str:code>/", views.verify, name="verify"),
    path("proyek/", views.project_list, name="project-list"),
    path(
        "proyek/pilihan/<str:name>/",
        views.project_filter_choices,
        name="project-filter-choices",
    ),
    path("proyek/unduh.csv", views.project_export_csv, name="project-export-csv"),
    path("proyek/unduh.xlsx", views.project_export_xlsx, name="project-export-xlsx"),
    path("proyek/unduh/<str:name>.<str:fmt>", views.list_export, name="list-export"),
    path("seminar/unduh.<str:fmt>", views.seminar_export, name="seminar-export"),
    path("survei/jawaban.csv", views.survey_export_csv, name="survey-export-csv"),
    path("survei/jawaban.xlsx", views.survey_export_xlsx, name="survey-export-xlsx"),
]
