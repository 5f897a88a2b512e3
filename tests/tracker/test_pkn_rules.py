"""PKN Tingkat I and II: the seeded rules and rubrics differ only where a source says they do,
and where none does the data says PKN I follows PKN II."""

from __future__ import annotations

from mentoring.models import Rubric
from tracker.models import Programme, ProgrammeRules

NUMBERS = [
    "regulation",
    "implementation_days",
    "uses_medium_term",
    "uses_long_term",
    "deferral_days",
    "resubmissions_allowed",
    "lapse_outcome",
    "due_soon_days",
    "escalation_days",
]


def _rules(programme) -> ProgrammeRules:
    return ProgrammeRules.objects.get(programme=programme, is_default=True)


def _rubric(programme, kind) -> Rubric:
    return Rubric.objects.get(programme=programme, kind=kind, is_default=True, institution="")


def _criteria(rubric) -> list[tuple[str, str]]:
    return [(c.name, str(c.weight)) for c in rubric.criteria.all()]


def test_pkn1_rules_say_they_follow_pkn2(db):
    pkn1, pkn2 = _rules(Programme.PKN_I), _rules(Programme.PKN_II)
    assert pkn1.same_as == Programme.PKN_II
    assert pkn1.basis_note.startswith(
        "Sama dengan PKN Tingkat II menurut Peraturan LAN 5/2022 jo. 6/2022"
    )
    assert [getattr(pkn1, name) for name in NUMBERS] == [getattr(pkn2, name) for name in NUMBERS]
    assert pkn2.same_as == ""
    assert "60 hari" in pkn2.basis_note


def test_latsar_rules_differ_and_say_why(db):
    latsar = _rules(Programme.LATSAR)
    assert (latsar.implementation_days, latsar.uses_medium_term, latsar.uses_long_term) == (
        30,
        False,
        False,
    )
    assert latsar.same_as == ""
    assert "30 hari" in latsar.basis_note


def test_pkn1_rubrics_say_they_follow_pkn2(db):
    for kind in ("proposal", "results"):
        pkn1, pkn2 = _rubric(Programme.PKN_I, kind), _rubric(Programme.PKN_II, kind)
        assert pkn1.same_as == Programme.PKN_II
        assert "Sama dengan PKN Tingkat II" in pkn1.basis_note
        assert _criteria(pkn1) == _criteria(pkn2)
        assert (pkn1.decision_rule, pkn1.accept_min_score, pkn1.revision_min_score) == (
            pkn2.decision_rule,
            pkn2.accept_min_score,
            pkn2.revision_min_score,
        )


def test_each_programme_has_a_default_proposal_rubric_of_five_aspects(db):
    for programme in Programme.values:
        rubric = _rubric(programme, "proposal")
        assert len(_criteria(rubric)) == 5
        assert sum(c.weight for c in rubric.criteria.all()) == rubric.weight_total
        assert rubric.decision_rule == "mean_score"
    names = [name for name, _weight in _criteria(_rubric(Programme.PKA, "proposal"))]
    assert names[0] == "Kesesuaian dengan kebutuhan organisasi yang adaptif"
    latsar = [name for name, _weight in _criteria(_rubric(Programme.LATSAR, "proposal"))]
    assert "Penerapan nilai dasar BerAKHLAK yang direncanakan" in latsar
    assert "Rencana pengembangan kompetensi" not in latsar
