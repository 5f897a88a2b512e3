from __future__ import annotations

from django.urls import path

from mentoring import impact_views, views

app_name = "mentoring"

urlpatterns = [
    path("proyek/<int:pk>/setujui-rancangan/", views.approve_proposal, name="approve-proposal"),
    path("proyek/<int:pk>/setujui-laporan/", views.approve_report, name="approve-report"),
    path("proyek/<int:pk>/komentar/", views.comment_list, name="comments"),
    path("proyek/<int:pk>/komentar/tulis/", views.comment_create, name="comment-create"),
    path("proyek/<int:pk>/konsultasi/", views.consultation_list, name="consultations"),
    path(
        "proyek/<int:pk>/konsultasi/catat/",
        views.consultation_create,
        name="consultation-create",
    ),
    path(
        "proyek/<int:pk>/konsultasi/<int:consultation_pk>/konfirmasi/",
        views.consultation_confirm,
        name="consultation-confirm",
    ),
    path(
        "proyek/<int:pk>/konsultasi/<int:consultation_pk>/sanggah/",
        views.consultation_dispute,
        name="consultation-dispute",
    ),
    path("proyek/<int:pk>/jurnal/", views.journal_list, name="journal"),
    path("proyek/<int:pk>/jurnal/tulis/", views.journal_create, name="journal-create"),
    path(
        "proyek/<int:pk>/jurnal/<int:entry_pk>/tanggapi/",
        views.journal_reply,
        name="journal-reply",
    ),
    path("seminar/", views.seminar_list, name="seminar-list"),
    path("angkatan/<int:cohort_pk>/seminar/baru/", views.seminar_create, name="seminar-create"),
    path("seminar/<int:pk>/", views.seminar_detail, name="seminar-detail"),
    path("kalender/", views.calendar, name="calendar"),
    path("kalender/seminar.ics", views.calendar_ics, name="calendar-ics"),
    path("kalender/langganan/buat/", views.calendar_feed_create, name="calendar-feed-create"),
    path("kalender/langganan/cabut/", views.calendar_feed_revoke, name="calendar-feed-revoke"),
    path("kalender/langganan/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
    path(
        "seminar/<int:pk>/proyek/<int:project_pk>/kehadiran/",
        views.seminar_attendance,
        name="seminar-attendance",
    ),
    path("seminar/<int:pk>/ubah/", views.seminar_update, name="seminar-update"),
    path("seminar/<int:pk>/penguji/", views.examiner_assignment, name="examiner-assignment"),
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
        "seminar/<int:pk>/proyek/<int:project_pk>/komitmen-perbaikan/",
        views.revision_check,
        name="revision-check",
    ),
    path("proyek/<int:pk>/komitmen-perbaikan/", views.revision_commit, name="revision-commit"),
    path(
        "seminar/<int:pk>/proyek/<int:project_pk>/tetapkan/",
        views.grade_project,
        name="grade-project",
    ),
]

# Impact evaluation after training.
urlpatterns += [
    path("proyek/<int:pk>/tutup-pelatihan/", impact_views.close_training, name="close-training"),
    path("proyek/<int:pk>/pascapelatihan/", impact_views.monitoring, name="monitoring"),
    path(
        "proyek/<int:pk>/survei/<int:round_pk>/", impact_views.survey_answer, name="survey-answer"
    ),
    path("proyek/<int:pk>/survei/<int:round_pk>/buka/", impact_views.round_open, name="round-open"),
    path(
        "proyek/<int:pk>/survei/<int:round_pk>/perpanjang/",
        impact_views.round_extend,
        name="round-extend",
    ),
    path(
        "proyek/<int:pk>/survei/<int:round_pk>/bebaskan/",
        impact_views.round_excuse,
        name="round-excuse",
    ),
    path(
        "proyek/<int:pk>/selesaikan-evaluasi-dampak/",
        impact_views.complete_impact_review,
        name="complete-impact-review",
    ),
    path("proyek/<int:pk>/komitmen/", impact_views.commitment_record, name="commitment-record"),
    path("kuesioner/", impact_views.questionnaire_list, name="questionnaire-list"),
    path("kuesioner/<int:pk>/ubah/", impact_views.questionnaire_edit, name="questionnaire-edit"),
]
