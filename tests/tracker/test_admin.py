from __future__ import annotations

from io import StringIO

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.factories import UserFactory, made_by_import
from tracker.models import Cohort, Notification, TransitionLog, User


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_every_admin_page_opens_for_the_admin(client, demo, model):
    client.force_login(User.objects.get(username="admin"))
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    assert client.get(changelist, {"q": "a"}).status_code == 200
    if model.objects.exists():
        change = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[model.objects.first().pk]
        )
        assert client.get(change).status_code == 200


def test_organiser_sees_only_their_cohorts_in_the_admin(client, demo):
    organiser = User.objects.get(username="penyelenggara")
    other = Cohort.objects.create(
        programme="latsar",
        number="1",
        year=2026,
        institution="Pusdiklat Lain",
        learning_starts_on="2026-01-05",
        learning_ends_on="2026-02-05",
        implementation_starts_on="2026-02-10",
        implementation_ends_on="2026-03-10",
        closes_on="2026-03-20",
    )
    client.force_login(organiser)
    page = client.get(reverse("admin:tracker_cohort_changelist")).content.decode()
    assert "PKA Angkatan XVIII Tahun 2026" in page
    assert str(other) not in page
    assert client.get(reverse("admin:tracker_cohort_change", args=[other.pk])).status_code == 302


def test_transition_log_cannot_be_edited_in_the_admin(client, demo):
    client.force_login(User.objects.get(username="admin"))
    assert not admin.site._registry[TransitionLog].has_change_permission(None)
    assert client.get(reverse("admin:tracker_transitionlog_add")).status_code == 403


# --- Accounts: an organiser never sees or sets privileges, nor anyone else's password --------


def _personal_data(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "full_name": user.full_name,
        "nip": user.nip or "",
        "position": user.position,
        "agency": user.agency_id or "",
        "email": user.email,
        "language": user.language,
        # Fields only the operator's form has; a form that wrongly offers them saves them.
        "date_joined_0": "2026-01-05",
        "date_joined_1": "08:00:00",
    }
    return data | changes


def test_organiser_user_form_has_no_privilege_fields(client, world, staff_organiser):
    made_by_import(world.participant, world.cohort, world.organiser)
    client.force_login(staff_organiser)
    for person in (staff_organiser, world.participant):
        page = client.get(reverse("admin:tracker_user_change", args=[person.pk])).content.decode()
        assert 'name="full_name"' in page
        for field in ("is_superuser", "is_staff", "groups", "user_permissions", "is_active"):
            assert f'name="{field}"' not in page


def test_organiser_cannot_make_themselves_superuser(client, world, staff_organiser):
    group = Group.objects.create(name="Operator")
    group.permissions.add(*Permission.objects.all())
    client.force_login(staff_organiser)
    data = _personal_data(
        staff_organiser,
        position="Kepala Seksi",
        is_superuser="on",
        is_staff="on",
        is_active="on",
        groups=[group.pk],
        user_permissions=[Permission.objects.get(codename="delete_user").pk],
    )
    response = client.post(reverse("admin:tracker_user_change", args=[staff_organiser.pk]), data)
    assert response.status_code == 302
    organiser = User.objects.get(pk=staff_organiser.pk)
    assert organiser.position == "Kepala Seksi"
    assert not organiser.is_superuser
    assert not organiser.groups.exists()


def test_organiser_cannot_grant_a_participant_staff_rights(client, world, staff_organiser):
    made_by_import(world.participant, world.cohort, world.organiser)
    client.force_login(staff_organiser)
    data = _personal_data(world.participant, email="budi@dinkes.example", is_staff="on")
    data |= {"is_superuser": "on"}
    response = client.post(reverse("admin:tracker_user_change", args=[world.participant.pk]), data)
    assert response.status_code == 302
    participant = User.objects.get(pk=world.participant.pk)
    assert participant.email == "budi@dinkes.example"
    assert (participant.is_staff, participant.is_superuser) == (False, False)


