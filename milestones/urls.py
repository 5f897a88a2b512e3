from __future__ import annotations

from django.urls import path

from milestones.views import milestone, plan, results

app_name = "milestones"

urlpatterns = [
    path("proyek/<int:pk>/tonggak/", plan.milestone_list, name="list"),
    path("proyek/<int:pk>/tonggak/tambah/", plan.milestone_add, name="add"),
    path("proyek/<int:pk>/tonggak/usulan/", plan.request_addition, name="request-addition"),
    path("proyek/<int:pk>/capaian-tonggak/", results.milestone_ratings, name="ratings"),
    path("proyek/<int:pk>/indikator/", results.indicator_list, name="indicators"),
    path("tonggak/<int:pk>/", milestone.milestone_detail, name="detail"),
    path("tonggak/<int:pk>/ubah/", plan.milestone_edit, name="edit"),
    path("tonggak/<int:pk>/hapus/", plan.milestone_delete, name="delete"),
    path("tonggak/<int:pk>/start/", milestone.start, name="start"),
    path("tonggak/<int:pk>/submit/", milestone.submit, name="submit"),
    path("tonggak/<int:pk>/accept/", milestone.accept, name="accept"),
    path("tonggak/<int:pk>/return/", milestone.send_back, name="return"),
    path("tonggak/<int:pk>/bukti/unggah/", milestone.evidence_upload, name="upload-evidence"),
    path("tonggak/<int:pk>/bukti/tautan/", milestone.evidence_link, name="add-link"),
    path("tonggak/<int:pk>/jadwal-ulang/", milestone.request_reschedule, name="request-reschedule"),
    path("tonggak/<int:pk>/nilai/", results.milestone_rate, name="rate"),
    path("bukti/<int:pk>/unduh/", milestone.evidence_download, name="download-evidence"),
    path("bukti/<int:pk>/hapus/", milestone.evidence_delete, name="delete-evidence"),
    path("perubahan/<int:pk>/setujui/", plan.change_approve, name="approve-change"),
    path("perubahan/<int:pk>/tolak/", plan.change_reject, name="reject-change"),
    path("indikator/<int:pk>/catat/", results.indicator_record, name="record-measurement"),
]
