"""Demo milestone plans for the projects `seed_demo` creates; loaded by `seed_demo_milestones`.

Dates are counted from the day of seeding, so the demo always shows live progress: peserta2's
project has one overdue and one stuck milestone, and the mentor has a schedule change to decide.
Rows are created once; a second run changes nothing.
"""

from __future__ import annotations

import datetime
import hashlib
import re
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from milestones.models import (
    ChangeRequest,
    CoreValue,
    Evidence,
    IndicatorMeasurement,
    Milestone,
    MilestoneLog,
    MilestoneRating,
    Term,
)
from tracker import summary, workflow
from tracker.models import ChangeProject, Role, User
from tracker.notifications import past_notices, people_in_roles

SHORT, MEDIUM, LONG = Term.SHORT, Term.MEDIUM, Term.LONG
V = CoreValue
PLANNED, IN_PROGRESS, SUBMITTED, ACCEPTED = (
    Milestone.State.PLANNED,
    Milestone.State.IN_PROGRESS,
    Milestone.State.SUBMITTED,
    Milestone.State.ACCEPTED,
)

# fmt: off
# participant: [(term, activity, implementer, start, due, expected output, state, quiet days)]
# start and due count days from today; quiet days is how long ago the last step happened.
PLANS: dict[str, list[tuple]] = {
    "peserta": [
        (SHORT, "Rapat koordinasi dengan direktur RSUD dan kepala puskesmas", "Peserta, Kabid Yankes", 10, 17, "Notulen dan kesepakatan alur rujukan", PLANNED, None),
        (SHORT, "Uji coba SIRUJAK di 10 puskesmas dan 2 RSUD", "Peserta, tim Diskominfo", 20, 55, "Laporan uji coba dan jumlah rujukan daring", PLANNED, None),
        (MEDIUM, "Perluasan SIRUJAK ke seluruh puskesmas Bandung Raya", "Dinas Kesehatan", 90, 270, "SK penerapan dan data pengguna", PLANNED, None),
        (LONG, "Rujukan daring menjadi standar pelayanan provinsi", "Kepala Dinas Kesehatan", 270, 640, "Peraturan gubernur tentang rujukan daring", PLANNED, None),
    ],
    "peserta2": [
        (SHORT, "Rapat koordinasi dengan Bank BJB dan Diskominfo", "Peserta, Kabid Pajak Daerah", -45, -35, "Notulen dan nota kesepahaman data", ACCEPTED, 34),
        (SHORT, "Penyusunan templat pesan dan jadwal notifikasi", "Peserta, tim efektif", -34, -20, "Templat pesan yang disetujui mentor", ACCEPTED, 19),
        (SHORT, "Uji coba notifikasi WhatsApp di SAMSAT Kota Bandung", "Tim efektif, UPTD SAMSAT Bandung", -18, -4, "Laporan uji coba untuk 50.000 wajib pajak", IN_PROGRESS, 2),
        (SHORT, "Integrasi data jatuh tempo dengan sistem e-Samsat", "Peserta, Diskominfo", -40, 12, "Antarmuka data jatuh tempo berjalan otomatis", IN_PROGRESS, 21),
        (SHORT, "Evaluasi uji coba dan laporan kepada Kepala Bapenda", "Peserta", 14, 28, "Laporan evaluasi", PLANNED, None),
        (MEDIUM, "Perluasan notifikasi ke seluruh SAMSAT di Jawa Barat", "Bapenda", 60, 240, "Notifikasi aktif di 34 SAMSAT", PLANNED, None),
        (LONG, "Kepatuhan wajib pajak kendaraan bermotor 85%", "Kepala Bapenda", 240, 700, "Laporan kepatuhan tahunan", PLANNED, None),
    ],
    "peserta12": [
        (SHORT, "Penyusunan jadwal pengambilan sampel bersama Dinas Pendidikan", "Peserta, Dinas Pendidikan", -30, -20, "Jadwal sampel 100 sekolah", ACCEPTED, 19),
        (SHORT, "Pengambilan sampel air minum di 50 sekolah pertama", "Petugas laboratorium", -19, -2, "Berita acara pengambilan sampel", SUBMITTED, 4),
        (SHORT, "Pengujian sampel dan penerbitan hasil uji", "Laboratorium Kesehatan Daerah", -5, 9, "Laporan hasil uji 100 sekolah", IN_PROGRESS, 1),
        (MEDIUM, "Pengujian berkala di seluruh sekolah dasar Kota Bandung", "UPTD Labkesda", 60, 300, "Jadwal pengujian semester", PLANNED, None),
    ],
    "peserta4": [
        (SHORT, "Penyusunan modul video kelas ibu hamil", "Bidan koordinator", 15, 30, "10 video pendek", PLANNED, None),
        (SHORT, "Kelas daring di 5 puskesmas percontohan", "Peserta, kepala puskesmas", 30, 60, "Daftar hadir kelas daring", PLANNED, None),
        (MEDIUM, "Kelas daring di seluruh puskesmas Kabupaten Garut", "Dinas Kesehatan Kabupaten", 90, 300, "Laporan cakupan", PLANNED, None),
    ],
    "peserta5": [
        (SHORT, "Kerja sama layanan antar jemput dengan PT Pos Indonesia", "Peserta", 10, 25, "Perjanjian kerja sama", PLANNED, None),
        (SHORT, "Uji coba layanan jemput bola STNK di Kota Bandung", "Petugas SAMSAT keliling", 25, 60, "Jumlah wajib pajak terlayani", PLANNED, None),
    ],
    "peserta6": [
        (SHORT, "Pelatihan petugas registrasi di 3 rumah sakit bersalin", "Peserta, Disdukcapil", 12, 26, "Daftar petugas terlatih", PLANNED, None),
        (SHORT, "Penerbitan akta kelahiran sebelum ibu pulang", "Petugas registrasi rumah sakit", 26, 60, "Jumlah akta terbit", PLANNED, None),
    ],
    "peserta7": [
        (SHORT, "Kesepakatan pertukaran data dengan DPMPTSP 3 kabupaten/kota", "Peserta", -60, -45, "Perjanjian kerja sama data", ACCEPTED, 44),
        (SHORT, "Pembangunan antarmuka pertukaran data perizinan", "Diskominfo", -45, -15, "Antarmuka berjalan terjadwal", ACCEPTED, 14),
        (MEDIUM, "Perluasan ke seluruh kabupaten/kota", "Bapenda", 30, 240, "27 kabupaten/kota terhubung", PLANNED, None),
    ],
    "peserta8": [
        (SHORT, "Pemasangan dasbor stok obat di 20 puskesmas", "Peserta, instalasi farmasi", -70, -40, "Dasbor aktif di 20 puskesmas", ACCEPTED, 39),
        (SHORT, "Pelatihan petugas farmasi puskesmas", "Peserta", -40, -25, "Petugas terlatih", ACCEPTED, 24),
        (MEDIUM, "Integrasi gudang farmasi kabupaten/kota", "Dinas Kesehatan", -10, 200, "Gudang farmasi terhubung", IN_PROGRESS, 5),
    ],
    "peserta3": [
        (SHORT, "Penerapan tanda tangan elektronik pada laporan hasil uji", "Peserta, BSrE", -220, -190, "Laporan hasil uji bertanda tangan elektronik", ACCEPTED, 189),
        (SHORT, "Pengiriman hasil uji elektronik ke rumah sakit pelanggan", "Petugas layanan", -190, -165, "Hasil uji terkirim dalam 1 hari kerja", ACCEPTED, 164),
        (MEDIUM, "Laporan elektronik untuk seluruh jenis pengujian", "UPTD Labkesda", -150, 60, "Seluruh jenis uji daring", IN_PROGRESS, 6),
    ],
    "peserta9": [
        (SHORT, "Pengadaan mobil layanan dokumen keliling", "Peserta", -220, -195, "Mobil layanan siap operasi", ACCEPTED, 194),
        (SHORT, "Layanan keliling di 10 kelurahan", "Petugas Disdukcapil", -195, -165, "Jadwal dan jumlah layanan", ACCEPTED, 164),
    ],
    "peserta10": [
        (SHORT, "Pencocokan data transaksi Bank BJB dan SAMSAT", "Peserta, Bank BJB", -220, -190, "Skrip rekonsiliasi harian", ACCEPTED, 189),
        (SHORT, "Rekonsiliasi harian otomatis di SAMSAT Kota Bandung", "UPTD SAMSAT Bandung", -190, -165, "Laporan rekonsiliasi harian", ACCEPTED, 164),
        (MEDIUM, "Rekonsiliasi otomatis di seluruh SAMSAT", "Bapenda, BPKAD", -150, 30, "34 SAMSAT memakai rekonsiliasi otomatis", IN_PROGRESS, 9),
        (LONG, "Laporan keuangan daerah tanpa selisih penerimaan", "BPKAD", 30, 400, "Opini WTP tanpa catatan penerimaan", PLANNED, None),
    ],
    "peserta11": [
        (SHORT, "Aplikasi laporan kader jumantik", "Peserta", -220, -190, "Aplikasi terpasang di ponsel kader", ACCEPTED, 189),
        (SHORT, "Uji coba laporan kader di 5 kecamatan", "Puskesmas", -190, -165, "Jumlah laporan kader", ACCEPTED, 164),
    ],
    "peserta13": [
        (SHORT, "Kerja sama dengan dua jaringan minimarket", "Peserta", -20, 10, "Perjanjian kerja sama", PLANNED, None),
    ],
    "peserta14": [
        (SHORT, "Layanan verifikasi NIK untuk Dinas Sosial", "Peserta, Dinas Sosial", -400, -370, "Layanan verifikasi berjalan", ACCEPTED, 369),
        (SHORT, "Verifikasi penerima bantuan di 3 kecamatan", "Kecamatan", -370, -345, "Daftar penerima terverifikasi", ACCEPTED, 344),
        (MEDIUM, "Verifikasi otomatis untuk seluruh program bantuan sosial", "Disdukcapil, Dinas Sosial", -330, -60, "Seluruh program memakai verifikasi", ACCEPTED, 59),
    ],
    # Last year's cohort, a year past training (tracker/demo_data.py, "pka2025").
    "peserta15": [
        (SHORT, "Aplikasi rujukan daring di 25 puskesmas", "Peserta, RSUD", -470, -440, "Rujukan daring berjalan", ACCEPTED, 439),
        (SHORT, "Informasi tempat tidur RSUD dalam aplikasi", "RSUD", -440, -410, "Ketersediaan tempat tidur tampil", ACCEPTED, 409),
        (MEDIUM, "Rujukan daring di seluruh puskesmas provinsi", "Dinas Kesehatan", -380, 60, "Seluruh puskesmas memakai rujukan daring", IN_PROGRESS, 7),
        (LONG, "Integrasi dengan rumah sakit swasta", "Dinas Kesehatan, PERSI", 60, 400, "RS swasta tergabung", PLANNED, None),
    ],
    "peserta16": [
        (SHORT, "Kode batang pada stok gudang farmasi provinsi", "Peserta", -470, -440, "Stok berkode batang", ACCEPTED, 439),
        (SHORT, "Peringatan enam bulan sebelum kedaluwarsa", "Instalasi farmasi", -440, -410, "Daftar peringatan bulanan", ACCEPTED, 409),
        (MEDIUM, "Sistem yang sama di gudang kabupaten/kota", "Instalasi farmasi kabupaten/kota", -380, -20, "Gudang kabupaten/kota memakai kode batang", IN_PROGRESS, 40),
    ],
    "peserta17": [
        (SHORT, "Jadwal audit internal triwulanan", "Peserta", -470, -440, "Jadwal dan daftar periksa audit", ACCEPTED, 439),
        (SHORT, "Perbaikan dokumen mutu 12 parameter uji", "Tim mutu Labkesda", -440, -410, "Dokumen mutu diperbarui", ACCEPTED, 409),
        (MEDIUM, "Akreditasi KAN untuk 12 parameter uji", "Labkesda, KAN", -380, -30, "Sertifikat akreditasi", ACCEPTED, 29),
    ],
    # Latsar's aktualisasi: habituation activities, each with the BerAKHLAK values it applies
    # (the rows' last item). The socialisation has waited on coach and mentor past the
    # programme's escalation delay, so the organiser's digest names it.
    "cpns": [
        (SHORT, "Penyusunan panduan bergambar aktivasi IKD", "Peserta, petugas loket", -14, -6, "Panduan disetujui kepala seksi pelayanan", ACCEPTED, 5, [V.SERVICE, V.COMPETENT]),
        (SHORT, "Sosialisasi panduan kepada petugas loket", "Peserta, kepala seksi pelayanan", -12, -4, "Daftar hadir dan notulen sosialisasi", SUBMITTED, 9, [V.COLLABORATIVE, V.HARMONIOUS]),
        (SHORT, "Pendampingan aktivasi IKD di meja loket", "Peserta, petugas loket", -3, 12, "Catatan harian aktivasi yang berhasil", IN_PROGRESS, 2, [V.SERVICE, V.ACCOUNTABLE, V.ADAPTIVE]),
        (SHORT, "Evaluasi capaian aktivasi dan penyusunan laporan aktualisasi", "Peserta", 10, 16, "Rekap capaian aktivasi dan laporan aktualisasi", PLANNED, None, [V.ACCOUNTABLE, V.LOYAL]),
    ],
}
# fmt: on

