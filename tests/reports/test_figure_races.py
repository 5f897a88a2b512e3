"""Races on PostgreSQL: readers storing the figures of units under one province at once each
move the province's sums by their own change, and none is lost."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from reports import figures
from tests.factories import AgencyFactory, ChangeProjectFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL's concurrent writers; SQLite serialises all writes",
    ),
]


def _at_once(readers) -> list[figures.Kept]:
    barrier = threading.Barrier(len(readers))
    kept: list[figures.Kept] = []

    def run(read):
        try:
            barrier.wait()
            kept.append(read())
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(read,)) for read in readers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return kept


def test_readers_storing_sibling_units_at_once_lose_no_move_of_the_sums_above(world):
    figures.refresh(None, fresh=True)
    units = [AgencyFactory(parent=world.dinas) for _ in range(6)]
    province = [world.province.pk, world.dinas.pk, *(unit.pk for unit in units)]
    for round_number in range(3):
        for number, unit in enumerate(units):
            for _ in range(number + 1):
                ChangeProjectFactory(cohort=world.cohort, agency=unit)
        # Each unit's head, and twice the whole province's, read (and store) at once.
        readers = [lambda unit=unit: figures.refresh([unit.pk]) for unit in units]
        readers += [lambda: figures.refresh(province)] * 2
        assert len(_at_once(readers)) == len(readers)
        # A reader whose write failed (a unit stored by another at that moment) left its marks
        # for the next: whatever was stored, the sums equal the stored counts added up.
        assert figures.drifted_sums() == {}, round_number
    kept = figures.refresh(province)
    expected = 1 + sum(3 * (number + 1) for number in range(len(units)))
    assert kept.together([world.province.pk]).total == expected
    assert figures.drifted_sums() == {}
