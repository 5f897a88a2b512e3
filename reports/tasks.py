"""Background work of the reports app, run by `manage.py db_worker` (django-tasks, database)."""

from __future__ import annotations

from django_tasks import task

from reports.services import run_report_job


@task()
def build_report(job_id: int, attempt: int) -> None:
    """Build one attempt of a report job; the job row records progress and outcome."""
    run_report_job(job_id=job_id, attempt=attempt)
