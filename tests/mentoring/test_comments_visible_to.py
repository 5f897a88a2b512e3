"""The one rule on who reads which comment."""

from __future__ import annotations

import pytest

from mentoring.models import Comment
from mentoring.selectors import comments_visible_to
from tests.mentoring.factories import CommentFactory
from tracker.models import Role

SEES_REVIEWER_COMMENTS = ["coach", "mentor", "examiner", "organiser", "admin"]
SEES_ONLY_OPEN_COMMENTS = ["participant", "agency_head"]
SEES_NOTHING = ["other_participant", "stranger"]


@pytest.fixture
def comments(world):
    open_comment = CommentFactory(project=world.project, body="Untuk semua")
    restricted = CommentFactory(
        project=world.project,
        author=world.coach,
        author_role=Role.COACH,
        body="Khusus penelaah",
        visibility=Comment.Visibility.REVIEWERS,
    )
    CommentFactory(project=world.other_project, body="Proyek lain")
    return open_comment, restricted


@pytest.mark.parametrize("persona", SEES_REVIEWER_COMMENTS)
def test_reviewers_and_admin_read_every_comment_of_the_project(world, comments, persona):
    visible = list(comments_visible_to(world.project, world.persona(persona)))
    assert visible == list(comments)


@pytest.mark.parametrize("persona", SEES_ONLY_OPEN_COMMENTS)
def test_participant_and_agency_head_never_read_reviewer_comments(world, comments, persona):
    visible = list(comments_visible_to(world.project, world.persona(persona)))
    assert visible == [comments[0]]


@pytest.mark.parametrize("persona", SEES_NOTHING)
def test_people_outside_the_project_read_no_comment(world, comments, persona):
    assert not comments_visible_to(world.project, world.persona(persona)).exists()


def test_participant_who_also_organises_the_cohort_still_never_reads_reviewer_comments(
    world, comments
):
    world.cohort.organisers.add(world.participant)
    visible = list(comments_visible_to(world.project, world.participant))
    assert visible == [comments[0]]
