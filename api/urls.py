from __future__ import annotations

from django.urls import path

from api import views

app_name = "api"

urlpatterns = [
    path("profil/token-api/", views.token_list, name="tokens"),
    path("token-api/lembaga/", views.institution_tokens, name="institution-tokens"),
    path("token-api/<int:pk>/cabut/", views.token_revoke, name="token-revoke"),
    path("angkatan/<int:pk>/token-api/", views.cohort_tokens, name="cohort-tokens"),
    path("angkatan/<int:pk>/webhook/", views.webhook_list, name="webhooks"),
    path("webhook/<int:pk>/hapus/", views.webhook_delete, name="webhook-delete"),
    path(
        "webhook/pengiriman/<int:pk>/kirim-ulang/",
        views.webhook_redeliver,
        name="webhook-redeliver",
    ),
]
