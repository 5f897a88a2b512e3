"""Rubrics are data kept in the admin: who owns which, weights that add up, frozen once used.

Shared rubrics (no institution) are the operator's; an organiser keeps their institution's own,
and saving a shared one makes their institution's copy. A rubric anyone has scored against is
never changed: saving it makes a new version for later seminars.
"""

from __future__ import annotations

import threading
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from mentoring.models import Rubric, RubricCriterion, RubricScore
from mentoring.selectors import rubric_for
from mentoring.services import seminar_record_scores
from reports.models import GeneratedDocument
from reports.services import issue_seminar_minutes
from tests.admin_forms import change_page_data
from tests.factories import SeminarFactory
from tests.reports.conftest import complete_project
from tracker.models import Cohort, Programme, Seminar, User
from tracker.workflow import Refused

D = Decimal


@pytest.fixture
def organiser(db) -> User:
    call_command("seed_demo", stdout=StringIO())
    return User.objects.get(username="penyelenggara")


def _url(rubric: Rubric) -> str:
    return reverse("admin:mentoring_rubric_change", args=[rubric.pk])


def _edited(client, rubric: Rubric, weights=None, bands=None, **fields) -> dict:
    """The rubric's change page posted back with some weights, band minimums or fields changed."""
    data = change_page_data(client.get(_url(rubric))) | fields
    for n, criterion in enumerate(rubric.criteria.all()):
        if weights and criterion.name in weights:
            data[f"criteria-{n}-weight"] = weights[criterion.name]
    for n, band in enumerate(rubric.bands.all()):
        if bands and band.label in bands:
            data[f"bands-{n}-min_score"] = bands[band.label]
    return data


def _weights(rubric: Rubric) -> dict[str, Decimal]:
    return dict(RubricCriterion.objects.filter(rubric=rubric).values_list("name", "weight"))


def test_organiser_opens_a_default_rubric_with_its_criteria_and_bands(client, organiser):
    rubric = Rubric.objects.get(programme=Programme.PKP, kind="results", is_default=True)
    client.force_login(organiser)
    response = client.get(_url(rubric))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Capaian terhadap rencana" in page
    assert "Kurang Memuaskan" in page
    assert "belum disesuaikan dengan ketentuan resmi" in page
    assert "Rubrik ini rubrik bersama." in page


