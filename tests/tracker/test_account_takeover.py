"""An organiser changes only the accounts made for their own cohorts (`accounts_managed_by`).

Whoever can change someone's email can take the account over with a password reset. People
reach an organiser's cohorts in other ways too (an import row linking an existing account, a
coach or examiner assignment): none of these gives the organiser any right over the account.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import (
    AgencyHeadFactory,
    ChangeProjectFactory,
    CohortFactory,
    UserFactory,
    made_by_import,
)
from tests.tracker.test_participant_import import (
    _confirm_url,
    _csv,
    _row,
    _token,
    _upload,
)
from tracker.models import Invitation, Role, User
from tracker.selectors import accounts_managed_by


def _post_email(client, person: User, email: str):
    url = reverse("admin:tracker_user_change", args=[person.pk])
    return client.post(
        url,
        {
            "username": person.username,
            "full_name": person.full_name,
            "nip": person.nip or "",
            "position": person.position,
            "agency": person.agency_id or "",
            "email": email,
            "language": person.language,
        },
    )


def _email(person: User) -> str:
    return User.objects.get(pk=person.pk).email


@pytest.fixture
def linked(world) -> User:
    """An account the organiser did not make, linked into their cohort as a participant (what
    an import row with an existing NIP does)."""
    person = UserFactory(username="linked", full_name="Akun Lama")
    ChangeProjectFactory(participant=person, cohort=world.cohort)
    return person


def test_organiser_changes_the_account_their_import_made(client, world, staff_organiser):
    made_by_import(world.participant, world.cohort, world.organiser)
    client.force_login(staff_organiser)
    response = _post_email(client, world.participant, "budi@baru.example")
    assert response.status_code == 302
    assert _email(world.participant) == "budi@baru.example"


def test_a_linked_account_is_read_only_to_the_organiser(client, world, staff_organiser, linked):
    client.force_login(staff_organiser)
    page = client.get(reverse("admin:tracker_user_change", args=[linked.pk]))
    assert page.status_code == 200
    assert 'name="email"' not in page.content.decode()
    assert _post_email(client, linked, "penyerang@example.com").status_code == 403
    assert _email(linked) == "linked@jejak.example"


def test_an_account_another_institution_relies_on_cannot_be_changed(
    client, world, elsewhere, staff_organiser
):
    # Made by this organiser's import, but also a participant of another institution's cohort.
    person = made_by_import(UserFactory(username="dua_lembaga"), world.cohort, world.organiser)
    ChangeProjectFactory(participant=person, cohort=world.cohort)
    ChangeProjectFactory(participant=person, cohort=elsewhere.cohort)
    client.force_login(staff_organiser)
    assert _post_email(client, person, "penyerang@example.com").status_code == 403
    assert _email(person) == "dua_lembaga@jejak.example"


def test_an_account_first_invited_elsewhere_is_not_the_organisers(
    client, world, elsewhere, staff_organiser
):
    person = UserFactory(username="diundang_lain")
    made_by_import(person, elsewhere.cohort, elsewhere.organiser)
    made_by_import(person, world.cohort, world.organiser)
    ChangeProjectFactory(participant=person, cohort=world.cohort)
    client.force_login(staff_organiser)
    assert _post_email(client, person, "penyerang@example.com").status_code == 403
    assert _email(person) == "diundang_lain@jejak.example"


def test_agency_heads_and_proposed_heads_are_never_the_organisers(client, world, staff_organiser):
    head = made_by_import(UserFactory(username="kepala"), world.cohort, world.organiser)
    ChangeProjectFactory(participant=head, cohort=world.cohort)
    AgencyHeadFactory(user=head, agency=world.dinas)
    proposed = made_by_import(UserFactory(username="usulan"), world.cohort, world.organiser)
    ChangeProjectFactory(participant=proposed, cohort=world.cohort)
    Invitation.objects.create(
        user=proposed, agency=world.dinas, role=Role.AGENCY_HEAD, invited_by=world.organiser
    )
    client.force_login(staff_organiser)
    for person in (head, proposed):
        assert _post_email(client, person, "penyerang@example.com").status_code == 403
        assert _email(person) == f"{person.username}@jejak.example"


def test_staff_and_the_admin_are_never_managed(world, staff_organiser):
    for person in (world.admin, world.coach):
        made_by_import(person, world.cohort, world.organiser, Role.COACH)
    User.objects.filter(pk=world.coach.pk).update(is_staff=True)
    assert not accounts_managed_by(staff_organiser).filter(pk__in=[world.admin.pk, world.coach.pk])


def test_a_fellow_organiser_of_the_same_institution_shares_the_account(
    client, world, staff_organiser
):
    # A second cohort of the same institution, organised by a colleague: the account stays
    # the participant's of this institution only, so its organisers may correct it.
    second = CohortFactory(institution=world.cohort.institution)
    made_by_import(world.participant, world.cohort, world.organiser)
    ChangeProjectFactory(participant=world.participant, cohort=second)
    client.force_login(staff_organiser)
    assert _post_email(client, world.participant, "budi@baru.example").status_code == 302
    assert _email(world.participant) == "budi@baru.example"


def test_an_examiner_assignment_gives_no_right_over_the_account(
    client, world, elsewhere, staff_organiser
):
    seminar = world.project.seminars.get()
    client.force_login(staff_organiser)
    url = reverse("mentoring:examiner-assignment", args=[seminar.pk])
    response = client.post(url, {"people": "far_participant"})
    assert response.status_code == 400
    assert not seminar.examiners.filter(pk=elsewhere.participant.pk).exists()
    # Even appointed by the operator, the person's account stays out of the organiser's reach.
    seminar.examiners.add(elsewhere.participant)
    assert _post_email(client, elsewhere.participant, "penyerang@example.com").status_code == 403
    assert _email(elsewhere.participant) == "far_participant@jejak.example"


def test_a_second_import_of_a_linked_account_leaves_it_alone(client, world, linked):
    client.force_login(world.organiser)
    row = _row(world, nip=linked.nip, name=linked.full_name, email="penyerang@example.com")
    preview = _upload(client, world, _csv([row]))
    assert preview.status_code == 200
    assert "isian berkas untuk akun ini diabaikan" in preview.content.decode()
    client.post(_confirm_url(world), {"token": _token(preview)})
    assert _email(linked) == "linked@jejak.example"


def test_the_import_updates_the_account_it_made(client, world):
    client.force_login(world.organiser)
    first = _upload(client, world, _csv([_row(world)]))
    client.post(_confirm_url(world), {"token": _token(first)})
    again = _upload(client, world, _csv([_row(world, email="citra@baru.example")]))
    assert "Sudah terdaftar; diperbarui" in again.content.decode()
    client.post(_confirm_url(world), {"token": _token(again)})
    assert User.objects.get(nip=_row(world)[0]).email == "citra@baru.example"
