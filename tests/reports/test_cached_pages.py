"""The project list and the home dashboards are drawn once and kept until the data change.

These tests commit their writes (a transactional database), as production does: what retires a
kept page is a committed write, seen by the database connection (tracker/fragments.py).
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from milestones.models import Milestone
from tests.factories import ChangeProjectFactory
from tests.milestones.factories import MilestoneFactory
from tracker import fragments, summary
from tracker.models import ChangeProject, User, WorkerHeartbeat

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

URL = reverse("reports:project-list")
HOME = reverse("tracker:home")


def _ids(html: str) -> list[int]:
    table = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [int(pk) for pk in re.findall(r'href="/proyek/(\d+)/"', table)]


def _unmasked(html: str) -> str:
    """The page without its CSRF tokens, which are masked afresh on every response."""
    html = re.sub(r'"X-CSRFToken": "[^"]+"', "", html)
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def _request(user: User):
    request = RequestFactory().get(URL)
    request.user = user
    return request


def _queries(client, url: str, **headers) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in captured.captured_queries]


def test_a_second_look_is_served_from_the_cache(client, world):
    client.force_login(world.organiser)
    first, drawn = _queries(client, URL)
    second, served = _queries(client, URL)
    assert _unmasked(second) == _unmasked(first)
    assert any("tracker_changeproject" in sql for sql in drawn)
    # Session, user, the generation and the kept region: no project is read.
    assert not any("tracker_changeproject" in sql for sql in served), served


def test_a_change_saved_is_on_the_next_look(client, world):
    client.force_login(world.organiser)
    assert "Judul Baru Sekali" not in client.get(URL).content.decode()
    world.project.title = "Judul Baru Sekali"
    world.project.save(update_fields=["title"])
    assert "Judul Baru Sekali" in client.get(URL).content.decode()


def test_a_queryset_update_and_a_bulk_insert_are_on_the_next_look(client, world):
    client.force_login(world.organiser)
    client.get(URL)
    ChangeProject.objects.filter(pk=world.project.pk).update(title="Diubah Lewat Update")
    assert "Diubah Lewat Update" in client.get(URL).content.decode()
    ChangeProject.objects.bulk_create(
        [
            ChangeProject(
                participant=world.mentor,
                cohort=world.cohort,
                agency=world.dinas,
                title="Masuk Lewat Bulk",
            )
        ]
    )
    assert "Masuk Lewat Bulk" in client.get(URL).content.decode()


def test_a_name_or_a_milestone_changed_elsewhere_is_on_the_next_look(client, world):
    client.force_login(world.organiser)
    milestone = MilestoneFactory(project=world.project)
    assert "0/1 tonggak" in client.get(URL).content.decode()
    Milestone.objects.filter(pk=milestone.pk).update(state=Milestone.State.ACCEPTED)
    summary.refresh(world.project.pk)  # as the milestone services do
    assert "1/1 tonggak" in client.get(URL).content.decode()
    User.objects.filter(pk=world.participant.pk).update(full_name="Budi Berganti Nama")
    assert "Budi Berganti Nama" in client.get(URL).content.decode()


def test_a_write_is_seen_once_its_transaction_commits(client, world):
    client.force_login(world.organiser)
    client.get(URL)
    with transaction.atomic():
        ChangeProject.objects.filter(pk=world.project.pk).update(title="Dalam Transaksi")
        # Inside the writing transaction the page is drawn afresh, never kept.
        assert fragments.key(_request(world.organiser), "x") is None
        assert "Dalam Transaksi" in client.get(URL).content.decode()
    assert "Dalam Transaksi" in client.get(URL).content.decode()


def test_a_rolled_back_write_leaves_the_kept_page(client, world):
    client.force_login(world.organiser)
    client.get(URL)
    with transaction.atomic():
        with transaction.atomic():
            ChangeProject.objects.filter(pk=world.project.pk).update(title="Tidak Jadi")
            assert fragments.has_pending_writes(connection)
            transaction.set_rollback(True)
        assert not fragments.has_pending_writes(connection)
    assert "Tidak Jadi" not in client.get(URL).content.decode()


def test_each_viewer_has_their_own_page(client, world):
    client.force_login(world.organiser)
    assert set(_ids(client.get(URL).content.decode())) == {
        world.project.pk,
        world.other_project.pk,
    }
    client.force_login(world.participant)
    assert _ids(client.get(URL).content.decode()) == [world.project.pk]
    client.force_login(world.stranger)
    assert _ids(client.get(URL).content.decode()) == []


def test_the_kept_page_follows_the_language_and_the_query(client, world):
    client.force_login(world.organiser)
    assert "Semua proyek perubahan yang dapat Anda lihat" in client.get(URL).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(URL).content.decode()
    assert "Semua proyek perubahan yang dapat Anda lihat" not in english
    filtered = client.get(f"{URL}?q=tidak-ada-yang-cocok").content.decode()
    assert _ids(filtered) == []


def test_the_kept_page_holds_no_csrf_token_and_each_page_gets_its_own(client, world):
    client.force_login(world.organiser)
    client.get(URL)
    key = fragments.key(_request(world.organiser), "project-list", "list-content", False)
    kept = fragments.get(key)
    assert kept is not None and "Daftar proyek" in kept
    assert "csrfmiddlewaretoken" not in kept
    assert "csrfmiddlewaretoken" in client.get(URL).content.decode()


def test_the_fragment_and_the_page_are_kept_apart(client, world):
    client.force_login(world.organiser)
    page = client.get(URL).content.decode()
    fragment = client.get(URL, HTTP_HX_REQUEST="true").content.decode()
    assert page.startswith("<!doctype html>")
    assert fragment.lstrip().startswith('<div id="project-results"')
    assert _unmasked(client.get(URL).content.decode()) == _unmasked(page)


def test_a_refused_filter_is_never_kept(client, world):
    client.force_login(world.organiser)
    for _ in range(2):
        assert client.get(f"{URL}?sort=password").status_code == 400


def test_an_overdue_flag_appears_the_next_day_without_any_write(client, world):
    with time_machine.travel(datetime.datetime(2026, 11, 19, 9, tzinfo=datetime.UTC), tick=False):
        ChangeProject.objects.filter(pk=world.project.pk).update(
            state=ChangeProject.State.IMPLEMENTATION
        )
        MilestoneFactory(project=world.project, due_date=datetime.date(2026, 11, 20))
        client.force_login(world.organiser)
        assert "Terlambat" not in client.get(URL).content.decode()
    with time_machine.travel(datetime.datetime(2026, 11, 21, 9, tzinfo=datetime.UTC), tick=False):
        assert "Terlambat" in client.get(URL).content.decode()


def test_the_dashboard_is_kept_and_shows_a_change_on_the_next_look(client, world):
    client.force_login(world.agency_head)
    first, drawn = _queries(client, HOME)
    assert "Ahmad" in first
    second, served = _queries(client, HOME)
    assert _unmasked(second) == _unmasked(first)
    assert len(served) < len(drawn)
    assert not any("tracker_changeproject" in sql for sql in served), served
    ChangeProjectFactory(
        participant=world.mentor, cohort=world.cohort, agency=world.dinas, title="Proyek Dinas Baru"
    )
    assert "Proyek Dinas Baru" in client.get(HOME).content.decode()


def test_a_worker_heartbeat_leaves_the_kept_pages_alone(world):
    before = fragments.generation()
    WorkerHeartbeat.objects.create(worker_id="uji-1", host="localhost", pid=1)
    fragments.settle_all()
    assert fragments.generation() == before
    ChangeProject.objects.filter(pk=world.project.pk).update(title="Berubah")
    fragments.settle_all()
    assert fragments.generation() != before


def test_a_migration_renews_the_generation_once_at_its_end(world, caplog):
    before = fragments.generation()
    fragments.pause_for_migrate()
    try:
        ChangeProject.objects.filter(pk=world.project.pk).update(title="Diubah Migrasi")
        # A write during `migrate` asks nothing of the cache (its table may not exist yet).
        assert fragments.generation() == before
    finally:
        fragments.resume_after_migrate()
    assert fragments.generation() != before
    assert "could not be renewed" not in caplog.text
