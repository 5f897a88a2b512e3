"""Say in the seeded rules where PKN Tingkat I and II differ, and where they do not.

The public sources Jejak's defaults come from (DOMAIN.md) give about 60 days at the workplace
for PKN II, PKA and PKP, and nothing separate for PKN I: its seeded rules are PKN II's, and the
data says so (same_as) instead of looking like a checked number of its own.
"""

from __future__ import annotations

from django.db import migrations

STRUCTURAL = "Peraturan LAN 5/2022 jo. 6/2022"
NOTES = {
    "pkn1": (
        "pkn2",
        "Sama dengan PKN Tingkat II menurut Peraturan LAN 5/2022 jo. 6/2022: sumber publik yang "
        "dipakai Jejak tidak menyebut lama implementasi, batas penundaan atau tonggak tersendiri "
        "untuk PKN Tingkat I. Periksa terhadap ketentuan resmi sebelum menghapus tanda bawaan.",
    ),
    "pkn2": (
        "",
        "Sekitar 60 hari implementasi di tempat kerja (praktik PKN Tingkat II, PKA dan PKP). "
        "Batas penundaan 30 hari dan satu kali pengajuan ulang adalah nilai bawaan Jejak.",
    ),
    "pka": (
        "",
        "Sekitar 60 hari implementasi di tempat kerja. Batas penundaan dan pengajuan ulang "
        "adalah nilai bawaan Jejak.",
    ),
    "pkp": (
        "",
        "Sekitar 60 hari implementasi di tempat kerja. Batas penundaan dan pengajuan ulang "
        "adalah nilai bawaan Jejak.",
    ),
    "latsar": (
        "",
        "Sekitar 30 hari aktualisasi di tempat kerja (Peraturan LAN 1/2021); tanpa tonggak "
        "jangka menengah dan panjang.",
    ),
}


def annotate(apps, schema_editor):
    ProgrammeRules = apps.get_model("tracker", "ProgrammeRules")
    for programme, (same_as, note) in NOTES.items():
        ProgrammeRules.objects.filter(programme=programme, is_default=True, basis_note="").update(
            same_as=same_as, basis_note=note
        )


def unannotate(apps, schema_editor):
    ProgrammeRules = apps.get_model("tracker", "ProgrammeRules")
    ProgrammeRules.objects.filter(is_default=True).update(same_as="", basis_note="")


class Migration(migrations.Migration):
    dependencies = [("tracker", "0014_programme_rules_same_as_note")]

    operations = [migrations.RunPython(annotate, unannotate)]