def test_organiser_gets_403_on_another_persons_password_form(client, world, staff_organiser):
    client.force_login(staff_organiser)
    url = reverse("admin:auth_user_password_change", args=[world.participant.pk])
    assert client.get(url).status_code == 403
    posted = client.post(
        url,
        {"password1": "diambilalih123", "password2": "diambilalih123", "usable_password": "true"},
    )
    assert posted.status_code == 403
    assert User.objects.get(pk=world.participant.pk).check_password("demo12345")


def test_organiser_gets_404_on_the_password_form_of_someone_outside_their_cohorts(
    client, world, staff_organiser
):
    client.force_login(staff_organiser)
    for person in (world.admin, world.stranger):
        url = reverse("admin:auth_user_password_change", args=[person.pk])
        assert client.get(url).status_code == 404
        client.post(url, {"password1": "diambilalih123", "password2": "diambilalih123"})
        assert User.objects.get(pk=person.pk).check_password("demo12345")


def test_organiser_changes_their_own_password(client, world, staff_organiser):
    client.force_login(staff_organiser)
    url = reverse("admin:auth_user_password_change", args=[staff_organiser.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"password1": "sandibaru-2026", "password2": "sandibaru-2026", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert User.objects.get(pk=staff_organiser.pk).check_password("sandibaru-2026")


def test_user_list_shows_an_organiser_only_the_people_of_their_cohorts(
    client, world, elsewhere, staff_organiser
):
    client.force_login(staff_organiser)
    page = client.get(reverse("admin:tracker_user_changelist")).content.decode()
    for person in (world.participant, world.coach, world.mentor, world.examiner, staff_organiser):
        assert person.full_name in page
    for person in (world.stranger, world.admin, elsewhere.participant, elsewhere.organiser):
        assert reverse("admin:tracker_user_change", args=[person.pk]) not in page
        change = client.get(reverse("admin:tracker_user_change", args=[person.pk]))
        assert change.status_code == 302


def test_organiser_cannot_edit_someone_outside_their_cohorts(
    client, world, elsewhere, staff_organiser
):
    client.force_login(staff_organiser)
    url = reverse("admin:tracker_user_change", args=[elsewhere.participant.pk])
    client.post(url, _personal_data(elsewhere.participant, email="direbut@example.com"))
    assert User.objects.get(pk=elsewhere.participant.pk).email == "far_participant@jejak.example"


def test_organiser_only_reads_a_fellow_organisers_account(client, world, staff_organiser):
    fellow = UserFactory(username="fellow", full_name="Rekan Penyelenggara", is_staff=True)
    world.cohort.organisers.add(fellow)
    client.force_login(staff_organiser)
    url = reverse("admin:tracker_user_change", args=[fellow.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="email"' not in page.content.decode()
    assert client.post(url, _personal_data(fellow, email="x@example.com")).status_code == 403
    assert User.objects.get(pk=fellow.pk).email == "fellow@jejak.example"


def test_organiser_does_not_add_or_delete_accounts_in_the_admin(client, world, staff_organiser):
    client.force_login(staff_organiser)
    assert client.get(reverse("admin:tracker_user_add")).status_code == 403
    data = {"username": "baru", "password1": "sandi-baru-1", "password2": "sandi-baru-1"}
    assert client.post(reverse("admin:tracker_user_add"), data).status_code == 403
    delete = reverse("admin:tracker_user_delete", args=[world.participant.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert User.objects.filter(pk=world.participant.pk).exists()
    assert not User.objects.filter(username="baru").exists()


def test_the_admin_still_manages_privileges(client, world):
    client.force_login(world.admin)
    page = client.get(reverse("admin:tracker_user_change", args=[world.organiser.pk]))
    assert 'name="is_superuser"' in page.content.decode()
    url = reverse("admin:auth_user_password_change", args=[world.participant.pk])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("model", [Group, DBTaskResult, Notification], ids=str)
def test_groups_tasks_and_notifications_are_the_operators_only(
    client, world, here, staff_organiser, model
):
    client.force_login(staff_organiser)
    opts = model._meta
    assert (
        client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")).status_code
        == 403
    )
    index = client.get(reverse("admin:index")).content.decode()
    assert str(opts.verbose_name_plural).capitalize() not in index
