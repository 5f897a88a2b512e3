from __future__ import annotations

from django.urls import path

from milestones import views

app_name = "milestones"

urlpatterns = [
    path("proyek/<int:pk>/tonggak/", views.milestone_list, name="list"),
    path("proyek/<int:pk>/tonggak/tambah/", views.milestone_add, name="add"),
    path("proyek/<int:pk>/tonggak/usulan/", views.request_addition, name="request-addition"),
    path("proyek/<int:pk>/capaian-tonggak/", views.milestone_ratings, name="ratings"),
    path("proyek/<int:pk>/indikator/", views.indicator_list, name="indicators"),
    path("tonggak/<int:pk>/", views.milestone_detail, name="detail"),
    path("tonggak/<int:pk>/ubah/", views.milestone_edit, name="edit"),
    path("tonggak/<int:pk>/hapus/", views.milestone_delete, name="delete"),
    *(
        path(f"tonggak/<int:pk>/{name}/", view, name=name)
        for name, view in views.STEP_VIEWS.items()
    ),
    path("tonggak/<int:pk>/bukti/unggah/", views.evidence_upload, name="upload-evidence"),
    path("tonggak/<int:pk>/bukti/tautan/", views.evidence_link, name="add-link"),
    path("tonggak/<int:pk>/jadwal-ulang/", views.request_reschedule, name="request-reschedule"),
    path("tonggak/<int:pk>/nilai/", views.milestone_rate, name="rate"),
    path("bukti/<int:pk>/unduh/", views.evidence_download, name="download-evidence"),
    path("bukti/<int:pk>/hapus/", views.evidence_delete, name="delete-evidence"),
    path("perubahan/<int:pk>/setujui/", views.change_approve, name="approve-change"),
    path("perubahan/<int:pk>/tolak/", views.change_reject, name="reject-change"),
    path("indikator/<int:pk>/catat/", views.indicator_record, name="record-measurement"),
]
