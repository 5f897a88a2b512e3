"""Seed one default proposal-seminar rubric per programme, and say where PKN I follows PKN II.

The structural programmes get the five proposal aspects of the PKN II example in DOMAIN.md (a
secondary source, not law); Latsar gets its own for the rancangan aktualisasi. Each states how
its examiners' decisions combine: the mean score against two thresholds, Jejak's defaults.
Proposal decisions recorded before this (one examiner's yes or no) are read into the new
three-way decision.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import migrations

STRUCTURAL = "Peraturan LAN 5/2022 jo. 6/2022"
LATSAR = "Peraturan LAN 1/2021"
NAME = "Rubrik seminar rancangan (bawaan)"
LATSAR_NAME = "Rubrik seminar rancangan aktualisasi Latsar (bawaan)"
# (criterion, weight); every criterion is scored 0-100.
CRITERIA = [
    ("Kesesuaian dengan kebutuhan organisasi yang adaptif", "25"),
    ("Terobosan inovatif dan jangkauan manfaat", "25"),
    ("Tahapan dan strategi perubahan", "20"),
    ("Strategi pemangku kepentingan (peta dan sumber daya)", "15"),
    ("Rencana pengembangan kompetensi", "15"),
]
LATSAR_CRITERIA = [
    ("Identifikasi isu dan penetapan isu prioritas", "25"),
    ("Gagasan pemecahan isu", "20"),
    ("Rencana kegiatan, tahapan dan keluaran", "25"),
    ("Penerapan nilai dasar BerAKHLAK yang direncanakan", "20"),
    ("Peran dan kedudukan ASN dalam NKRI", "10"),
]
EXAMPLE = (
    "Lima aspek rancangan dari contoh PKN Tingkat II (sumber sekunder, bukan ketentuan resmi); "
    "bobot dan batas keputusan adalah nilai bawaan Jejak."
)
SAME_AS_PKN2 = (
    "Sama dengan PKN Tingkat II menurut Peraturan LAN 5/2022 jo. 6/2022: sumber publik yang "
    "dipakai Jejak tidak memuat kriteria tersendiri untuk PKN Tingkat I."
)
# programme: (name, regulation, criteria, same_as, note)
RUBRICS = {
    "pkn1": (NAME, STRUCTURAL, CRITERIA, "pkn2", SAME_AS_PKN2),
    "pkn2": (NAME, STRUCTURAL, CRITERIA, "", EXAMPLE),
    "pka": (NAME, STRUCTURAL, CRITERIA, "", EXAMPLE),
    "pkp": (NAME, STRUCTURAL, CRITERIA, "", EXAMPLE),
    "latsar": (
        LATSAR_NAME,
        LATSAR,
        LATSAR_CRITERIA,
        "",
        "Rancangan aktualisasi Latsar: isu, gagasan, kegiatan dan nilai BerAKHLAK; nilai "
        "bawaan Jejak sampai lembaga memeriksanya terhadap Peraturan LAN 1/2021.",
    ),
}
RESULTS_NAME = "Rubrik seminar laporan (bawaan)"


def seed(apps, schema_editor):
    Rubric = apps.get_model("mentoring", "Rubric")
    for programme, (name, regulation, criteria, same_as, note) in RUBRICS.items():
        rubric, created = Rubric.objects.get_or_create(
            programme=programme,
            kind="proposal",
            name=name,
            defaults={
                "regulation": regulation,
                "is_default": True,
                "decision_rule": "mean_score",
                "accept_min_score": Decimal(80),
                "revision_min_score": Decimal(60),
                "same_as": same_as,
                "basis_note": note,
            },
        )
        if created:
            for order, (criterion, weight) in enumerate(criteria, start=1):
                rubric.criteria.create(
                    name=criterion, weight=Decimal(weight), max_score=Decimal(100), order=order
                )
    # The results rubric PKN I was seeded with is PKN II's too: say so.
    Rubric.objects.filter(
        programme="pkn1", kind="results", name=RESULTS_NAME, is_default=True, basis_note=""
    ).update(same_as="pkn2", basis_note=SAME_AS_PKN2)
    ProposalSeminarResult = apps.get_model("mentoring", "ProposalSeminarResult")
    ProposalSeminarResult.objects.filter(decision="", accepted=True).update(decision="accepted")
    ProposalSeminarResult.objects.filter(decision="", accepted=False).update(decision="rejected")


def unseed(apps, schema_editor):
    Rubric = apps.get_model("mentoring", "Rubric")
    Rubric.objects.filter(kind="proposal", name__in=[NAME, LATSAR_NAME], is_default=True).delete()


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0015_proposal_rubric_reviews_revision_items")]

    operations = [migrations.RunPython(seed, unseed)]
