"""Validators for Indonesian civil-service identifiers."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIP_LENGTH = 18


def validate_nip(value: str) -> None:
    """A NIP is 18 digits: birth date (YYYYMMDD), appointment (YYYYMM), gender (1/2), sequence."""
    if len(value) != NIP_LENGTH or not value.isdigit():
        raise ValidationError(_("NIP harus terdiri dari 18 angka."), code="nip_format")
    try:
        birth = datetime.date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise ValidationError(
            _("Delapan angka pertama NIP harus tanggal lahir yang valid (TTTTBBHH)."),
            code="nip_birth_date",
        ) from None
    appointed_year, appointed_month = int(value[8:12]), int(value[12:14])
    if not 1 <= appointed_month <= 12 or appointed_year < birth.year:
        raise ValidationError(
            _("Angka ke-9 sampai ke-14 NIP harus tahun dan bulan pengangkatan (TTTTBB)."),
            code="nip_appointment",
        )
    if value[14] not in "12":
        raise ValidationError(
            _("Angka ke-15 NIP adalah kode jenis kelamin dan harus 1 atau 2."), code="nip_gender"
        )
