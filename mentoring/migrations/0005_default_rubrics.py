"""Seed one default results-seminar rubric per programme, marked as a default to be checked.

The criteria follow the PKN II example in DOMAIN.md (a secondary source, not law) and the bands
are Jejak's defaults: the official weights and thresholds under the 2022-2023 rules were not
found in public text, so organisers edit these in the admin.
"""

from decimal import Decimal

from django.db import migrations

STRUCTURAL = "Peraturan LAN 5/2022 jo. 6/2022"
LATSAR = "Peraturan LAN 1/2021"
PROGRAMMES = [
    ("pkn1", STRUCTURAL),
    ("pkn2", STRUCTURAL),
    ("pka", STRUCTURAL),
    ("pkp", STRUCTURAL),
    ("latsar", LATSAR),
]
NAME = "Rubrik seminar laporan (bawaan)"
# (criterion, weight); every criterion is scored 0-100.
CRITERIA = [
    ("Capaian terhadap rencana", "25"),
    ("Kepemimpinan strategis", "20"),
    ("Keterlibatan pemangku kepentingan dan diseminasi", "15"),
    ("Keberlanjutan", "15"),
    ("Pemberdayaan organisasi pembelajar", "15"),
    ("Keterkaitan dengan mata pelatihan pilihan", "10"),
]
# (predikat, minimum score, means deferral)
BANDS = [
    ("Sangat Memuaskan", "90", False),
    ("Memuaskan", "80", False),
    ("Cukup Memuaskan", "70", False),
    ("Kurang Memuaskan", "60", True),
    ("Tidak Memuaskan", "0", True),
]


def seed_default_rubrics(apps, schema_editor):
    Rubric = apps.get_model("mentoring", "Rubric")
    for programme, regulation in PROGRAMMES:
        rubric, created = Rubric.objects.get_or_create(
            programme=programme, name=NAME, defaults={"regulation": regulation, "is_default": True}
        )
        if not created:
            continue
        for order, (name, weight) in enumerate(CRITERIA, start=1):
            rubric.criteria.create(
                name=name, weight=Decimal(weight), max_score=Decimal(100), order=order
            )
        for label, minimum, is_deferral in BANDS:
            rubric.bands.create(label=label, min_score=Decimal(minimum), is_deferral=is_deferral)


class Migration(migrations.Migration):
    dependencies = [
        ("mentoring", "0004_rubric_proposalseminarresult_rubriccriterion_and_more"),
    ]

    operations = [
        migrations.RunPython(seed_default_rubrics, migrations.RunPython.noop),
    ]
