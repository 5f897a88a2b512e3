"""Latsar's own default rubric for the Seminar Aktualisasi: no elective-course criterion (that is
PKN's), the core values (BerAKHLAK) in its place. A default, marked as such, until the
institution checks it against Peraturan LAN 1/2021's implementing decisions."""

from __future__ import annotations

from decimal import Decimal

from django.db import migrations

REGULATION = "Peraturan LAN 1/2021"
NAME = "Rubrik seminar aktualisasi Latsar (bawaan)"
# (criterion, weight); every criterion is scored 0-100.
CRITERIA = [
    ("Capaian kegiatan aktualisasi terhadap rancangan", "30"),
    ("Penerapan nilai dasar BerAKHLAK pada setiap kegiatan", "30"),
    ("Peran dan kedudukan ASN dalam NKRI", "15"),
    ("Kualitas keluaran dan bukti kegiatan", "15"),
    ("Penyajian dan penguasaan materi", "10"),
]
BANDS = [
    ("Sangat Memuaskan", "90", False),
    ("Memuaskan", "80", False),
    ("Cukup Memuaskan", "70", False),
    ("Kurang Memuaskan", "60", True),
    ("Tidak Memuaskan", "0", True),
]


def seed(apps, schema_editor):
    Rubric = apps.get_model("mentoring", "Rubric")
    rubric, created = Rubric.objects.get_or_create(
        programme="latsar", name=NAME, defaults={"regulation": REGULATION, "is_default": True}
    )
    if not created:
        return
    for order, (name, weight) in enumerate(CRITERIA, start=1):
        rubric.criteria.create(
            name=name, weight=Decimal(weight), max_score=Decimal(100), order=order
        )
    for label, minimum, is_deferral in BANDS:
        rubric.bands.create(label=label, min_score=Decimal(minimum), is_deferral=is_deferral)


def unseed(apps, schema_editor):
    apps.get_model("mentoring", "Rubric").objects.filter(programme="latsar", name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0011_calendar_feed")]

    operations = [migrations.RunPython(seed, unseed)]
