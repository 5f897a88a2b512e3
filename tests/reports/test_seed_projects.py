"""`manage.py seed_projects`: generated projects in bulk for load tests, added once."""

from __future__ import annotations

import io

from django.core.management import call_command

from milestones.models import Milestone
from tracker.models import ChangeProject
from tracker.selectors import projects_visible_to


def test_it_adds_projects_with_milestones_a_share_under_the_agency_and_only_once(world):
    out = io.StringIO()
    call_command("seed_projects", "--count", "400", "--under", "PROV", "--share", "0.5", stdout=out)

    generated = ChangeProject.objects.filter(participant__username__startswith="bench-p")
    assert generated.count() == 400
    assert Milestone.objects.filter(project__in=generated).count() == 1200
    assert len(set(generated.values_list("state", flat=True))) > 5
    # The agency head of the province now reaches about half of them through its units.
    reached = projects_visible_to(world.agency_head).filter(pk__in=generated).count()
    assert 150 <= reached <= 250
    call_command("seed_projects", "--count", "400", stdout=out)
    assert generated.count() == 400
    assert out.getvalue().splitlines() == [
        "Generated projects added: 400.",
        "Generated projects added: 0.",
    ]
