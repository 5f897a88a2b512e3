"""Give every consultation recorded before the control form became a state machine its history."""

from django.db import migrations


def write_history(apps, schema_editor):
    Consultation = apps.get_model("mentoring", "Consultation")
    ConsultationLog = apps.get_model("mentoring", "ConsultationLog")
    rows = []
    for consultation in Consultation.objects.filter(logs__isnull=True).iterator():
        rows.append(
            ConsultationLog(
                consultation=consultation,
                project_id=consultation.project_id,
                actor_id=consultation.recorded_by_id,
                role="participant",
                action="record",
                from_state="",
                to_state="recorded",
                created_at=consultation.created_at,
            )
        )
        if consultation.status != "recorded":
            rows.append(
                ConsultationLog(
                    consultation=consultation,
                    project_id=consultation.project_id,
                    actor_id=consultation.consultant_id,
                    role=consultation.consultant_role,
                    action="confirm" if consultation.status == "confirmed" else "dispute",
                    from_state="recorded",
                    to_state=consultation.status,
                    comment=consultation.dispute_reason,
                    created_at=consultation.decided_at or consultation.created_at,
                )
            )
    ConsultationLog.objects.bulk_create(rows, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0006_consultation_workflow")]

    operations = [migrations.RunPython(write_history, migrations.RunPython.noop)]
