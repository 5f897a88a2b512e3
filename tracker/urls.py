from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from api.endpoints import api
from tracker import account_views, views

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
    path("angkatan/<int:pk>/undangan/", account_views.invitation_list, name="invitations"),
    path(
        "angkatan/<int:pk>/undangan/<int:invitation_pk>/kirim-ulang/",
        account_views.invitation_resend,
        name="invitation-resend",
    ),
    path(
        "angkatan/<int:pk>/undangan/kirim-ulang-semua/",
        account_views.invitations_resend_all,
        name="invitations-resend-all",
    ),
    path("angkatan/<int:pk>/impor-staf/", account_views.staff_import, name="staff-import"),
    path(
        "angkatan/<int:pk>/impor-staf/simpan/",
        account_views.staff_import_confirm,
        name="staff-import-confirm",
    ),
    path(
        "angkatan/<int:pk>/kepala-instansi/",
        account_views.agency_head_proposal,
        name="agency-head-proposal",
    ),
    path("profil/", account_views.profile, name="profile"),
    path("proyek/<int:pk>/submit-proposal/", views.submit_proposal, name="submit-proposal"),
    path("proyek/<int:pk>/return-proposal/", views.return_proposal, name="return-proposal"),
    path("proyek/<int:pk>/submit-revision/", views.submit_revision, name="submit-revision"),
    path("proyek/<int:pk>/submit-report/", views.submit_report, name="submit-report"),
    path("proyek/<int:pk>/return-report/", views.return_report, name="return-report"),
    path("proyek/<int:pk>/resubmit/", views.resubmit, name="resubmit"),
    path("proyek/<int:pk>/lapse-deferral/", views.lapse_deferral, name="lapse-deferral"),
    path(
        "proyek/<int:pk>/remedial-exam/passed/",
        views.pass_remedial_exam,
        name="pass-remedial-exam",
    ),
    path(
        "proyek/<int:pk>/remedial-exam/failed/",
        views.fail_remedial_exam,
        name="fail-remedial-exam",
    ),
    path("proyek/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]

urlpatterns = [
    path("", include((tracker_patterns, "tracker"))),
    path("", include("mentoring.urls")),
    path("", include("milestones.urls")),
    path("", include("reports.urls")),
    path("", include("api.urls")),
    path("api/v1/", api.urls),
    path("masuk/", account_views.LoginView.as_view(), name="login"),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("lupa-kata-sandi/", account_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "lupa-kata-sandi/terkirim/",
        account_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "atur-kata-sandi/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "atur-kata-sandi/selesai/",
        account_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "undangan/<uidb64>/<token>/",
        account_views.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
    path("akun/kata-sandi/", account_views.PasswordChangeView.as_view(), name="password_change"),
    path("bahasa/", views.set_language, name="set_language"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]
