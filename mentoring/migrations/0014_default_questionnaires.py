"""Seed the default post-training questionnaires and survey schedules, marked as defaults.

The questions follow the impact-evaluation brief (Kirkpatrick levels 3 and 4, 5-point scales,
the mentor coordination scale "Sangat Baik ... Tidak Berkoordinasi") and the barrier categories
of the DKI Jakarta study. They are Jejak's defaults, not an official instrument: organisers edit
them in the app, and an edit of an answered version makes a new version.
"""

from django.db import migrations

PROGRAMMES = ["pkn1", "pkn2", "pka", "pkp", "latsar"]

AGREEMENT = [
    [5, "Sangat Baik"],
    [4, "Baik"],
    [3, "Cukup"],
    [2, "Kurang"],
    [1, "Sangat Kurang"],
]
COORDINATION = [
    [5, "Sangat Baik"],
    [4, "Baik"],
    [3, "Cukup"],
    [2, "Kurang Berkoordinasi"],
    [1, "Tidak Berkoordinasi"],
]
SUSTAINABILITY = [
    ["continued", "Berlanjut sesuai rencana"],
    ["expanded", "Diperluas"],
    ["replicated", "Direplikasi di tempat lain"],
    ["stalled", "Tersendat"],
    ["stopped", "Berhenti"],
]
BARRIERS = [
    ["rotation", "Mutasi atau rotasi jabatan"],
    ["funds", "Keterbatasan anggaran"],
    ["stakeholders", "Kurangnya dukungan pemangku kepentingan"],
    ["leadership", "Kurangnya dukungan pimpinan"],
    ["restructuring", "Perubahan nomenklatur atau struktur unit"],
    ["other", "Lainnya"],
]

# (kind, topic, text, choices, follow-up, required)
ALUMNI = [
    (
        "scale",
        "progress",
        "Bagaimana progres aksi perubahan Anda sejak pelatihan berakhir?",
        AGREEMENT,
        "",
        True,
    ),
    (
        "yes_no",
        "continued",
        "Apakah tonggak jangka menengah dan panjang tetap dilaksanakan setelah pelatihan?",
        [],
        "Tonggak mana yang sudah terlaksana?",
        True,
    ),
    (
        "single",
        "sustainability",
        "Bagaimana status keberlanjutan aksi perubahan Anda?",
        SUSTAINABILITY,
        "",
        True,
    ),
    (
        "multiple",
        "barriers",
        "Hambatan apa yang Anda hadapi? (boleh lebih dari satu)",
        BARRIERS,
        "",
        False,
    ),
    (
        "scale",
        "mentor_support",
        "Seberapa baik dukungan mentor setelah pelatihan?",
        AGREEMENT,
        "",
        True,
    ),
    (
        "scale",
        "leadership_support",
        "Seberapa baik dukungan pimpinan instansi?",
        AGREEMENT,
        "",
        True,
    ),
    (
        "indicators",
        "indicators",
        "Berapa nilai terkini indikator dampak proyek Anda?",
        [],
        "",
        False,
    ),
    ("long_text", "carry_on", "Satu perubahan yang akan Anda lanjutkan:", [], "", False),
]
MENTOR = [
    (
        "scale",
        "coordination",
        "Bagaimana koordinasi alumni dengan Anda setelah pelatihan?",
        COORDINATION,
        "",
        True,
    ),
    (
        "scale",
        "progress",
        "Bagaimana progres aksi perubahan yang Anda amati?",
        AGREEMENT,
        "",
        True,
    ),
    (
        "scale",
        "behaviour",
        "Seberapa besar perubahan perilaku kepemimpinan alumni yang Anda amati?",
        AGREEMENT,
        "",
        True,
    ),
    (
        "scale",
        "result",
        "Seberapa besar hasil aksi perubahan bagi organisasi?",
        AGREEMENT,
        "",
        True,
    ),
    (
        "multiple",
        "barriers",
        "Hambatan apa yang Anda amati? (boleh lebih dari satu)",
        BARRIERS,
        "",
        False,
    ),
    ("long_text", "", "Catatan mentor:", [], "", False),
]
QUESTIONNAIRES = [
    ("alumni", "Kuesioner alumni pascapelatihan (bawaan)", ALUMNI),
    ("mentor", "Kuesioner mentor pascapelatihan (bawaan)", MENTOR),
]


def seed(apps, schema_editor):
    Questionnaire = apps.get_model("mentoring", "Questionnaire")
    SurveySchedule = apps.get_model("mentoring", "SurveySchedule")
    for programme in PROGRAMMES:
        SurveySchedule.objects.get_or_create(
            programme=programme, defaults={"offsets_months": [6, 12], "window_days": 30}
        )
        for audience, name, questions in QUESTIONNAIRES:
            questionnaire, created = Questionnaire.objects.get_or_create(
                programme=programme,
                audience=audience,
                name=name,
                institution="",
                defaults={"is_default": True},
            )
            if not created:
                continue
            for order, (kind, topic, text, choices, follow_up, required) in enumerate(
                questions, start=1
            ):
                questionnaire.questions.create(
                    order=order,
                    kind=kind,
                    topic=topic,
                    text=text,
                    choices=choices,
                    follow_up=follow_up,
                    required=required,
                )


class Migration(migrations.Migration):
    dependencies = [("mentoring", "0013_impact_evaluation")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
