from __future__ import annotations

from django.urls import reverse

from reports.services import issue_project_report


def test_admin_lists_issued_documents_but_cannot_change_them(client, approved_project, world):
    document = issue_project_report(project=approved_project, by=world.participant)
    client.force_login(world.admin)

    listing = client.get(reverse("admin:reports_generateddocument_changelist"))
    detail = client.get(reverse("admin:reports_generateddocument_change", args=[document.pk]))
    posted = client.post(
        reverse("admin:reports_generateddocument_change", args=[document.pk]),
        {"title": "Diubah"},
    )

    assert listing.status_code == 200
    assert document.code in listing.content.decode()
    assert detail.status_code == 200
    assert 'name="title"' not in detail.content.decode()
    assert posted.status_code == 403
    document.refresh_from_db()
    assert document.title == "Laporan Aksi Perubahan Kinerja Organisasi"
    assert client.get(reverse("admin:reports_generateddocument_add")).status_code == 403
