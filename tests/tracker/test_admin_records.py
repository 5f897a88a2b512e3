"""Records that are someone's act keep what that person wrote: an organiser neither rewrites nor
reassigns them in the admin, nor adds one in someone else's name (`FixedOnceWrittenMixin`)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.admin_forms import change_page_data


def _url(obj, page: str = "change") -> str:
    opts = obj._meta
    args = [obj.pk] if page == "change" else []
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=args)


def _value(obj, field: str):
    fresh = type(obj).objects.get(pk=obj.pk)
    return getattr(fresh, f"{field}_id", None) or getattr(fresh, field)


@pytest.mark.parametrize(
    ("label", "field", "forged"),
    [
        ("mentoring.comment", "author", "coach"),
        ("mentoring.comment", "body", "Kata-kata yang tidak pernah ditulis"),
        ("mentoring.comment", "visibility", "participant"),
        ("mentoring.consultation", "consultant", "mentor"),
        ("milestones.milestonerating", "rating", "melampaui"),
        ("milestones.indicatormeasurement", "value", "999"),
        ("milestones.indicatormeasurement", "recorded_by", "mentor"),
    ],
)
def test_an_organiser_cannot_rewrite_someone_elses_record(
    client, world, here, staff_organiser, label, field, forged
):
    obj = here[label]
    before = _value(obj, field)
    if forged in ("coach", "mentor"):
        people = [getattr(world, forged).pk, world.coach.pk, world.mentor.pk]
        value = next(pk for pk in people if pk != before)
    else:
        value = forged
    client.force_login(staff_organiser)
    page = client.get(_url(obj))
    assert page.status_code == 200
    response = client.post(_url(obj), change_page_data(page) | {field: value})
    assert response.status_code == 200, "the forged form was saved"
    errors = str(response.context["adminform"].form.errors)
    assert "Bagian ini dicatat oleh orang yang bertindak" in errors
    assert _value(obj, field) == before


@pytest.mark.parametrize(
    "label", ["mentoring.comment", "milestones.milestonerating", "milestones.indicatormeasurement"]
)
def test_an_organiser_adds_no_record_in_someone_elses_name(
    client, world, here, staff_organiser, label
):
    client.force_login(staff_organiser)
    assert client.get(_url(here[label], "add")).status_code == 403


def test_a_consultations_notes_may_still_be_corrected(client, world, here, staff_organiser):
    consultation = here["mentoring.consultation"]
    client.force_login(staff_organiser)
    page = client.get(_url(consultation))
    response = client.post(_url(consultation), change_page_data(page) | {"topic": "Topik benar"})
    assert response.status_code == 302
    assert type(consultation).objects.get(pk=consultation.pk).topic == "Topik benar"


def test_the_operator_still_corrects_records(client, world, here):
    comment = here["mentoring.comment"]
    client.force_login(world.admin)
    page = client.get(_url(comment))
    response = client.post(_url(comment), change_page_data(page) | {"body": "Dibetulkan admin"})
    assert response.status_code == 302
    assert type(comment).objects.get(pk=comment.pk).body == "Dibetulkan admin"
