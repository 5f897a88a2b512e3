"""Every admin page, picker and autocomplete keeps an organiser inside their own cohorts.

The organiser here holds every model permission there is (`staff_organiser`), so what keeps
them out of another institution's data is the code, not a permission someone forgot to grant.
"""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory
from django.urls import reverse

from tests.admin_forms import change_page_data
from tracker.models import Agency, ChangeProject, Cohort, Seminar, User

# Agencies are reference data every institution shares.
SHARED = {Agency}


def _forbidden(world, elsewhere) -> dict[type, list]:
    """Per model: the objects the world organiser must never be offered."""
    forbidden: dict[type, list] = {}
    for obj in elsewhere.records.values():
        forbidden.setdefault(type(obj), []).append(obj)
    forbidden[User] = [
        elsewhere.organiser,
        elsewhere.participant,
        elsewhere.coach,
        elsewhere.mentor,
        elsewhere.examiner,
        world.stranger,
        world.admin,
    ]
    return forbidden


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _form_classes(model_admin, request, obj):
    """(form class, field names to skip): the admin's own forms and each inline's, whose link to
    its parent object is no choice (the formset fixes it)."""
    found = []
    if obj is not None and model_admin.has_change_permission(request, obj):
        found.append((model_admin.get_form(request, obj, change=True), set()))
    if model_admin.has_add_permission(request):
        found.append((model_admin.get_form(request, None, change=False), set()))
    for inline in model_admin.get_inline_instances(request, obj):
        formset = inline.get_formset(request, obj)
        found.append((formset.form, {formset.fk.name}))
    return found


def test_every_picker_offers_only_the_organisers_cohorts(world, elsewhere, here, staff_organiser):
    forbidden = _forbidden(world, elsewhere)
    request = _request(staff_organiser)
    checked = set()
    for model_admin in admin.site._registry.values():
        obj = model_admin.get_queryset(request).first()
        for form_class, parent_link in _form_classes(model_admin, request, obj):
            for name, field in form_class.base_fields.items():
                queryset = getattr(field, "queryset", None)
                if queryset is None or queryset.model in SHARED or name in parent_link:
                    continue
                label = f"{form_class._meta.model._meta.label}.{name}"
                assert queryset.model in forbidden, f"{label}: no out-of-scope rows to check"
                leaked = queryset.filter(pk__in=[o.pk for o in forbidden[queryset.model]])
                assert not leaked.exists(), f"{label} offers {list(leaked)}"
                checked.add(label)
    assert {
        "tracker.Cohort.organisers",
        "tracker.ChangeProject.cohort",
        "tracker.ChangeProject.participant",
        "tracker.ChangeProject.coach",
        "tracker.ChangeProject.mentor",
        "tracker.Seminar.cohort",
        "tracker.Seminar.examiners",
        "tracker.Seminar.projects",
        "tracker.ImpactIndicator.project",
        "milestones.Milestone.project",
        "milestones.MilestoneRating.milestone",
        "milestones.MilestoneRating.examiner",
        "milestones.MilestoneRating.seminar",
        "milestones.IndicatorMeasurement.indicator",
        "milestones.IndicatorMeasurement.evidence",
        "milestones.IndicatorMeasurement.recorded_by",
        "mentoring.Comment.project",
        "mentoring.Comment.author",
        "mentoring.Consultation.project",
        "mentoring.Consultation.recorded_by",
        "mentoring.Consultation.consultant",
    } <= checked


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_no_admin_page_shows_an_organiser_another_institutions_rows(
    client, world, elsewhere, here, staff_organiser, model
):
    client.force_login(staff_organiser)
    opts = model._meta
    changelist = client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code in (200, 403)
    for obj in _forbidden(world, elsewhere).get(model, []):
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert change not in changelist.content.decode()
        for page in ("change", "history", "delete"):
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[obj.pk])
            # The admin answers an object outside the queryset with a redirect to its index.
            assert client.get(url).status_code in (302, 403), url


def _relations():
    for model in admin.site._registry:
        for field in model._meta.get_fields():
            if (
                field.concrete
                and field.is_relation
                and field.remote_field.model in admin.site._registry
            ):
                yield model, field


@pytest.mark.parametrize(
    ("model", "field"), list(_relations()), ids=lambda x: getattr(x, "name", None) or x._meta.label
)
def test_autocomplete_never_returns_another_institutions_rows(
    client, world, elsewhere, here, staff_organiser, model, field
):
    client.force_login(staff_organiser)
    remote = field.remote_field.model
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": model._meta.app_label,
            "model_name": model._meta.model_name,
            "field_name": field.name,
        },
    )
    assert response.status_code in (200, 403, 404)
    if response.status_code != 200 or remote in SHARED:
        return
    payload = response.json()
    assert not payload["pagination"]["more"]
    returned = {int(item["id"]) for item in payload["results"]}
    leaked = returned & {obj.pk for obj in _forbidden(world, elsewhere).get(remote, [])}
    assert not leaked, f"{remote._meta.label} via {model._meta.label}.{field.name}: {leaked}"


