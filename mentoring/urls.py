from __future__ import annotations

from django.urls import path

from mentoring import views

app_name = "mentoring"

urlpatterns = [
    path("proyek/<int:pk>/setujui-rancangan/", views.approve_proposal, name="approve-proposal"),
    path("proyek/<int:pk>/setujui-laporan/", views.approve_report, name="approve-report"),
]
