from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from tracker.models import User
from tracker.validators import validate_nip


@pytest.mark.parametrize("nip", ["198803152012121001", "199111202016022001", "197306111998031004"])
def test_valid_nip_is_accepted(nip):
    user = User(username=f"u{nip}", full_name="Pegawai Uji", nip=nip)
    try:
        user.clean_fields(exclude=["password"])
        errors = {}
    except ValidationError as invalid:
        errors = invalid.message_dict
    assert "nip" not in errors


@pytest.mark.parametrize(
    ("nip", "code"),
    [
        ("19880315201212100", "nip_format"),  # 17 digits
        ("1988031520121210011", "nip_format"),  # 19 digits
        ("19880315201212100A", "nip_format"),
        ("1988 03152012121001", "nip_format"),
        ("198813152012121001", "nip_birth_date"),  # month 13
        ("198802302012121001", "nip_birth_date"),  # 30 February
        ("198803152012131001", "nip_appointment"),  # appointment month 13
        ("198803151980121001", "nip_appointment"),  # appointed before birth
        ("198803152012123001", "nip_gender"),
    ],
)
def test_malformed_nip_is_refused_with_its_reason(nip, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_nip(nip)
    assert excinfo.value.code == code


def test_nip_message_is_indonesian_by_default():
    with pytest.raises(ValidationError) as excinfo:
        validate_nip("123")
    assert "18 angka" in excinfo.value.messages[0]


@given(st.text(max_size=30))
def test_anything_not_eighteen_digits_is_refused(text):
    if len(text) == 18 and text.isdigit():
        return
    with pytest.raises(ValidationError):
        validate_nip(text)
