"""A person's seminar calendar: the page, the .ics download and the secret, revocable feed."""

from __future__ import annotations

import datetime
import re
import zoneinfo

import pytest
from django.urls import reverse

from mentoring.calendar import _fold, calendar_text
from mentoring.models import CalendarFeed
from mentoring.selectors import calendar_seminars
from tests.factories import SeminarFactory
from tracker.models import Seminar, token_digest

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")


@pytest.fixture
def seminar(world) -> Seminar:
    seminar = Seminar.objects.get(projects=world.project, kind=Seminar.Kind.PROPOSAL)
    Seminar.objects.filter(pk=seminar.pk).update(
        starts_at=datetime.datetime(2026, 10, 20, 9, 0, tzinfo=JAKARTA),
        place="Aula BPSDM; Gedung B, lantai 2",
    )
    seminar.refresh_from_db()
    return seminar


def _unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


@pytest.mark.parametrize("persona", ["participant", "coach", "mentor", "examiner", "organiser"])
def test_everyone_of_the_seminar_has_it_on_their_calendar(world, seminar, persona):
    assert seminar in calendar_seminars(world.persona(persona))


@pytest.mark.parametrize("persona", ["other_participant", "stranger", "agency_head"])
def test_others_do_not(world, seminar, persona):
    assert seminar not in calendar_seminars(world.persona(persona))


def test_ics_carries_when_where_and_what(client, world, seminar):
    client.force_login(world.participant)

    response = client.get(reverse("mentoring:calendar-ics"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert 'filename="seminar-jejak.ics"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    lines = _unfolded(text)
    assert f"UID:seminar-{seminar.pk}@jejak" in lines
    assert "DTSTART:20261020T020000Z" in lines  # 09.00 WIB
    assert "DTEND:20261020T060000Z" in lines
    assert "LOCATION:Aula BPSDM\\; Gedung B\\, lantai 2" in lines
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    assert summary.startswith("SUMMARY:Seminar rancangan · ")
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert world.project.title.replace(",", "\\,") in description
    assert lines[-2:] == ["END:VCALENDAR", ""]


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "DESCRIPTION:" + "Pelaksanaan seminar “rancangan” " * 10

    folded = _fold(line)

    assert all(len(part.encode()) <= 75 for part in folded)
    assert "".join(part.removeprefix(" ") for part in folded) == line


def test_a_calendar_without_seminars_is_still_valid(world):
    text = calendar_text([], name="Kosong")

    assert text == (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Jejak//Seminar//ID\r\nCALSCALE:GREGORIAN\r\n"
        "METHOD:PUBLISH\r\nX-WR-CALNAME:Kosong\r\nX-WR-TIMEZONE:Asia/Jakarta\r\nEND:VCALENDAR\r\n"
    )


def _feed_url(page: str) -> str:
    """The feed URL the page shows (once, right after it was made)."""
    match = re.search(r'id="feed-url"[^>]*value="[^"]*?(/kalender/langganan/[^"]+\.ics)"', page)
    assert match, "the page shows no feed URL"
    return match.group(1)


def test_feed_is_made_read_without_login_and_revoked(client, world, seminar):
    client.force_login(world.mentor)
    made = client.post(reverse("mentoring:calendar-feed-create"))
    assert made.status_code == 200
    assert "no-store" in made["Cache-Control"]
    url = _feed_url(made.content.decode())
    client.logout()

    read = client.get(url)
    assert read.status_code == 200
    assert f"UID:seminar-{seminar.pk}@jejak" in read.content.decode()
    feed = CalendarFeed.objects.get(user=world.mentor)
    assert feed.last_read_at is not None

    client.force_login(world.mentor)
    client.post(reverse("mentoring:calendar-feed-revoke"))
    client.logout()
    assert client.get(url).status_code == 404
    assert not CalendarFeed.objects.exists()


def test_only_the_digest_is_stored_and_the_url_is_shown_once(client, world, seminar):
    client.force_login(world.participant)
    url = _feed_url(client.post(reverse("mentoring:calendar-feed-create")).content.decode())
    token = url.rsplit("/", 1)[1].removesuffix(".ics")

    feed = CalendarFeed.objects.get(user=world.participant)
    assert len(token) >= 40
    assert feed.digest == token_digest(token)
    assert token not in str(CalendarFeed.objects.filter(pk=feed.pk).values().get())
    later = client.get(reverse("mentoring:calendar")).content.decode()
    assert token not in later
    assert "Tautan langganan Anda aktif sejak" in later
    assert "Ganti tautan" in later and "Cabut tautan" in later


def test_a_new_feed_url_ends_the_old_one(client, world, seminar):
    client.force_login(world.coach)
    old = _feed_url(client.post(reverse("mentoring:calendar-feed-create")).content.decode())
    new = _feed_url(client.post(reverse("mentoring:calendar-feed-create")).content.decode())

    assert new != old
    assert CalendarFeed.objects.filter(user=world.coach).count() == 1
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200


def test_an_unknown_token_or_the_digest_itself_opens_nothing(client, world, seminar):
    feed = CalendarFeed.objects.create(user=world.coach, digest=token_digest("k" * 43))

    assert client.get(reverse("mentoring:calendar-feed", args=["j" * 43])).status_code == 404
    assert client.get(reverse("mentoring:calendar-feed", args=[feed.digest])).status_code == 404
    assert client.get(reverse("mentoring:calendar-feed", args=["k" * 43])).status_code == 200


def test_feed_of_a_deactivated_account_answers_nothing(client, world, seminar):
    CalendarFeed.objects.create(user=world.examiner, digest=token_digest("x" * 43))
    world.examiner.is_active = False
    world.examiner.save(update_fields=["is_active"])

    assert client.get(reverse("mentoring:calendar-feed", args=["x" * 43])).status_code == 404


def test_feed_shows_only_the_holders_seminars(client, world, seminar):
    elsewhere = SeminarFactory(kind=Seminar.Kind.RESULTS)
    CalendarFeed.objects.create(user=world.participant, digest=token_digest("p" * 43))

    text = client.get(reverse("mentoring:calendar-feed", args=["p" * 43])).content.decode()

    assert f"UID:seminar-{seminar.pk}@jejak" in text
    assert f"UID:seminar-{elsewhere.pk}@jejak" not in text
