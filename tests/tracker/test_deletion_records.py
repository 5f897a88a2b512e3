"""Records people relied on never vanish without a trace; the logs never change at all.

Comments, consultations, milestone ratings, indicator measurements, reflections and their
replies can still be deleted in the admin, but only one at a time, with a reason, and each
deletion writes an append-only record of who, when, why and what the record said. Their
parents can no longer take them along silently.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import ProtectedError
from django.urls import reverse

from tracker.models import DeletionRecord, TransitionLog
from tracker.services import delete_with_record

# model label -> a field whose value the deletion record must keep
KEPT = {
    "mentoring.comment": "body",
    "mentoring.consultation": "topic",
    "mentoring.journalentry": "happened",
    "mentoring.journalreply": "body",
    "milestones.milestonerating": "rating",
    "milestones.indicatormeasurement": "value",
}


def _admin_url(obj, page: str) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{page}", args=[obj.pk])


@pytest.mark.parametrize("label", KEPT)
def test_deleting_without_a_reason_changes_nothing(client, world, here, label):
    obj = here[label]
    client.force_login(world.admin)
    response = client.post(_admin_url(obj, "delete"), {"post": "yes", "reason": "  "})
    assert response.status_code == 200
    assert "Tulis alasan penghapusan." in response.content.decode()
    assert type(obj).objects.filter(pk=obj.pk).exists()
    assert not DeletionRecord.objects.exists()


@pytest.mark.parametrize("label", KEPT)
def test_deleting_with_a_reason_keeps_who_when_why_and_what(client, world, here, label):
    obj = type(here[label]).objects.get(pk=here[label].pk)
    client.force_login(world.admin)
    assert "Alasan penghapusan" in client.get(_admin_url(obj, "delete")).content.decode()
    reason = "Dicatat pada proyek yang salah; diminta peserta lewat surel 3 November."
    response = client.post(_admin_url(obj, "delete"), {"post": "yes", "reason": reason})
    assert response.status_code == 302
    assert not type(obj).objects.filter(pk=obj.pk).exists()
    record = DeletionRecord.objects.get(
        object_pk=str(obj.pk), content_type__model=obj._meta.model_name
    )
    assert (record.deleted_by, record.reason) == (world.admin, reason)
    assert record.object_repr == str(obj)[:200]
    field = KEPT[label]
    assert str(record.data[field]) == str(getattr(obj, field))


def test_a_reflections_replies_are_recorded_with_it(world, here):
    entry, reply = here["mentoring.journalentry"], here["mentoring.journalreply"]
    expected = {("journalentry", str(entry.pk)), ("journalreply", str(reply.pk))}
    records = delete_with_record(obj=entry, by=world.admin, reason="Permintaan peserta.")
    assert {(r.content_type.model, r.object_pk) for r in records} == expected
    assert {r.data.get("body") for r in records} >= {reply.body}


def test_a_reason_is_required_by_the_service_too(world, here):
    comment = here["mentoring.comment"]
    with pytest.raises(ValidationError):
        delete_with_record(obj=comment, by=world.admin, reason=" ")
    assert type(comment).objects.filter(pk=comment.pk).exists()


@pytest.mark.parametrize("label", KEPT)
def test_there_is_no_bulk_delete(client, world, here, label):
    obj = here[label]
    model = apps.get_model(label)
    client.force_login(world.admin)
    changelist = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_changelist")
    assert 'value="delete_selected"' not in client.get(changelist).content.decode()
    client.post(
        changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
    )
    assert model.objects.filter(pk=obj.pk).exists()


def test_parents_cannot_take_these_records_along(world):
    from milestones.models import MilestoneRating
    from tests.factories import ChangeProjectFactory
    from tests.mentoring.factories import CommentFactory, JournalEntryFactory
    from tests.milestones.factories import MilestoneFactory

    # Parents with nothing else holding them: before, each took its records along silently.
    commented = CommentFactory(project=ChangeProjectFactory(cohort=world.cohort)).project
    reflected = JournalEntryFactory(project=ChangeProjectFactory(cohort=world.cohort)).project
    milestone = MilestoneFactory(project=ChangeProjectFactory(cohort=world.cohort))
    MilestoneRating.objects.create(milestone=milestone, examiner=world.examiner, rating="sesuai")
    for parent in (commented, reflected, milestone):
        with pytest.raises(ProtectedError):
            parent.delete()
    assert commented.comments.exists()
    assert reflected.journal_entries.exists()
    assert milestone.ratings.exists()


def test_an_indicator_with_measurements_is_not_deleted_through_its_project(client, world, here):
    from tests.admin_forms import change_page_data

    indicator = here["milestones.indicatormeasurement"].indicator
    client.force_login(world.admin)
    url = _admin_url(world.project, "change")
    data = change_page_data(client.get(url))
    prefix = next(
        key[: -len("-id")]
        for key, value in data.items()
        if key.endswith("-id") and value == indicator.pk
    )
    response = client.post(url, data | {f"{prefix}-DELETE": "on"})
    assert response.status_code == 200
    assert type(indicator).objects.filter(pk=indicator.pk).exists()


def _log_rows(world, here):
    record = delete_with_record(obj=here["mentoring.comment"], by=world.admin, reason="Uji.")[0]
    return [here["tracker.transitionlog"], here["milestones.milestonelog"], record]


def test_logs_are_append_only_however_they_are_reached(world, here):
    for row in _log_rows(world, here):
        model = type(row)
        field = next(f.name for f in model._meta.concrete_fields if not f.primary_key)
        attempts = [
            model.objects.all().delete,
            lambda model=model, field=field: model.objects.update(**{field: None}),
            lambda model=model, row=row, field=field: model.objects.bulk_update([row], [field]),
            lambda model=model, row=row, field=field: model.objects.bulk_create(
                [row], update_conflicts=True, unique_fields=["id"], update_fields=[field]
            ),
            row.save,
            row.delete,
        ]
        for attempt in attempts:
            with pytest.raises(PermissionError), transaction.atomic():
                attempt()
        assert model.objects.filter(pk=row.pk).exists()
    with pytest.raises(PermissionError):
        world.project.transition_logs.all().delete()
    with pytest.raises(ProtectedError):
        TransitionLog.objects.get(pk=here["tracker.transitionlog"].pk).project.delete()


def test_the_admin_cannot_delete_logs_one_by_one_or_in_bulk(client, world, here):
    client.force_login(world.admin)
    for row in _log_rows(world, here):
        assert (
            client.post(_admin_url(row, "delete"), {"post": "yes", "reason": "x"}).status_code
            == 403
        )
        changelist = reverse(f"admin:{row._meta.app_label}_{row._meta.model_name}_changelist")
        client.post(
            changelist, {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"}
        )
        assert type(row).objects.filter(pk=row.pk).exists()


def test_deletion_records_are_the_operators_to_read(client, world, here, staff_organiser):
    record = delete_with_record(obj=here["mentoring.comment"], by=world.admin, reason="Uji.")[0]
    client.force_login(world.admin)
    assert client.get(_admin_url(record, "change")).status_code == 200
    client.force_login(staff_organiser)
    assert client.get(reverse("admin:tracker_deletionrecord_changelist")).status_code == 403


def test_a_consultation_with_its_history_is_kept_and_the_admin_says_why(client, world):
    # Recording a session writes its first log row, which no deletion may take along: the
    # control form's answer to a wrong entry is the consultant's dispute, a logged state.
    from mentoring.models import Consultation
    from mentoring.services import consultation_record

    consultation = consultation_record(
        project=world.project,
        by=world.participant,
        held_on=world.project.created_at.date(),
        consultant_role="mentor",
        mode=Consultation.Mode.ONLINE,
        topic="Data dasar",
        outcome="Sepakat memakai data 2025.",
    )
    client.force_login(world.admin)
    page = client.get(_admin_url(consultation, "delete"))
    assert page.status_code == 200
    assert "riwayat konsultasi" in page.content.decode()
    response = client.post(
        _admin_url(consultation, "delete"), {"post": "yes", "reason": "Salah proyek."}
    )
    assert response.status_code == 200
    assert Consultation.objects.filter(pk=consultation.pk).exists()
    assert not DeletionRecord.objects.exists()
