"""Agency heads: the admin invites them; an organiser only proposes, and the admin decides."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from tracker.models import AgencyHead, Invitation, User

NIP = "197108081999031005"


def _url(world) -> str:
    return reverse("tracker:agency-head-proposal", args=[world.cohort.pk])


def _propose(client, world, **changes):
    data = {
        "agency": world.province.pk,
        "nip": NIP,
        "full_name": "dr. Ahmad Fauzi",
        "email": "ahmad@jejak.example",
        "position": "Kepala Dinas",
        **changes,
    }
    return client.post(_url(world), data)


@pytest.fixture
def organiser(client, world):
    client.force_login(world.organiser)
    return client


def test_an_organisers_proposal_grants_nothing_and_sends_nothing(organiser, world, run_tasks):
    response = _propose(organiser, world)
    assert response.status_code == 302
    person = User.objects.get(nip=NIP)
    assert not person.has_usable_password()
    assert not AgencyHead.objects.filter(user=person).exists()
    invitation = Invitation.objects.get(user=person)
    assert invitation.status == Invitation.Status.AWAITING_APPROVAL
    assert run_tasks() == 0
    page = organiser.get(_url(world)).content.decode()
    assert "Menunggu persetujuan admin" in page


def test_the_admin_approves_the_proposal_and_the_head_is_invited(organiser, world, run_tasks):
    _propose(organiser, world)
    invitation = Invitation.objects.get(user__nip=NIP)
    request = RequestFactory().post("/")
    request.user = world.admin
    request._messages = _Messages()
    model_admin = site._registry[Invitation]
    model_admin.approve_agency_heads(request, Invitation.objects.filter(pk=invitation.pk))
    assert AgencyHead.objects.filter(user__nip=NIP, agency=world.province).exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.INVITED
    assert run_tasks() == 1
    assert "sebagai Kepala instansi" in mail.outbox[0].body


def test_the_approval_is_not_the_organisers_to_run(world):
    request = RequestFactory().get("/")
    request.user = world.organiser
    assert "approve_agency_heads" not in site._registry[Invitation].get_actions(request)


class _Messages(list):
    def add(self, level, message, extra_tags=""):
        self.append(message)


def test_an_agency_outside_the_cohort_is_refused(organiser, world, elsewhere):
    far = elsewhere.project.agency
    response = _propose(organiser, world, agency=far.pk)
    assert response.status_code == 400
    assert (
        "Pilih instansi peserta angkatan ini atau instansi induknya." in response.content.decode()
    )
    assert not Invitation.objects.exists()


def test_a_staff_account_cannot_be_proposed(organiser, world):
    response = _propose(organiser, world, nip=world.organiser.nip)
    assert response.status_code == 400
    assert "hanya dapat ditetapkan admin" in response.content.decode()
    assert not Invitation.objects.exists()


def test_an_existing_account_is_never_changed(organiser, world, elsewhere):
    person = elsewhere.participant
    _propose(organiser, world, nip=person.nip, full_name="Diganti", email="x@jejak.example")
    person.refresh_from_db()
    assert person.full_name == "Joko Jauh"
    assert Invitation.objects.get(user=person).approved_by is None


def test_proposing_twice_records_one_proposal(organiser, world):
    _propose(organiser, world)
    _propose(organiser, world)
    assert Invitation.objects.filter(user__nip=NIP).count() == 1


def test_a_head_the_admin_adds_without_a_password_is_invited(client, world, run_tasks):
    person = User(username=NIP, nip=NIP, full_name="dr. Ahmad", email="ahmad@jejak.example")
    person.set_unusable_password()
    person.save()
    client.force_login(world.admin)
    response = client.post(
        reverse("admin:tracker_agencyhead_add"),
        {"user": person.pk, "agency": world.dinas.pk},
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert run_tasks() == 1
    assert mail.outbox[0].to == ["ahmad@jejak.example"]
    assert Invitation.objects.get(user=person).status == Invitation.Status.INVITED
