from __future__ import annotations

import datetime
import os
from decimal import Decimal

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from tracker import demo_data
from tracker.accounts import invite
from tracker.models import (
    Agency,
    AgencyHead,
    ChangeProject,
    Cohort,
    ImpactIndicator,
    PoolExaminer,
    Role,
    Seminar,
    User,
)
from tracker.organisers import organiser_group

DEMO_LOGINS = [
    ("peserta", "Peserta / Participant"),
    ("peserta2", "Peserta / Participant"),
    ("coach", "Coach"),
    ("mentor", "Mentor"),
    ("penguji", "Penguji / Examiner"),
    ("penyelenggara", "Penyelenggara / Organiser"),
    ("cpns", "Peserta Latsar / Latsar participant"),
    ("kepala", "Kepala Instansi / Agency head"),
    ("admin", "Admin"),
]


class Command(BaseCommand):
    help = "Load realistic demo data; running it again changes nothing."

    def handle(self, *args, **options) -> None:
        password = os.environ.get("DEMO_PASSWORD") or "demo12345"
        with transaction.atomic():
            agencies = self._agencies()
            people = self._people(agencies, password)
            cohorts = self._cohorts(people)
            projects = self._projects(people, cohorts, agencies)
            self._seminars(people, cohorts, projects)
            self._invited(people, cohorts)
            for username, code in demo_data.HEADS:
                AgencyHead.objects.get_or_create(user=people[username], agency=agencies[code])
        # The other apps' demo content, by command name (tracker imports no higher app).
        for command in ("seed_demo_milestones", "seed_demo_mentoring"):
            call_command(command, stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Data demo siap. Demo data ready."))
        self.stdout.write(f"Kata sandi semua akun / password of every login: {password}")
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<14} {role}")

    def _agencies(self) -> dict[str, Agency]:
        agencies: dict[str, Agency] = {}
        for code, name, parent_code, region in demo_data.AGENCIES:
            agencies[code], _ = Agency.objects.get_or_create(
                code=code,
                defaults={
                    "name": name,
                    "parent": agencies.get(parent_code) if parent_code else None,
                    "region": region,
                },
            )
        return agencies

    def _people(self, agencies: dict[str, Agency], password: str) -> dict[str, User]:
        people: dict[str, User] = {}
        for username, (full_name, nip, position, agency_code) in demo_data.PEOPLE.items():
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "full_name": full_name,
                    "nip": nip,
                    "position": position,
                    "agency": agencies[agency_code],
                    "email": f"{username}@jejak.example",
                    "is_staff": username in ("admin", "penyelenggara"),
                    "is_superuser": username == "admin",
                },
            )
            if created:
                user.set_password(password)
                user.save(update_fields=["password"])
            people[username] = user
        people["penyelenggara"].groups.add(organiser_group())
        return people

    def _cohorts(self, people: dict[str, User]) -> dict[str, Cohort]:
        cohorts: dict[str, Cohort] = {}
        every = {**demo_data.COHORTS, "latsar": demo_data.latsar_cohort(timezone.localdate())}
        for key, fields in every.items():
            identity = {
                name: fields[name] for name in ("programme", "number", "year", "institution")
            }
            cohort, _ = Cohort.objects.get_or_create(**identity, defaults=fields)
            cohort.organisers.add(people["penyelenggara"])
            cohorts[key] = cohort
        return cohorts

    def _projects(self, people, cohorts, agencies) -> dict[str, ChangeProject]:
        projects: dict[str, ChangeProject] = {}
        for row in demo_data.PROJECTS:
            (
                username,
                cohort_key,
                state,
                coach,
                mentor,
                title,
                problem,
                short,
                medium,
                long,
                stakeholders,
                innovation,
                indicators,
            ) = row
            participant = people[username]
            project, created = ChangeProject.objects.get_or_create(
                participant=participant,
                cohort=cohorts[cohort_key],
                defaults={
                    "agency": participant.agency,
                    "coach": people[coach],
                    "mentor": people[mentor],
                    "title": title,
                    "problem_statement": problem,
                    "goal_short_term": short,
                    "goal_medium_term": medium,
                    "goal_long_term": long,
                    "stakeholders": stakeholders,
                    "innovation_summary": innovation,
                    # Demo projects start where the story needs them; real ones move by transitions.
                    "state": state,
                },
            )
            if created:
                ImpactIndicator.objects.bulk_create(
                    ImpactIndicator(
                        project=project,
                        name=name,
                        unit=unit,
                        baseline=Decimal(baseline),
                        target=Decimal(target),
                    )
                    for name, unit, baseline, target in indicators
                )
            projects[username] = project
        return projects

    def _seminars(self, people, cohorts, projects) -> None:
        today = timezone.localdate()
        latsar = [
            (
                "latsar",
                kind,
                datetime.datetime.combine(
                    today + datetime.timedelta(days=days), datetime.time(hour)
                ),
                place,
                examiners,
                participants,
            )
            for kind, days, hour, place, examiners, participants in demo_data.LATSAR_SEMINARS
        ]
        for cohort_key, kind, starts, place, examiners, participants in [
            *demo_data.SEMINARS,
            *latsar,
        ]:
            # One seminar of each kind per demo cohort: a later run keeps the one it finds.
            seminar, _ = Seminar.objects.get_or_create(
                cohort=cohorts[cohort_key],
                kind=kind,
                defaults={"starts_at": timezone.make_aware(starts), "place": place},
            )
            seminar.examiners.add(*(people[name] for name in examiners))
            seminar.projects.add(*(projects[name] for name in participants))
            for name in examiners:
                PoolExaminer.objects.get_or_create(
                    institution=seminar.cohort.institution, person=people[name]
                )

    def _invited(self, people, cohorts) -> None:
        """A participant imported and invited who has not accepted yet (no password)."""
        (full_name, nip, position, agency_code), cohort_key, coach, mentor = demo_data.INVITED
        person, created = User.objects.get_or_create(
            username=nip,
            defaults={
                "full_name": full_name,
                "nip": nip,
                "position": position,
                "agency": Agency.objects.get(code=agency_code),
                "email": f"{nip}@jejak.example",
            },
        )
        if created:
            person.set_unusable_password()
            person.save(update_fields=["password"])
        cohort = cohorts[cohort_key]
        ChangeProject.objects.get_or_create(
            participant=person,
            cohort=cohort,
            defaults={
                "agency": person.agency,
                "coach": people[coach],
                "mentor": people[mentor],
                "title": f"Rancangan {cohort.project_label} {full_name}",
            },
        )
        # Once per person and cohort: a second run finds the invitation and sends nothing.
        invite(user=person, by=people["penyelenggara"], role=Role.PARTICIPANT, cohort=cohort)
