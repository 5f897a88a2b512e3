"""The list's search on SQLite reads trigram indexes (FTS5) kept by triggers, never every row."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.urls import reverse

from reports.filters import filtered_projects
from tests.factories import ChangeProjectFactory, UserFactory
from tracker import sqlite_search
from tracker.models import ChangeProject, User

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the FTS5 indexes are SQLite's (pg_trgm: 0013)"
)

URL = reverse("reports:project-list")


def _found(user, words: str) -> set[int]:
    projects = filtered_projects(user, {"q": words})
    assert projects.is_valid()
    return set(projects.qs.values_list("pk", flat=True))


@pytest.fixture
def people(world):
    world.project.title = "Digitalisasi Arsip Kepegawaian"
    world.project.save(update_fields=["title"])
    other = ChangeProjectFactory(
        participant=UserFactory(full_name="Siti Rahmawati", nip="199001012015032001"),
        cohort=world.cohort,
        title="Layanan Antrean Daring 50% Lebih Cepat",
    )
    return world, other


def test_words_are_found_anywhere_in_a_title_a_name_or_a_nip(people):
    world, other = people
    admin = world.admin
    assert _found(admin, "arsip kepeg") == {world.project.pk}
    assert _found(admin, "RAHMA") == {other.pk}
    assert _found(admin, "0101 2015") == {other.pk}
    assert _found(admin, '50% "lebih') == set()
    assert _found(admin, "50% Lebih") == {other.pk}
    # Two characters are too few for a trigram: the plain comparison answers them.
    assert _found(admin, "ar") >= {world.project.pk}


def test_the_index_follows_every_change_of_its_tables(people):
    world, other = people
    admin = world.admin
    ChangeProject.objects.filter(pk=other.pk).update(title="Sistem Pengaduan Terpadu")
    assert _found(admin, "antrean") == set()
    assert _found(admin, "pengaduan") == {other.pk}
    User.objects.filter(pk=other.participant_id).update(full_name="Siti Nurhaliza")
    assert _found(admin, "rahmawati") == set()
    assert _found(admin, "nurhaliza") == {other.pk}
    ChangeProject.objects.filter(pk=other.pk).delete()
    assert _found(admin, "pengaduan") == set()


def test_the_search_still_keeps_to_what_the_person_sees(people, client):
    world, other = people
    assert _found(world.participant, "layanan antrean") == set()
    client.force_login(world.participant)
    page = client.get(URL, {"q": "Arsip"}).content.decode()
    assert re.findall(r'href="/proyek/(\d+)/"', page.split("<tbody>", 1)[1]) == [
        str(world.project.pk)
    ]


def test_the_search_reads_the_indexes(people):
    world, _other = people
    sql, params = filtered_projects(world.admin, {"q": "layanan"}).qs.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
        plan = "\n".join(str(row[-1]) for row in cursor.fetchall())
    assert "search_project_title VIRTUAL TABLE INDEX" in plan, plan
    assert "search_user VIRTUAL TABLE INDEX" in plan, plan
    assert "LIKE" not in sql


def test_triggers_lost_to_a_remade_table_are_made_again_and_the_index_rebuilt(people):
    world, other = people
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER search_project_title_insert")
    added = ChangeProjectFactory(cohort=world.cohort, title="Proyek Sesudah Tabel Dibuat Ulang")
    assert _found(world.admin, "dibuat ulang") == set()
    assert sqlite_search.ensure(connection)
    assert _found(world.admin, "dibuat ulang") == {added.pk}
    assert not sqlite_search.ensure(connection)
