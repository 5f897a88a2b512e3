from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from tracker.models import (
    Agency,
    AgencyHead,
    ChangeProject,
    Cohort,
    Invitation,
    Programme,
    Role,
    Seminar,
    User,
)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    code = factory.Sequence(lambda n: f"AG-{n:03d}")
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    region = "Jawa Barat"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Pegawai Uji {n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@jejak.example")
    nip = factory.Sequence(lambda n: f"19850312201001{1 + n % 2}{n % 1000:03d}")
    agency = factory.SubFactory(AgencyFactory)
    password = factory.PostGenerationMethodCall("set_password", "demo12345")

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save(update_fields=["password"])


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cohort

    programme = Programme.PKA
    number = factory.Sequence(lambda n: str(n + 1))
    year = 2026
    institution = "BPSDM Provinsi Jawa Barat"
    learning_starts_on = datetime.date(2026, 9, 7)
    learning_ends_on = datetime.date(2026, 10, 16)
    proposal_seminar_on = datetime.date(2026, 10, 20)
    implementation_starts_on = datetime.date(2026, 10, 26)
    implementation_ends_on = datetime.date(2026, 12, 24)
    results_seminar_on = datetime.date(2027, 1, 7)
    closes_on = datetime.date(2027, 1, 15)


class ChangeProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangeProject

    participant = factory.SubFactory(UserFactory)
    cohort = factory.SubFactory(CohortFactory)
    agency = factory.LazyAttribute(lambda project: project.participant.agency)
    title = factory.Sequence(lambda n: f"Digitalisasi Layanan Uji {n}")
    problem_statement = "Antrean layanan panjang dan berkas masih kertas."


class SeminarFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Seminar

    cohort = factory.SubFactory(CohortFactory)
    kind = Seminar.Kind.PROPOSAL
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    place = "Aula BPSDM"


class AgencyHeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgencyHead

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)


def made_by_import(person: User, cohort: Cohort, by: User, role: str = Role.PARTICIPANT) -> User:
    """The person's account as the cohort's import made it: its first invitation is there, so
    the cohort's organisers manage it (`tracker.selectors.accounts_managed_by`)."""
    Invitation.objects.create(user=person, cohort=cohort, role=role, invited_by=by, approved_by=by)
    return person
