"""Onboarding as a new cohort lives it: the organiser imports a list naming a mentor who has no
account; the participant opens the invitation from the email, sets a password, lands on the
project; the mentor's invitation works too."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.browser.chromium import import_or_skip
from tests.factories import AgencyFactory, CohortFactory, UserFactory
from tracker.models import ChangeProject, Programme, User

expect = import_or_skip("playwright.sync_api").expect

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

LIST = (
    "NIP,Nama lengkap,Email,Kode instansi,Jabatan,NIP mentor,Nama mentor,Email mentor,"
    "Username coach\n"
    "199001012015032001,Citra Lestari,citra@jejak.example,DINKES-ONBOARD,Kepala Seksi,"
    "197512102000031003,Hari Susanto,hari@jejak.example,\n"
)
LINK = re.compile(r"https?://[^\s\"<>]+(/undangan/[^\s\"<>]+/)")
PASSWORD = "Rujukan-Daring-2026!"


def _invitation_path(address: str) -> str:
    (message,) = [message for message in mail.outbox if message.to == [address]]
    return LINK.search(message.body).group(1)


def _accept(page, path: str) -> None:
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_have_text("Selamat datang di Jejak")
    page.locator("#id_new_password1").fill(PASSWORD)
    page.locator("#id_new_password2").fill(PASSWORD)
    page.get_by_role("button", name="Simpan kata sandi dan masuk").click()


def test_an_imported_participant_accepts_the_invitation_and_lands_on_the_project(
    new_page, run_tasks
):
    AgencyFactory(code="DINKES-ONBOARD", name="Dinas Kesehatan")
    organiser = UserFactory(username="rina", full_name="Rina Marlina")
    cohort = CohortFactory(programme=Programme.PKA, number="XIX", year=2026)
    cohort.organisers.add(organiser)

    page = new_page(user=organiser)
    page.goto(f"/angkatan/{cohort.pk}/impor-peserta/")
    page.get_by_label("Berkas peserta (.csv atau .xlsx)").set_input_files(
        files=[{"name": "peserta.csv", "mimeType": "text/csv", "buffer": LIST.encode()}]
    )
    page.get_by_role("button", name="Periksa berkas").click()
    expect(page.get_by_text("Akun dan proyek baru")).to_be_visible()
    expect(page.get_by_text("Mentor Hari Susanto belum punya akun")).to_be_visible()
    page.get_by_role("button", name="Simpan impor").click()
    expect(page.get_by_role("status").filter(has_text="Impor selesai")).to_contain_text(
        "2 undangan dikirim lewat email."
    )

    run_tasks()  # the background worker sends the invitations
    participant_page = new_page()
    _accept(participant_page, _invitation_path("citra@jejak.example"))
    project = ChangeProject.objects.get(participant__nip="199001012015032001")
    expect(participant_page).to_have_url(project.get_absolute_url())
    expect(participant_page.get_by_role("heading", level=1)).to_have_text(project.title)
    expect(participant_page.locator(".message--success")).to_contain_text(
        "Selamat datang di Jejak, Citra"
    )

    mentor_page = new_page()
    _accept(mentor_page, _invitation_path("hari@jejak.example"))
    expect(mentor_page.get_by_role("heading", level=1)).to_contain_text("Selamat datang")
    assert User.objects.get(nip="197512102000031003").check_password(PASSWORD)

    # The organiser sees both invitations accepted.
    page.goto(f"/angkatan/{cohort.pk}/undangan/")
    expect(page.locator("tbody .badge").filter(has_text="Diterima")).to_have_count(2)
