"""The agency head's and the organiser's dashboards show the post-training figures as charts
with their numbers beside them; projects whose rounds are overdue show as stuck."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from tests.factories import ChangeProjectFactory, UserFactory
from tests.html import element
from tests.mentoring.impact import answer, in_monitoring

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
IN_ROUND = datetime.datetime(2026, 7, 20, 9, 0, tzinfo=JAKARTA)


@pytest.fixture
def answered(world):
    with time_machine.travel(IN_ROUND, tick=False):
        first, _final = in_monitoring(world.project)
        answer(first, world.participant, progress=5, sustainability="stalled", barriers=["funds"])
        answer(first, world.mentor, progress=4, barriers=["funds", "leadership"])
    return first


def _home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("tracker:home")).content.decode()


@time_machine.travel(IN_ROUND, tick=False)
def test_agency_head_sees_the_post_training_figures(client, world, answered):
    html = _home(client, world.agency_head)
    assert "Setelah pelatihan" in element(html, "agency-impact-heading").text
    assert "100,0%" in html  # response rate: both answered
    assert "Keterbatasan anggaran" in html
    assert "66,7%" in html  # funds: 2 of 3 mentions
    assert "Tersendat" in html
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert 'role="img"' in html


@time_machine.travel(IN_ROUND, tick=False)
def test_agency_head_of_another_agency_sees_none_of_it(client, world, answered):
    from tests.factories import AgencyHeadFactory

    head = UserFactory(username="kepala_lain")
    AgencyHeadFactory(user=head, agency=world.other_agency)
    html = _home(client, head)
    assert "Keterbatasan anggaran" not in html


@time_machine.travel(IN_ROUND, tick=False)
def test_organiser_sees_the_figures_per_cohort(client, world, answered):
    html = _home(client, world.organiser)
    assert "Setelah pelatihan" in html
    assert "Kurangnya dukungan pimpinan" in html


def test_a_project_with_an_overdue_round_shows_as_stuck(client, world):
    in_monitoring(world.project)
    with time_machine.travel(datetime.datetime(2026, 8, 20, 9, 0, tzinfo=JAKARTA), tick=False):
        html = _home(client, world.organiser)
    assert "proyek tertahan di pemantauan" in html


def test_without_projects_past_training_the_panel_says_so(client, world):
    ChangeProjectFactory(participant=UserFactory(), cohort=world.cohort, agency=world.dinas)
    html = _home(client, world.agency_head)
    assert "Belum ada proyek yang melewati masa pelatihan." in html


@time_machine.travel(IN_ROUND, tick=False)
def test_impact_charts_are_drawn_at_the_screen_sizes_wide_and_narrow(client, world, answered):
    import re

    html = _home(client, world.agency_head)
    panel = html[html.index('aria-labelledby="agency-impact-heading"') :]
    figures = re.findall(
        r'<figure class="chart impact-chart">\s*<span class="chart__wide">(<svg .*?</svg>)</span>'
        r'<span class="chart__narrow">(<svg .*?</svg>)</span>',
        panel,
        re.DOTALL,
    )
    assert len(figures) == 3  # means, sustainability, barriers
    for wide, narrow in figures:
        # 120 units across 36rem keeps the 3.2-unit text at about 15 px (the print's 160 gave 8).
        assert 'viewBox="0 0 120.00' in wide and 'viewBox="0 0 70.00' in narrow
        assert re.search(r"<title>[^<]+</title>", wide) and re.search(
            r"<title>[^<]+</title>", narrow
        )
    # On a phone the long barrier names are shortened; the table beside keeps them whole.
    assert "Kurangnya dukungan pimpinan</text>" in figures[2][0]
    assert "Kurangnya dukungan pimpinan</text>" not in figures[2][1]
    assert '<th scope="row">Kurangnya dukungan pimpinan</th>' in panel
