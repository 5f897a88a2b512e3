"""The suite's own guard: ids of different tables never coincide, so a swapped id fails."""

from __future__ import annotations


def test_ids_of_different_tables_differ(world):
    ids = [world.project.pk, world.cohort.pk, world.participant.pk, world.dinas.pk]
    ids.append(world.project.seminars.first().pk)
    assert len(set(ids)) == len(ids)
