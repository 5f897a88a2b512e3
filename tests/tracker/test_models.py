from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from tests.factories import AgencyFactory, ChangeProjectFactory, CohortFactory, UserFactory
from tracker.models import Agency, ChangeProject, Programme
from tracker.selectors import agency_lineage_ids, agency_subtree_ids


@pytest.fixture
def tree(db):
    ministry = AgencyFactory(name="Kementerian")
    directorate_general = AgencyFactory(name="Ditjen", parent=ministry)
    directorate = AgencyFactory(name="Direktorat", parent=directorate_general)
    sibling = AgencyFactory(name="Ditjen Lain", parent=ministry)
    unrelated = AgencyFactory(name="Pemprov")
    return ministry, directorate_general, directorate, sibling, unrelated


def test_subtree_of_ministry_contains_every_level_below(tree):
    ministry, directorate_general, directorate, sibling, unrelated = tree
    assert agency_subtree_ids([ministry.pk]) == {
        ministry.pk,
        directorate_general.pk,
        directorate.pk,
        sibling.pk,
    }


def test_subtree_of_a_unit_excludes_its_parent_and_siblings(tree):
    _ministry, directorate_general, directorate, _sibling, _unrelated = tree
    assert agency_subtree_ids([directorate_general.pk]) == {directorate_general.pk, directorate.pk}


def test_subtree_is_one_query_whatever_its_depth_or_width(tree, django_assert_num_queries):
    ministry, directorate_general, directorate, *_ = tree
    units = [AgencyFactory(name=f"Unit {n}", parent=ministry) for n in range(20)]
    deep = AgencyFactory(name="Seksi", parent=AgencyFactory(name="Subdit", parent=directorate))
    with django_assert_num_queries(1):
        found = agency_subtree_ids([ministry.pk])
    assert {unit.pk for unit in units} | {deep.pk, directorate_general.pk} <= found
    assert agency_subtree_ids([directorate.pk]) >= {directorate.pk, deep.pk}
    assert ministry.pk not in agency_subtree_ids([directorate.pk])


def test_lineage_is_one_query_and_runs_to_the_top(tree, django_assert_num_queries):
    ministry, directorate_general, directorate, *_ = tree
    with django_assert_num_queries(1):
        found = agency_lineage_ids([directorate.pk])
    assert found == {ministry.pk, directorate_general.pk, directorate.pk}


def test_ancestors_run_from_the_top_in_one_query(tree, django_assert_num_queries):
    ministry, directorate_general, directorate, *_ = tree
    directorate = Agency.objects.get(pk=directorate.pk)
    with django_assert_num_queries(1):
        assert directorate.ancestors() == [ministry, directorate_general]
        assert directorate.ancestors() == [ministry, directorate_general]


def test_agency_cannot_become_its_own_descendant(tree):
    ministry, _directorate_general, directorate, *_ = tree
    ministry.parent = directorate
    with pytest.raises(ValidationError) as excinfo:
        ministry.full_clean()
    assert "parent" in excinfo.value.message_dict


def test_user_with_malformed_nip_fails_validation(db):
    user = UserFactory.build(nip="12345", agency=None)
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean(exclude=["password"])
    assert "nip" in excinfo.value.message_dict


def test_cohort_phases_must_be_in_order(db):
    cohort = CohortFactory.build()
    cohort.implementation_ends_on = cohort.implementation_starts_on.replace(day=1)
    with pytest.raises(ValidationError) as excinfo:
        cohort.full_clean()
    assert "implementation_ends_on" in excinfo.value.message_dict


@pytest.mark.parametrize(
    ("programme", "label"),
    [
        (Programme.PKN_II, "Proyek Perubahan"),
        (Programme.PKA, "Aksi Perubahan Kinerja Organisasi"),
        (Programme.PKP, "Aksi Perubahan Kinerja Pelayanan Publik"),
        (Programme.LATSAR, "Aktualisasi"),
    ],
)
def test_project_carries_its_programmes_label(db, programme, label):
    project = ChangeProjectFactory(cohort=CohortFactory(programme=programme))
    assert project.project_label == label


def test_state_cannot_be_assigned_directly(db):
    project = ChangeProjectFactory()
    with pytest.raises(AttributeError):
        project.state = ChangeProject.State.PASSED
    project.refresh_from_db()
    assert project.state == ChangeProject.State.DRAFT


def test_state_field_declares_every_workflow_state():
    assert {value for value, _label in ChangeProject.State.choices} == {
        "draft",
        "proposal_review",
        "proposal_seminar",
        "proposal_revision",
        "implementation",
        "report_review",
        "results_seminar",
        "passed",
        "deferred",
        "remedial_exam",
        "failed",
        "monitoring",
        "completed",
        "withdrawn",
    }


@pytest.mark.parametrize(
    ("full_name", "short"),
    [
        ("dr. Ahmad Fauzi, M.Kes.", "Ahmad"),
        ("Prof. Dr. Bambang Suryadi, M.A.", "Bambang"),
        ("Budi Santoso, S.K.M.", "Budi"),
        ("Sukarno", "Sukarno"),
    ],
)
def test_short_name_skips_titles(full_name, short):
    from tracker.models import User

    assert User(full_name=full_name).get_short_name() == short