# (participant, activity of the milestone, new due in days from today, reason, days ago asked)
RESCHEDULES = [
    (
        "peserta12",
        "Pengujian sampel dan penerbitan hasil uji",
        20,
        "Reagen pengujian dari distributor terlambat datang dua minggu.",
        1,
    ),
]

# Examiners' achievement ratings at the results seminar: participant -> rating of every
# short-term milestone, from each examiner.
RATINGS = {
    "peserta3": ("melampaui", "Hasil uji kini terkirim di hari yang sama."),
    "peserta9": ("kurang", "Layanan keliling baru berjalan di 6 dari 10 kelurahan."),
    "peserta10": ("sesuai", "Rekonsiliasi harian berjalan sesuai rencana."),
    "peserta11": ("kurang", "Laporan kader belum dipakai puskesmas untuk tindakan."),
    "peserta14": ("melampaui", "Verifikasi dipakai juga oleh program di luar rencana."),
    "peserta15": ("sesuai", "Rujukan daring berjalan di 25 puskesmas sesuai rencana."),
    "peserta16": ("sesuai", "Seluruh stok gudang provinsi sudah berkode batang."),
    "peserta17": ("melampaui", "Audit internal juga dipakai Labkesda kota."),
}
EXAMINERS = ["penguji", "penguji2"]