def test_autocomplete_offers_the_organiser_their_own_people(client, world, staff_organiser):
    client.force_login(staff_organiser)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "tracker",
            "model_name": "changeproject",
            "field_name": "coach",
            "term": "Hendra",
        },
    )
    assert [item["text"] for item in response.json()["results"]] == ["Hendra Coach"]


# --- Forged ids: a form that offers only in-scope choices must also refuse the others --------


def _post_change(client, obj, **changes):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    page = client.get(url)
    assert page.status_code == 200
    return client.post(url, change_page_data(page) | changes)


def _refused(response) -> str:
    assert response.status_code == 200, "the forged form was saved"
    errors = response.context["adminform"].form.errors
    assert errors, "no form error"
    return str(errors)


def test_forged_cohort_for_a_new_project_is_refused(client, world, elsewhere, staff_organiser):
    client.force_login(staff_organiser)
    page = client.get(reverse("admin:tracker_changeproject_add"))
    data = change_page_data(page) | {
        "participant": world.participant.pk,
        "cohort": elsewhere.cohort.pk,
        "agency": world.dinas.pk,
        "title": "Proyek selundupan",
    }
    response = client.post(reverse("admin:tracker_changeproject_add"), data)
    assert "cohort" in _refused(response)
    assert not ChangeProject.objects.filter(title="Proyek selundupan").exists()


def test_forged_coach_is_refused(client, world, elsewhere, staff_organiser):
    client.force_login(staff_organiser)
    response = _post_change(client, world.project, coach=elsewhere.coach.pk)
    assert "coach" in _refused(response)
    assert ChangeProject.objects.get(pk=world.project.pk).coach == world.coach


def test_forged_project_and_examiner_on_a_seminar_are_refused(
    client, world, elsewhere, staff_organiser
):
    seminar = world.project.seminars.get()
    client.force_login(staff_organiser)
    forged = [world.project.pk, elsewhere.project.pk]
    assert "projects" in _refused(_post_change(client, seminar, projects=forged))
    forged = [world.examiner.pk, elsewhere.examiner.pk]
    assert "examiners" in _refused(_post_change(client, seminar, examiners=forged))
    assert list(seminar.projects.all()) == [world.project]
    assert list(seminar.examiners.all()) == [world.examiner]


def test_a_seminar_takes_only_projects_of_its_own_cohort(client, world, staff_organiser):
    from tests.factories import ChangeProjectFactory, CohortFactory

    second = CohortFactory()
    second.organisers.add(staff_organiser)
    other_cohort_project = ChangeProjectFactory(cohort=second)
    seminar = world.project.seminars.get()
    client.force_login(staff_organiser)
    response = _post_change(client, seminar, projects=[other_cohort_project.pk])
    assert "Proyek seminar harus dari angkatan seminar ini." in _refused(response)
    assert list(seminar.projects.all()) == [world.project]


@pytest.mark.parametrize(
    ("label", "field", "theirs"),
    [
        ("mentoring.comment", "project", "tracker.changeproject"),
        ("mentoring.consultation", "consultant", None),
        ("milestones.indicatormeasurement", "evidence", "milestones.evidence"),
        ("milestones.indicatormeasurement", "indicator", "tracker.impactindicator"),
        ("milestones.milestonerating", "seminar", "tracker.seminar"),
        ("milestones.milestonerating", "milestone", "milestones.milestone"),
        ("milestones.milestone", "project", "tracker.changeproject"),
        ("tracker.impactindicator", "project", "tracker.changeproject"),
    ],
)
def test_forged_ids_on_records_are_refused(
    client, world, elsewhere, here, staff_organiser, label, field, theirs
):
    obj = here[label]
    before = getattr(type(obj).objects.get(pk=obj.pk), f"{field}_id")
    forged = elsewhere.records[theirs].pk if theirs else elsewhere.coach.pk
    client.force_login(staff_organiser)
    assert field in _refused(_post_change(client, obj, **{field: forged}))
    assert getattr(type(obj).objects.get(pk=obj.pk), f"{field}_id") == before