def test_organiser_editing_a_shared_rubric_makes_their_institutions_copy(client, organiser):
    shared = Rubric.objects.get(programme=Programme.PKP, kind="results", is_default=True)
    cohort = Cohort.objects.get(organisers=organiser, programme=Programme.PKP)
    client.force_login(organiser)
    data = _edited(
        client,
        shared,
        bands={"Kurang Memuaskan": "65"},
        name="Rubrik seminar laporan PKP",
        institution=cohort.institution,
        is_default="",
    )
    response = client.post(_url(shared), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    shared.refresh_from_db()
    assert shared.is_default is True
    assert shared.band_for(62).label == "Kurang Memuaskan"
    copy = Rubric.objects.get(previous_version=shared)
    assert (copy.institution, copy.version, copy.is_default) == (cohort.institution, 2, False)
    assert copy.band_for(62).label == "Tidak Memuaskan"
    assert _weights(copy) == _weights(shared)
    # Their institution's PKP cohorts now score with it; everyone else keeps the shared one.
    theirs = SeminarFactory(cohort=cohort, kind=Seminar.Kind.RESULTS)
    assert rubric_for(theirs) == copy
    elsewhere = SeminarFactory(
        cohort=Cohort.objects.create(
            programme=Programme.PKP,
            number="9",
            year=2027,
            institution="Pusdiklat Lain",
            learning_starts_on="2027-01-04",
            learning_ends_on="2027-02-04",
            implementation_starts_on="2027-02-08",
            implementation_ends_on="2027-04-08",
            closes_on="2027-04-20",
        ),
        kind=Seminar.Kind.RESULTS,
    )
    assert rubric_for(elsewhere) == shared


def test_weights_that_do_not_add_up_are_refused(client, world, staff_organiser):
    shared = Rubric.objects.get(programme=Programme.PKA, kind="results", is_default=True)
    before = _weights(shared)
    rubrics = Rubric.objects.count()
    for user in (world.admin, staff_organiser):
        client.force_login(user)
        data = _edited(
            client,
            shared,
            weights={"Capaian terhadap rencana": "90"},
            institution=world.cohort.institution,
        )
        response = client.post(_url(shared), data)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Bobot kriteria berjumlah 165, padahal rubrik ini mensyaratkan jumlah 100." in page
    assert _weights(shared) == before
    assert Rubric.objects.count() == rubrics  # no new version either


def test_weights_may_add_up_to_another_total_the_rubric_names(client, world):
    rubric = Rubric.objects.get(programme=Programme.PKA, kind="results", is_default=True)
    weights = {name: str(weight / 10) for name, weight in _weights(rubric).items()}
    client.force_login(world.admin)
    response = client.post(_url(rubric), _edited(client, rubric, weights, weight_total="10"))
    assert response.status_code == 302
    rubric.refresh_from_db()
    assert rubric.weight_total == D(10)
    assert _weights(rubric)["Capaian terhadap rencana"] == D("2.5")


def test_a_rubric_in_use_keeps_its_weights_and_edits_make_a_new_version(client, world):
    project = complete_project(world)
    graded = Seminar.objects.get(projects=project, kind=Seminar.Kind.RESULTS)
    used = rubric_for(graded)
    before = _weights(used)
    minutes = issue_seminar_minutes(seminar=graded, project=project, by=world.organiser)

    client.force_login(world.admin)
    page = client.get(_url(used)).content.decode()
    assert "Rubrik ini sudah dipakai untuk menilai." in page
    weights = {"Capaian terhadap rencana": "20", "Kepemimpinan strategis": "25"}
    response = client.post(_url(used), _edited(client, used, weights))
    assert response.status_code == 302

    assert _weights(used) == before
    new = Rubric.objects.get(previous_version=used)
    assert (new.version, new.institution) == (2, "")
    assert _weights(new)["Capaian terhadap rencana"] == D(20)
    # The graded seminar and its minutes keep the weights its scores were given against ...
    assert rubric_for(graded) == used
    again = issue_seminar_minutes(seminar=graded, project=project, by=world.organiser)
    assert again == minutes
    assert GeneratedDocument.objects.count() == 1
    # ... and the next seminar scores with the new version.
    later = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    assert rubric_for(later) == new


def test_organiser_of_another_institution_cannot_touch_a_graded_seminars_weights(
    client, world, elsewhere
):
    """The review's case: a PKP-only organiser set a PKA weight from 25 to 90."""
    from django.contrib.auth.models import Permission

    elsewhere.organiser.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="mentoring")
    )
    project = complete_project(world)
    graded = Seminar.objects.get(projects=project, kind=Seminar.Kind.RESULTS)
    used = rubric_for(graded)
    before = _weights(used)
    client.force_login(elsewhere.organiser)
    weights = {"Capaian terhadap rencana": "90", "Kepemimpinan strategis": "-45"}
    client.post(_url(used), _edited(client, used, weights, institution="Pusdiklat Lain"))
    weights = {"Capaian terhadap rencana": "30", "Kepemimpinan strategis": "15"}
    client.post(_url(used), _edited(client, used, weights, institution="Pusdiklat Lain"))
    assert _weights(used) == before
    assert rubric_for(graded) == used
    assert rubric_for(SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)) == used


def test_an_institutions_own_unused_rubric_is_edited_in_place(client, world, staff_organiser):
    own = Rubric.objects.create(
        programme=Programme.PKA,
        regulation="Uji",
        name="Milik lembaga",
        institution=world.cohort.institution,
    )
    own.criteria.create(name="Satu-satunya", weight=D(100))
    own.bands.create(label="Lulus", min_score=D(60))
    client.force_login(staff_organiser)
    data = _edited(client, own, bands={"Lulus": "70"}, institution=world.cohort.institution)
    assert client.post(_url(own), data).status_code == 302
    own.refresh_from_db()
    assert own.band_for(65) is None
    assert not Rubric.objects.filter(previous_version=own).exists()


