from __future__ import annotations

import pytest

from milestones.models import Milestone
from tests.milestones.factories import MilestoneFactory, put_project_in
from tracker import summary
from tracker.models import ChangeProject


@pytest.fixture
def at_work(world) -> ChangeProject:
    """The world's project, past its seminar and being implemented."""
    return put_project_in(world.project, ChangeProject.State.IMPLEMENTATION)


@pytest.fixture
def milestone(at_work) -> Milestone:
    return MilestoneFactory(project=at_work)


def with_state(milestone: Milestone, state: str) -> Milestone:
    Milestone.objects.filter(pk=milestone.pk).update(state=state)
    summary.refresh(milestone.project_id)
    milestone.refresh_from_db()
    return milestone


def media_files(settings) -> list[str]:
    """Every file under MEDIA_ROOT, relative, sorted."""
    root = settings.MEDIA_ROOT
    if not root.exists():
        return []
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())
