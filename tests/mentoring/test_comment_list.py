"""The comment list page and its HTMX fragment."""

from __future__ import annotations

import pytest
from django.urls import reverse

from mentoring.models import Comment
from tests.mentoring.factories import HTMX, CommentFactory
from tracker.models import Role


def _url(world):
    return reverse("mentoring:comments", args=[world.project.pk])


@pytest.fixture
def restricted(world):
    CommentFactory(project=world.project, body="Terbuka untuk semua pihak")
    return CommentFactory(
        project=world.project,
        author=world.mentor,
        author_role=Role.MENTOR,
        body="Catatan rahasia penelaah",
        visibility=Comment.Visibility.REVIEWERS,
    )


def test_participant_page_leaves_out_reviewer_comments(client, world, restricted):
    client.force_login(world.participant)
    page = client.get(_url(world)).content.decode()
    assert "Terbuka untuk semua pihak" in page
    assert "Catatan rahasia penelaah" not in page
    assert "Hanya penelaah" not in page


def test_participant_htmx_fragment_leaves_out_reviewer_comments(client, world, restricted):
    client.force_login(world.participant)
    response = client.get(_url(world), headers=HTMX)
    fragment = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in fragment
    assert 'id="comments"' in fragment
    assert "Terbuka untuk semua pihak" in fragment
    assert "Catatan rahasia penelaah" not in fragment


def test_participant_is_not_offered_reviewer_only_visibility(client, world):
    client.force_login(world.participant)
    page = client.get(_url(world)).content.decode()
    assert 'name="body"' in page
    assert 'name="visibility"' not in page


def test_coach_reads_reviewer_comments_marked_as_such(client, world, restricted):
    client.force_login(world.coach)
    page = client.get(_url(world)).content.decode()
    assert "Catatan rahasia penelaah" in page
    assert "Hanya penelaah" in page
    assert 'value="reviewers"' in page


def test_agency_head_reads_open_comments_without_a_form(client, world, restricted):
    client.force_login(world.agency_head)
    page = client.get(_url(world)).content.decode()
    assert "Terbuka untuk semua pihak" in page
    assert "Catatan rahasia penelaah" not in page
    assert 'name="body"' not in page


def test_empty_list_tells_a_writer_what_to_do(client, world):
    client.force_login(world.participant)
    page = client.get(_url(world)).content.decode()
    assert "Tulis pertanyaan atau masukan pertama di bawah." in page


def test_other_participant_gets_404(client, world, restricted):
    client.force_login(world.other_participant)
    assert client.get(_url(world)).status_code == 404


# Session, the user (with the header's counts), the project with the viewer's roles, the comments.
COMMENT_PAGE_QUERIES = 4


def test_query_count_is_pinned_and_the_same_for_one_and_many_comments(
    client, world, django_assert_num_queries
):
    client.force_login(world.coach)
    CommentFactory(project=world.project)
    with django_assert_num_queries(COMMENT_PAGE_QUERIES):
        client.get(_url(world))
    for index in range(12):
        author = world.mentor if index % 2 else world.examiner
        CommentFactory(project=world.project, author=author, author_role=Role.MENTOR)
    with django_assert_num_queries(COMMENT_PAGE_QUERIES):
        page = client.get(_url(world)).content.decode()
    assert page.count('<li class="note') == 13
