"""The milestone plan while the proposal is written: the participant edits it freely."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from milestones.models import Milestone
from tests.html import element
from tests.milestones.factories import MilestoneFactory, put_project_in
from tracker.models import ChangeProject

PLAN = {
    "term": "short",
    "activity": "Rapat koordinasi dengan RSUD",
    "implementer": "Peserta",
    "start_date": "2026-10-26",
    "due_date": "2026-10-30",
    "expected_output": "Notulen",
}


def test_participant_adds_milestones_to_a_draft_in_term_order(client, world):
    client.force_login(world.participant)
    url = reverse("milestones:add", args=[world.project.pk])
    for term, activity in [("long", "Standar provinsi"), ("short", "Rapat"), ("short", "Coba")]:
        response = client.post(url, {**PLAN, "term": term, "activity": activity})
        assert response.status_code == 302
        assert response["Location"] == reverse("milestones:list", args=[world.project.pk])
    plan = list(world.project.milestones.values_list("term", "order", "activity"))
    assert plan == [("short", 1, "Rapat"), ("short", 2, "Coba"), ("long", 1, "Standar provinsi")]
    table = element(client.get(response["Location"]).content.decode(), tag="tbody").text
    assert table.index("Rapat") < table.index("Coba") < table.index("Standar provinsi")


def test_htmx_add_answers_with_the_plan_fragment(client, world):
    client.force_login(world.participant)
    response = client.post(
        reverse("milestones:add", args=[world.project.pk]),
        PLAN,
        headers={"HX-Request": "true"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="milestone-plan">')
    assert "Tonggak “Rapat koordinasi dengan RSUD” ditambahkan." in page


def test_due_date_before_start_is_refused(client, world):
    client.force_login(world.participant)
    response = client.post(
        reverse("milestones:add", args=[world.project.pk]), {**PLAN, "due_date": "2026-10-01"}
    )
    assert response.status_code == 400
    assert "Tenggat tidak boleh sebelum tanggal mulai." in response.content.decode()
    assert not Milestone.objects.exists()


def test_participant_edits_and_deletes_in_draft(client, world):
    milestone = MilestoneFactory(project=world.project)
    client.force_login(world.participant)
    edit = reverse("milestones:edit", args=[milestone.pk])
    assert 'value="2026-11-20"' in client.get(edit).content.decode()
    response = client.post(edit, {**PLAN, "order": 3})
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.activity, milestone.due_date, milestone.order) == (
        "Rapat koordinasi dengan RSUD",
        datetime.date(2026, 10, 30),
        3,
    )
    response = client.post(reverse("milestones:delete", args=[milestone.pk]))
    assert response.status_code == 302
    assert not Milestone.objects.exists()


@pytest.mark.parametrize(
    "state",
    [ChangeProject.State.PROPOSAL_REVIEW, ChangeProject.State.IMPLEMENTATION],
)
def test_once_submitted_the_plan_is_not_edited_directly(client, world, state):
    milestone = MilestoneFactory(project=world.project)
    put_project_in(world.project, state)
    client.force_login(world.participant)
    edit = reverse("milestones:edit", args=[milestone.pk])
    assert "<form" not in client.get(edit).content.decode().split("<main")[1].split("</main>")[0]
    response = client.post(edit, {**PLAN})
    assert response.status_code == 400
    assert "hanya dapat diubah langsung selama rancangan masih draf" in response.content.decode()
    response = client.post(reverse("milestones:delete", args=[milestone.pk]))
    assert response.status_code == 400
    milestone.refresh_from_db()
    assert milestone.activity != PLAN["activity"]


def test_revision_after_the_seminar_reopens_the_plan(client, world):
    put_project_in(world.project, ChangeProject.State.PROPOSAL_REVISION)
    client.force_login(world.participant)
    response = client.post(reverse("milestones:add", args=[world.project.pk]), PLAN)
    assert response.status_code == 302
    assert world.project.milestones.count() == 1


def test_coach_reads_the_plan_but_cannot_change_it(client, world):
    milestone = MilestoneFactory(project=world.project)
    client.force_login(world.coach)
    page = client.get(reverse("milestones:list", args=[world.project.pk])).content.decode()
    assert milestone.activity in page
    assert reverse("milestones:edit", args=[milestone.pk]) not in page
    assert reverse("milestones:add", args=[world.project.pk]) not in page
    response = client.post(reverse("milestones:add", args=[world.project.pk]), PLAN)
    assert response.status_code == 403