def test_organiser_files_a_new_cohort_only_under_their_own_institution(
    client, world, elsewhere, staff_organiser
):
    client.force_login(staff_organiser)
    page = client.get(reverse("admin:tracker_cohort_add"))
    data = change_page_data(page) | {
        "programme": "pka",
        "number": "XX",
        "year": "2027",
        "learning_starts_on": "2027-02-01",
        "learning_ends_on": "2027-03-01",
        "implementation_starts_on": "2027-03-08",
        "implementation_ends_on": "2027-05-08",
        "closes_on": "2027-05-20",
    }
    refused = client.post(
        reverse("admin:tracker_cohort_add"), data | {"institution": "Pusdiklat Lain"}
    )
    assert "institution" in _refused(refused)
    assert not Cohort.objects.filter(number="XX").exists()
    forged = data | {
        "institution": world.cohort.institution,
        "organisers": [elsewhere.organiser.pk],
    }
    assert "organisers" in _refused(client.post(reverse("admin:tracker_cohort_add"), forged))
    saved = client.post(
        reverse("admin:tracker_cohort_add"), data | {"institution": world.cohort.institution}
    )
    assert saved.status_code == 302, saved.context["adminform"].form.errors
    cohort = Cohort.objects.get(number="XX")
    assert list(cohort.organisers.all()) == [staff_organiser]


def test_organiser_without_cohorts_cannot_open_a_new_institution(client, staff_organiser):
    staff_organiser.organised_cohorts.clear()
    client.force_login(staff_organiser)
    assert client.get(reverse("admin:tracker_cohort_add")).status_code == 403


def test_only_the_operator_names_agency_heads(client, world, staff_organiser):
    client.force_login(staff_organiser)
    response = client.post(
        reverse("admin:tracker_agencyhead_add"),
        {"user": staff_organiser.pk, "agency": world.other_agency.pk},
    )
    assert response.status_code == 403
    assert not staff_organiser.headships.exists()
    change = reverse("admin:tracker_agency_change", args=[world.province.pk])
    assert client.post(change, {"name": "Diubah", "code": "PROV"}).status_code == 403
    assert Agency.objects.get(pk=world.province.pk).name == "Pemerintah Provinsi Uji"


def test_the_operator_still_picks_from_everyone(world, elsewhere):
    request = _request(world.admin)
    form = admin.site._registry[Seminar].get_form(request, None, change=False)
    assert elsewhere.project in form.base_fields["projects"].queryset
    assert isinstance(form.base_fields["cohort"].queryset.model(), models.Model)


def test_a_participant_cannot_be_made_organiser_of_their_own_cohort(client, world, staff_organiser):
    client.force_login(staff_organiser)
    forged = [staff_organiser.pk, world.participant.pk]
    response = _post_change(client, world.cohort, organisers=forged)
    assert "Peserta angkatan ini tidak dapat menjadi penyelenggaranya." in _refused(response)
    assert list(world.cohort.organisers.all()) == [staff_organiser]


# --- History pages and inlines show an organiser only what is theirs to read -----------------


@pytest.mark.parametrize("model", list(admin.site._registry), ids=lambda m: m._meta.label)
def test_history_pages_show_an_organiser_only_their_own_actions(
    client, world, elsewhere, here, staff_organiser, model
):
    from django.contrib.admin.models import CHANGE, LogEntry
    from django.contrib.contenttypes.models import ContentType

    from tests.factories import made_by_import

    # The participant is in both institutions' reach: the other organiser acted on them too.
    made_by_import(world.participant, world.cohort, world.organiser)
    model_admin = admin.site._registry[model]
    obj = model_admin.get_queryset(_request(staff_organiser)).order_by("pk").first()
    if model is User:
        obj = world.participant
    if obj is None:
        return
    for who, message in ((elsewhere.organiser, "Catatan lembaga lain"), (world.admin, "Operator")):
        LogEntry.objects.create(
            user=who,
            content_type=ContentType.objects.get_for_model(model),
            object_id=str(obj.pk),
            object_repr=str(obj)[:200],
            action_flag=CHANGE,
            change_message=message,
        )
    client.force_login(staff_organiser)
    opts = model._meta
    response = client.get(
        reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])
    )
    assert response.status_code in (200, 302, 403)
    page = response.content.decode()
    assert "Catatan lembaga lain" not in page
    assert "Yuni Lain" not in page
    assert "Operator" not in page


def test_the_history_still_shows_the_organiser_their_own_actions(client, world, staff_organiser):
    client.force_login(staff_organiser)
    url = reverse("admin:tracker_changeproject_change", args=[world.project.pk])
    page = client.get(url)
    client.post(url, change_page_data(page) | {"title": "Judul dibetulkan"})
    history = reverse("admin:tracker_changeproject_history", args=[world.project.pk])
    assert "Rina Penyelenggara" in client.get(history).content.decode()


def test_an_agency_page_lists_only_the_heads_the_organiser_may_read(client, world, staff_organiser):
    client.force_login(staff_organiser)
    page = client.get(reverse("admin:tracker_agency_change", args=[world.province.pk]))
    assert page.status_code == 200
    assert "Ahmad Kepala" not in page.content.decode()
    client.force_login(world.admin)
    page = client.get(reverse("admin:tracker_agency_change", args=[world.province.pk]))
    assert "Ahmad Kepala" in page.content.decode()
