from __future__ import annotations

from django.urls import path

from mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("proyek/<int:pk>/setujui-rancangan/", views.approve_proposal, name="approve-proposal"),
    path("proyek/<int:pk>/setujui-laporan/", views.approve_report, name="approve-report"),
    path("seminar/", views.seminar_list, name="seminar-list"),
    path("angkatan/<int:cohort_pk>/seminar/baru/", views.seminar_create, name="seminar-create"),
    path("seminar/<int:pk>/", views.seminar_detail, name="seminar-detail"),
    path("seminar/<int:pk>/ubah/", views.seminar_update, name="seminar-update"),
    path(
        "seminar/<int:pk>/proyek/<int:project_pk>/hasil-rancangan/",
        views.record_proposal_result,
        name="record-proposal-result",
    ),
    path(
        "seminar/<int:pk>/proyek/<int:project_pk>/nilai/",
        views.score_project,
        name="score-project",
    ),
    path(
        "seminar/<int:pk>/proyek/<int:project_pk>/tetapkan/",
        views.grade_project,
        name="grade-project",
    ),
]
