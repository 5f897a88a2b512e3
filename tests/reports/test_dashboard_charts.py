"""The dashboards draw their figures as charts, with a text alternative and the numbers beside."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _charts(page: str) -> list[str]:
    """The wide drawing of each chart (a narrow one for phones follows it)."""
    return re.findall(
        r'<div class="chart"><span class="chart__wide">(<svg .*?</svg>)</span>'
        r'<span class="chart__narrow"><svg .*?</svg></span></div>',
        page,
        flags=re.DOTALL,
    )


def test_agency_head_sees_projects_per_status_as_a_chart(client, world):
    client.force_login(world.agency_head)
    page = client.get(reverse("tracker:home")).content.decode()
    [chart] = _charts(page)  # nothing graded yet: no predikat chart
    assert 'role="img" aria-label="Proyek menurut status"' in chart
    assert "<title>Proyek menurut status</title>" in chart
    label = str(world.project.get_state_display())
    assert f">{label}</text>" in chart
    # The same figures stay readable as text beside the chart.
    assert re.search(rf'stat-list__value">1</span> {label}', page)


def test_organiser_sees_each_cohort_as_a_chart(client, world):
    client.force_login(world.organiser)
    page = client.get(reverse("tracker:home")).content.decode()
    charts = _charts(page)
    assert charts
    assert all('role="img"' in chart and "<title>" in chart for chart in charts)


def test_phones_get_the_same_chart_drawn_narrow_with_short_labels(client, world):
    client.force_login(world.agency_head)
    page = client.get(reverse("tracker:home")).content.decode()
    narrow = re.findall(r'<span class="chart__narrow">(<svg .*?</svg>)</span>', page, re.DOTALL)
    assert len(narrow) == 1
    assert 'viewBox="0 0 70.00' in narrow[0]
    assert "<title>Proyek menurut status</title>" in narrow[0]


def test_charts_carry_no_script_or_style(client, world):
    client.force_login(world.agency_head)
    page = client.get(reverse("tracker:home")).content.decode()
    for chart in _charts(page):
        assert "<script" not in chart and "style=" not in chart


def test_participants_get_no_agency_chart(client, world):
    client.force_login(world.participant)
    assert not _charts(client.get(reverse("tracker:home")).content.decode())
