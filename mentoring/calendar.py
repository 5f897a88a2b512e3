"""A person's seminars as an iCalendar file (RFC 5545): the `.ics` download and the feed.

Written by hand: a handful of properties, escaped and folded as the RFC asks, needs no library.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.models import Seminar

# Seminars have a start time only; calendars want an end. Half a day is what cohorts book.
SEMINAR_HOURS = 4
PRODUCT = "-//Jejak//Seminar//ID"


def _escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> list[str]:
    """A content line cut into lines of at most 75 octets, each continuation led by a space."""
    folded: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        limit = 75 if not folded else 74
        if len(current) + len(encoded) > limit:
            folded.append(current.decode())
            current = b""
        current += encoded
    folded.append(current.decode())
    return [folded[0], *(" " + part for part in folded[1:])]


def _utc(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")


def seminar_event(seminar: Seminar) -> list[str]:
    """The VEVENT lines of one seminar: when, where, what and the projects on it."""
    projects = [f"{project.title} ({project.participant})" for project in seminar.projects.all()]
    examiners = [str(person) for person in seminar.examiners.all()]
    description = [
        str(seminar.cohort),
        _("Penguji: %(names)s") % {"names": ", ".join(examiners) or "—"},
        _("Proyek:"),
        *(f"- {line}" for line in projects),
    ]
    if seminar.online_link:
        description.append(_("Tautan daring: %(url)s") % {"url": seminar.online_link})
    url = settings.SITE_URL + reverse("mentoring:seminar-detail", args=[seminar.pk])
    lines = [
        "BEGIN:VEVENT",
        f"UID:seminar-{seminar.pk}@jejak",
        f"DTSTAMP:{_utc(timezone.now())}",
        f"DTSTART:{_utc(seminar.starts_at)}",
        f"DTEND:{_utc(seminar.starts_at + datetime.timedelta(hours=SEMINAR_HOURS))}",
        f"SUMMARY:{_escape(f'{seminar.get_kind_display()} · {seminar.cohort}')}",
        f"DESCRIPTION:{_escape(chr(10).join(description))}",
        f"URL:{url}",
    ]
    if seminar.place or seminar.online_link:
        lines.append(f"LOCATION:{_escape(seminar.place or seminar.online_link)}")
    lines.append("END:VEVENT")
    return lines


def calendar_text(seminars: Iterable[Seminar], *, name: str) -> str:
    """The iCalendar text of these seminars, with CRLF line ends."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
        f"X-WR-TIMEZONE:{settings.TIME_ZONE}",
    ]
    for seminar in seminars:
        lines += seminar_event(seminar)
    lines.append("END:VCALENDAR")
    return "".join(f"{part}\r\n" for line in lines for part in _fold(line))