# participant -> indicator name -> [(days ago, value, note)]
MEASUREMENTS = {
    "peserta2": {
        "Kepatuhan wajib pajak": [
            (28, "72.4", "Sebelum uji coba notifikasi"),
            (7, "74.9", "Dua minggu setelah notifikasi berjalan"),
        ],
        "Tunggakan pajak yang tertagih": [
            (7, "6.3", "Tagihan dari wajib pajak penerima notifikasi")
        ],
    },
    "peserta10": {
        "Waktu rekonsiliasi": [
            (180, "3", "SAMSAT Kota Bandung"),
            (60, "1", "Seluruh SAMSAT wilayah Bandung Raya"),
        ]
    },
    "peserta14": {
        "Penerima bantuan dengan data tidak valid": [(300, "2.5", ""), (90, "0.4", "")],
    },
}


def _demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF made by hand (no PDF library is needed to seed)."""
    text = re.sub(r"[()\\]", "", title)
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


class Seeder:
    """Creates the demo rows that are missing; never touches rows that exist."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.people = {user.username: user for user in User.objects.all()}
        self.created = 0

    def day(self, offset: int) -> datetime.date:
        return self.today + datetime.timedelta(days=offset)

    def moment(self, days_ago: int) -> datetime.datetime:
        return self.now - datetime.timedelta(days=days_ago, hours=3)

    def run(self) -> int:
        projects = {
            project.participant.username: project
            for project in ChangeProject.objects.select_related("participant", "mentor", "coach")
        }
        with transaction.atomic():
            for username, plan in PLANS.items():
                if username in projects:
                    for position, row in enumerate(plan, start=1):
                        self.milestone(projects[username], position, *row)
            for username, activity, due, reason, days_ago in RESCHEDULES:
                if username in projects:
                    self.reschedule(projects[username], activity, due, reason, days_ago)
            for username, (rating, note) in RATINGS.items():
                if username in projects:
                    self.ratings(projects[username], rating, note)
            for username, indicators in MEASUREMENTS.items():
                if username in projects:
                    self.measurements(projects[username], indicators)
        return self.created

    def milestone(
        self,
        project,
        order,
        term,
        activity,
        implementer,
        start,
        due,
        output,
        state,
        quiet,
        values=(),
    ):
        created_days_ago = max(-start, 0) + 14
        milestone, created = Milestone.objects.get_or_create(
            project=project,
            activity=activity,
            defaults={
                "term": term,
                "implementer": implementer,
                "start_date": self.day(start),
                "due_date": self.day(due),
                "expected_output": output,
                "order": order,
                "core_values": list(values),
                # Demo milestones start where the story needs them; real ones move by steps.
                "state": state,
                "created_at": self.moment(created_days_ago),
            },
        )
        if not created:
            return
        self.created += 1
        participant, mentor = project.participant, project.mentor or project.participant
        steps = []
        if state in (IN_PROGRESS, SUBMITTED, ACCEPTED):
            started = quiet if state == IN_PROGRESS else max(-start, quiet + 2)
            steps.append(("start", PLANNED, IN_PROGRESS, participant, Role.PARTICIPANT, started))
        if state in (SUBMITTED, ACCEPTED):
            submitted = quiet if state == SUBMITTED else quiet + 1
            steps.append(
                ("submit", IN_PROGRESS, SUBMITTED, participant, Role.PARTICIPANT, submitted)
            )
            self.evidence(milestone, output, submitted)
        if state == ACCEPTED:
            steps.append(("accept", SUBMITTED, ACCEPTED, mentor, Role.MENTOR, quiet))
        if state == IN_PROGRESS and quiet < 7:
            # Recent work shows as recent evidence; the stuck milestone has none.
            self.evidence(milestone, output, quiet)
        for action, source, target, actor, role, days_ago in steps:
            log = MilestoneLog.objects.create(
                project=project,
                milestone=milestone,
                actor=actor,
                role=role,
                action=action,
                from_state=source,
                to_state=target,
                created_at=self.moment(days_ago),
            )
            # The notices this step gave (to the reviewers, or back to the participant).
            told = workflow.declaration(Milestone, action).notify
            past_notices(
                [p for p in people_in_roles(project, told) if p.pk != actor.pk],
                template="milestone",
                context={"log": log, "milestone": milestone, "project": project},
                at=log.created_at,
                project=project,
                url=milestone.get_absolute_url(),
            )
        summary.refresh(project.pk)  # the plan, and what its steps and evidence left

    def evidence(self, milestone, output, days_ago) -> None:
        uploaded_at = self.moment(days_ago)
        participant = milestone.project.participant
        Evidence.objects.create(
            milestone=milestone,
            kind=Evidence.Kind.LINK,
            caption=f"Dokumentasi: {output}",
            url=f"https://dokumen.example.go.id/jejak-demo/{_slug(milestone.activity)}",
            uploaded_by=participant,
            uploaded_at=uploaded_at,
        )
        if milestone.state == ACCEPTED and milestone.order == 1:
            content = _demo_pdf(output)
            name = f"{_slug(output)[:40]}.pdf"
            evidence = Evidence(
                milestone=milestone,
                kind=Evidence.Kind.FILE,
                caption=output,
                original_name=name,
                content_type="application/pdf",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                uploaded_by=participant,
                uploaded_at=uploaded_at,
            )
            evidence.file.save(name, ContentFile(content), save=True)

    def reschedule(self, project, activity, due, reason, days_ago) -> None:
        milestone = project.milestones.filter(activity=activity).first()
        if milestone is None or milestone.change_requests.exists():
            return
        change = ChangeRequest.objects.create(
            project=project,
            kind=ChangeRequest.Kind.RESCHEDULE,
            milestone=milestone,
            reason=reason,
            old_due_date=milestone.due_date,
            new_due_date=self.day(due),
            requested_by=project.participant,
            requested_at=self.moment(days_ago),
        )
        MilestoneLog.objects.create(
            project=project,
            milestone=milestone,
            change_request=change,
            actor=project.participant,
            role=Role.PARTICIPANT,
            action=MilestoneLog.Action.REQUEST_CHANGE,
            to_state=change.state,
            comment=reason,
            created_at=change.requested_at,
        )
        summary.refresh(project.pk)
        self.created += 1

    def ratings(self, project, rating, note) -> None:
        seminar = project.seminars.filter(kind="results").first()
        for milestone in project.milestones.filter(term=SHORT):
            for username in EXAMINERS:
                examiner = self.people.get(username)
                if examiner is None:
                    continue
                _row, created = MilestoneRating.objects.get_or_create(
                    milestone=milestone,
                    examiner=examiner,
                    defaults={"rating": rating, "note": note, "seminar": seminar},
                )
                self.created += created

    def measurements(self, project, indicators) -> None:
        for indicator in project.indicators.filter(name__in=indicators):
            if indicator.measurements.exists():
                continue
            for days_ago, value, note in indicators[indicator.name]:
                IndicatorMeasurement.objects.create(
                    indicator=indicator,
                    value=Decimal(value),
                    measured_on=self.day(-days_ago),
                    note=note,
                    recorded_by=project.participant,
                    recorded_at=self.moment(days_ago),
                )
                self.created += 1


def seed() -> int:
    """Create the demo milestone rows that are missing; returns how many were created."""
    return Seeder().run()