def test_organiser_never_reaches_another_institutions_rubric(
    client, world, elsewhere, staff_organiser
):
    theirs = elsewhere.records["mentoring.rubric"]
    client.force_login(staff_organiser)
    listing = client.get(reverse("admin:mentoring_rubric_changelist")).content.decode()
    assert "Rubrik Pusdiklat Lain" not in listing
    assert client.get(_url(theirs)).status_code == 302
    client.post(_url(theirs), {"name": "Diambil alih", "institution": world.cohort.institution})
    theirs.refresh_from_db()
    assert theirs.name == "Rubrik Pusdiklat Lain"
    # Nor does a cohort of theirs score with it.
    assert rubric_for(world.project.seminars.get()) != theirs


def test_organiser_files_a_rubric_only_under_their_own_institution(
    client, world, elsewhere, staff_organiser
):
    shared = Rubric.objects.get(programme=Programme.PKA, kind="results", is_default=True)
    theirs = Rubric.objects.filter(institution="Pusdiklat Lain").count()
    client.force_login(staff_organiser)
    response = client.post(_url(shared), _edited(client, shared, institution="Pusdiklat Lain"))
    assert response.status_code == 200
    assert "institution" in response.context["adminform"].form.errors
    assert Rubric.objects.filter(institution="Pusdiklat Lain").count() == theirs


def test_organiser_cannot_delete_a_shared_rubric(client, world, staff_organiser):
    shared = Rubric.objects.get(programme=Programme.PKA, kind="results", is_default=True)
    client.force_login(staff_organiser)
    delete = reverse("admin:mentoring_rubric_delete", args=[shared.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert Rubric.objects.filter(pk=shared.pk).exists()


def test_scoring_refuses_a_rubric_whose_weights_do_not_add_up(world, results_seminar):
    rubric = rubric_for(results_seminar)
    # However it got there (a shell, a script), a bad sum never reaches a score.
    rubric.criteria.filter(name="Capaian terhadap rencana").update(weight=D(90))
    with pytest.raises(Refused) as refused:
        seminar_record_scores(
            seminar=results_seminar,
            project=world.project,
            by=world.examiner,
            scores={c.pk: D(80) for c in rubric.criteria.all()},
        )
    assert "Bobot kriteria berjumlah 165" in str(refused.value)
    assert not results_seminar.scores.exists()


def test_a_participant_cannot_reach_the_rubric_admin(client, organiser):
    client.force_login(User.objects.get(username="peserta"))
    response = client.get(reverse("admin:mentoring_rubric_changelist"))
    assert response.status_code == 302


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.parametrize("attempt", range(5))
def test_an_edit_racing_the_first_score_never_changes_weights_under_it(
    client, world, results_seminar, attempt
):
    rubric = rubric_for(results_seminar)
    before = _weights(rubric)
    client.force_login(world.admin)
    weights = {"Capaian terhadap rencana": "20", "Kepemimpinan strategis": "25"}
    data = _edited(client, rubric, weights)
    scores = {c.pk: D(80) for c in rubric.criteria.all()}
    barrier = threading.Barrier(2)

    def edit():
        try:
            barrier.wait()
            client.post(_url(rubric), data)
        finally:
            connection.close()

    def score():
        try:
            barrier.wait()
            seminar_record_scores(
                seminar=results_seminar, project=world.project, by=world.examiner, scores=scores
            )
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for work in (edit, score)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    scored = RubricScore.objects.filter(criterion__rubric=rubric)
    assert scored.count() == len(scores)
    if _weights(rubric) != before:
        # Edited in place: that is only right if every score came after the edit.
        edited = LogEntry.objects.get(object_id=str(rubric.pk), action_flag=CHANGE).action_time
        assert all(score.scored_at > edited for score in scored)
    else:
        assert _weights(Rubric.objects.get(previous_version=rubric)) != before
