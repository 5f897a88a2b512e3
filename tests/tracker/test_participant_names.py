"""The participant's name copied onto each project (the list's default order) follows writes."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from tests.factories import ChangeProjectFactory, UserFactory
from tracker import summary
from tracker.models import ChangeProject, User


def _stored_name(project: ChangeProject) -> str:
    return ChangeProject.objects.values_list("participant_name", flat=True).get(pk=project.pk)


def _drop_name_triggers() -> None:
    table = {"postgresql": f" ON {ChangeProject._meta.db_table}", "sqlite": ""}[connection.vendor]
    users = {"postgresql": f" ON {User._meta.db_table}", "sqlite": ""}[connection.vendor]
    with connection.cursor() as cursor:
        for name in summary.NAME_TRIGGERS[connection.vendor]:
            on = users if name.startswith("user_") else table
            cursor.execute(f"DROP TRIGGER {name}{on}")


@pytest.fixture
def project(db) -> ChangeProject:
    return ChangeProjectFactory(participant=UserFactory(full_name="Budi Santoso"))


def test_a_new_project_carries_its_participants_name(project):
    assert _stored_name(project) == "Budi Santoso"


def test_a_renamed_user_is_renamed_on_each_of_their_projects(project):
    second = ChangeProjectFactory(participant=project.participant)
    other = ChangeProjectFactory(participant=UserFactory(full_name="Citra Lestari"))
    project.participant.full_name = "Budi Santoso Putra"
    project.participant.save()
    assert _stored_name(project) == _stored_name(second) == "Budi Santoso Putra"
    # An UPDATE that no Django code sees (a bulk update, SQL by hand) is followed too.
    User.objects.filter(pk=project.participant_id).update(full_name="Budi S.")
    assert _stored_name(project) == _stored_name(second) == "Budi S."
    assert _stored_name(other) == "Citra Lestari"


def test_a_project_given_another_participant_takes_their_name(project):
    other = UserFactory(full_name="Dewi Anggraini")
    ChangeProject.objects.filter(pk=project.pk).update(participant=other)
    assert _stored_name(project) == "Dewi Anggraini"


def test_a_project_saved_from_a_stale_copy_keeps_the_true_name(project):
    stale = ChangeProject.objects.get(pk=project.pk)
    User.objects.filter(pk=project.participant_id).update(full_name="Eka Pratama")
    stale.title = "Judul baru"
    stale.save()  # writes every column, the copy's old participant_name among them
    assert _stored_name(project) == "Eka Pratama"


def test_a_forged_name_is_put_right_by_the_database(project):
    ChangeProject.objects.filter(pk=project.pk).update(participant_name="Nama Palsu")
    assert _stored_name(project) == "Budi Santoso"


def test_missing_triggers_are_made_again_and_every_name_filled_afresh(project):
    _drop_name_triggers()
    User.objects.filter(pk=project.participant_id).update(full_name="Fajar Nugroho")
    assert _stored_name(project) == "Budi Santoso"  # unseen: the triggers were gone
    assert summary.drifted().filter(pk=project.pk).exists()

    assert summary.ensure_triggers(connection) is True
    assert _stored_name(project) == "Fajar Nugroho"
    assert not summary.drifted().exists()
    assert summary.ensure_triggers(connection) is False  # nothing left to make
    User.objects.filter(pk=project.participant_id).update(full_name="Fajar N.")
    assert _stored_name(project) == "Fajar N."


def test_the_summary_check_finds_a_drifted_name_and_repair_mends_it(project):
    _drop_name_triggers()
    User.objects.filter(pk=project.participant_id).update(full_name="Gita Permata")
    with pytest.raises(CommandError, match="1 projects and 0 milestones drifted"):
        call_command("summary", "--check")
    call_command("summary", "--repair")
    assert _stored_name(project) == "Gita Permata"
    summary.ensure_triggers(connection)


def test_the_list_follows_a_rename_in_its_default_order(client, world):
    later = ChangeProjectFactory(
        cohort=world.cohort, agency=world.dinas, participant=UserFactory(full_name="Zaenal Abidin")
    )
    client.force_login(world.admin)

    def order() -> list[int]:
        response = client.get(reverse("reports:project-list"))
        html = response.content.decode()
        return sorted(
            (world.project.pk, later.pk),
            key=lambda pk: html.index(reverse("tracker:project-detail", args=[pk])),
        )

    assert order() == [world.project.pk, later.pk]  # Budi Peserta, then Zaenal
    User.objects.filter(pk=later.participant_id).update(full_name="Agus Abidin")
    assert order() == [later.pk, world.project.pk]
