"""The project list's filters and sorting, shared by the page and its CSV and XLSX downloads."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

import django_filters
from django import forms
from django.db import connection
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mentoring.models import GradeBand
from milestones.selectors import ProjectFlags, project_overdue, projects_with_flags
from reports.paging import SeekKey
from tracker import sqlite_search
from tracker.models import Agency, ChangeProject, Cohort, Programme, User, subtree_sql
from tracker.selectors import agency_lineage_ids, agency_subtree_ids, projects_visible_to

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


if TYPE_CHECKING:
    ListedProject = WithAnnotations[ChangeProject, ProjectFlags]

STATE_RANK = Case(
    *(When(state=value, then=Value(rank)) for rank, value in enumerate(ChangeProject.State.values)),
    output_field=IntegerField(),
)

# Sort parameter -> (column label, fields to order by). Every sort ends on the primary key, so a
# page boundary never splits or repeats rows between requests.
SORTS = {
    # The participant's name as copied onto the project (one index on one table).
    "participant": (_("Peserta"), ("participant_name",)),
    "title": (_("Judul"), ("title",)),
    "agency": (_("Instansi"), ("agency__name",)),
    "cohort": (_("Angkatan"), ("cohort__year", "cohort__programme", "cohort__number")),
    "state": (_("Status"), (STATE_RANK,)),
    "progress": (_("Progres"), ("progress",)),
    # The public parameter stays `grade`; the column is the stored predikat.
    "grade": (_("Predikat"), ("predikat",)),
    "updated": (_("Diperbarui"), ("updated_at",)),
}
DEFAULT_SORT = "participant"

# The list's columns beyond the essential ones (participant, title, status, progress, predikat),
# shown when the address names them (`?cols=agency&cols=cohort`): the essential ones fit 1280 px.
OPTIONAL_COLUMNS = {
    "agency": _("Instansi"),
    "cohort": _("Angkatan"),
    "people": _("Coach dan mentor"),
    "updated": _("Diperbarui"),
}


def chosen_columns(values: list[str]) -> list[str]:
    """The optional columns the address names, in the table's order; unknown names are ignored."""
    return [name for name in OPTIONAL_COLUMNS if name in values]


# How each column reads in either direction: "A–Z" for names, "terbaru" for dates, and so on.
ALPHABETICAL = (_("A–Z"), _("Z–A"))
BY_AGE = (_("terlama"), _("terbaru"))
BY_SIZE = (_("terendah"), _("tertinggi"))
SORT_DIRECTIONS = {
    "participant": ALPHABETICAL,
    "title": ALPHABETICAL,
    "agency": ALPHABETICAL,
    "cohort": BY_AGE,
    "state": (_("awal alur"), _("akhir alur")),
    "progress": BY_SIZE,
    "grade": ALPHABETICAL,
    "updated": BY_AGE,
}


def sort_direction(sort: str) -> str | Promise:
    """The words for the way a sort parameter orders its column ("Z–A" for "-title")."""
    ascending, descending = SORT_DIRECTIONS[sort.lstrip("-")]
    return descending if sort.startswith("-") else ascending


def _sort_choices() -> list[tuple[str, str | Promise]]:
    # Lazy labels: formatted when the form is drawn, in the language of that request.
    choices: list[tuple[str, str | Promise]] = []
    for param, (label, _fields) in SORTS.items():
        for sort in (param, f"-{param}"):
            choices.append((sort, format_lazy("{}, {}", label, sort_direction(sort))))
    return choices


def seek_keys(sort: str) -> list[SeekKey]:
    """The columns a sort parameter orders by, each with its direction (the key comes after)."""
    descending = sort.startswith("-")
    _label, fields = SORTS[sort.lstrip("-")]
    return [SeekKey(F(f) if isinstance(f, str) else f, descending=descending) for f in fields]


def sort_index(sort: str) -> bool:
    """Whether an index holds every project in the order a sort parameter names (its columns,
    then the key): the pages of a long list can then be looked for along it."""
    _label, fields = SORTS[sort.lstrip("-")]
    return any(
        list(index.fields) == [*fields, "id"] and index.condition is None
        for index in ChangeProject._meta.indexes
    )


def order_by_sort(projects: QuerySet[ChangeProject], sort: str) -> QuerySet[ChangeProject]:
    """The projects in the order a sort parameter names (ascending, or descending with '-')."""
    # No sorted column holds NULL (an ungraded project's predikat is ""), so no NULLS LAST:
    # with it PostgreSQL could not read a (column, id) index backwards for a descending sort.
    ordered = [
        key.expression.desc() if key.descending else key.expression.asc() for key in seek_keys(sort)
    ]
    return projects.order_by(*ordered, "-pk" if sort.startswith("-") else "pk")


# What a listed project's row shows of other tables.
LISTED_WITH = ("participant", "cohort", "agency", "coach", "mentor")

FLAG_CHOICES = [("ya", _("Ya")), ("tidak", _("Tidak"))]
# Filters whose choices can run into the thousands: a searchable picker, never a <select>.
PICKED = ("cohort", "agency", "coach", "mentor")
CHOICES_SHOWN = 10
# The picker's search field for filter `name` is `name + CHOICE_SEARCH`.
CHOICE_SEARCH = "_q"


class ProjectFilter(django_filters.FilterSet):
    """Filters over the projects a person may see; each choice list holds only what they see."""

    q = django_filters.CharFilter(
        label=_("Cari judul, nama peserta atau NIP"),
        method="search",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    cohort = django_filters.ModelChoiceFilter(
        label=_("Angkatan"),
        queryset=Cohort.objects.none(),
        empty_label=_("Semua angkatan"),
        widget=forms.HiddenInput,
    )
    programme = django_filters.ChoiceFilter(
        label=_("Program"),
        field_name="cohort__programme",
        choices=Programme.choices,
        empty_label=_("Semua program"),
    )
    agency = django_filters.ModelChoiceFilter(
        label=_("Instansi (termasuk unit di bawahnya)"),
        queryset=Agency.objects.none(),
        method="in_agency",
        empty_label=_("Semua instansi"),
        widget=forms.HiddenInput,
    )
    state = django_filters.ChoiceFilter(
        label=_("Status"), choices=ChangeProject.State.choices, empty_label=_("Semua status")
    )
    coach = django_filters.ModelChoiceFilter(
        label=_("Coach"),
        queryset=User.objects.none(),
        empty_label=_("Semua coach"),
        null_label=_("Belum ditetapkan"),
        widget=forms.HiddenInput,
    )
    mentor = django_filters.ModelChoiceFilter(
        label=_("Mentor"),
        queryset=User.objects.none(),
        empty_label=_("Semua mentor"),
        null_label=_("Belum ditetapkan"),
        widget=forms.HiddenInput,
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Ada tonggak terlambat"),
        choices=FLAG_CHOICES,
        method="in_arrears",
        empty_label=_("Semua"),
    )
    stuck = django_filters.ChoiceFilter(
        label=_("Ada tonggak tersendat"),
        choices=FLAG_CHOICES,
        field_name="milestones_stuck",
        method="flagged",
        empty_label=_("Semua"),
    )
    grade = django_filters.ChoiceFilter(
        label=_("Predikat"), field_name="predikat", choices=[], empty_label=_("Semua predikat")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Urutkan menurut"), choices=_sort_choices(), method="apply_sort", empty_label=None
    )

    class Meta:
        model = ChangeProject
        fields: list[str] = []

    def __init__(
        self,
        data=None,
        *,
        visible: QuerySet[ChangeProject],
        every_row: bool = False,
        **kwargs,
    ) -> None:
        """`visible` is the person's projects (`projects_visible_to`), worked out once;
        `every_row` counts the overdue and stuck milestones of every row (downloads), not only
        when a filter needs them (`with_figures` adds them to a page's rows)."""
        rows = annotated(visible) if every_row else visible
        kwargs.setdefault("queryset", order_by_sort(rows, DEFAULT_SORT))
        super().__init__(data, **kwargs)
        self.visible = visible
        self.every_row = every_row
        # A choice that can be one of thousands is checked against the person's scope only when
        # one is sent: the page never lists them (the picker searches them, `choice_options`).
        for name in PICKED:
            if chosen := self.data.get(name):
                self.filters[name].queryset = self.scope_of(name, chosen=chosen)
        # The grade names come from the rubrics' bands (a few rows), not from the grades given:
        # listing those would read every graded project in scope on every page.
        self.filters["grade"].extra["choices"] = lambda: [
            (label, label)
            for label in GradeBand.objects.order_by("label")
            .values_list("label", flat=True)
            .distinct()
        ]

    def scope_of(self, name: str, *, chosen: str | None = None) -> QuerySet:
        """The cohorts, agencies, coaches or mentors of the person's projects, by `name`; with
        `chosen`, a queryset that holds that one if it is among them (to check a choice)."""
        visible = self.visible.order_by()
        if name == "agency" and chosen is not None:
            # One agency is in scope when its subtree holds a visible project: asked directly,
            # rather than walking up from the agencies of every visible project.
            if not chosen.isdigit():
                return Agency.objects.none()
            return Agency.objects.filter(
                Exists(visible.filter(agency_id__in=subtree_sql([int(chosen)])))
            )
        if name == "cohort":
            return Cohort.objects.filter(Exists(visible.filter(cohort=OuterRef("pk")))).order_by(
                "-year", "programme", "number", "pk"
            )
        if name == "agency":
            # An agency with visible projects, or any agency above one: filtering by a province
            # takes in its offices.
            return Agency.objects.filter(
                pk__in=agency_lineage_ids(visible.values_list("agency_id", flat=True).distinct())
            ).order_by("name", "pk")
        return User.objects.filter(Exists(visible.filter(**{name: OuterRef("pk")}))).order_by(
            "full_name", "pk"
        )

    def choice_options(self, name: str, text: str) -> list:
        """At most CHOICES_SHOWN of the choices for the filter `name` that match `text`."""
        words = text.strip()
        if not words:
            return []
        options = self.scope_of(name)
        if name == "cohort":
            programmes = [
                value for value, label in Programme.choices if words.lower() in str(label).lower()
            ]
            match = (
                Q(number__icontains=words)
                | Q(institution__icontains=words)
                | Q(programme__in=programmes)
            )
            if words.isdigit():
                match |= Q(year=int(words))
            options = options.filter(match)
        elif name == "agency":
            options = options.filter(Q(name__icontains=words) | Q(code__iexact=words))
        else:
            options = options.filter(
                Q(full_name__icontains=words) | Q(nip__startswith=words.replace(" ", ""))
            )
        return list(options[:CHOICES_SHOWN])

    def filter_queryset(self, queryset: QuerySet[ChangeProject]) -> QuerySet[ChangeProject]:
        # Stuck is today's count over each milestone's activity, not stored: counting it for
        # every visible project costs as much as there are projects, so only its filter, or a
        # download, pays for it. Progress, predikat and overdue read columns (`tracker.summary`).
        cleaned = self.form.cleaned_data
        if not self.every_row and cleaned.get("stuck"):
            queryset = annotated(queryset)
        return super().filter_queryset(queryset)

    def search(self, projects, _name, value: str):
        words = value.strip()
        nip = words.replace(" ", "")
        if sqlite_search.searchable(connection, words, nip):
            found = RawSQL(
                sqlite_search.MATCHES,
                [
                    sqlite_search.phrase(words),
                    sqlite_search.phrase(words),
                    sqlite_search.phrase(nip),
                ],
            )
            return projects.filter(pk__in=found)
        # One branch per table, joined by UNION: each can use its own index (trigram indexes on
        # PostgreSQL), where an OR across a join could only filter the joined rows one by one.
        people = User.objects.filter(Q(full_name__icontains=words) | Q(nip__contains=nip))
        matches = (
            ChangeProject.objects.filter(title__icontains=words)
            .order_by()
            .values("pk")
            .union(
                ChangeProject.objects.filter(participant__in=people.values("pk"))
                .order_by()
                .values("pk")
            )
        )
        return projects.filter(pk__in=matches)

    def in_agency(self, projects, _name, agency: Agency):
        return projects.filter(agency_id__in=agency_subtree_ids([agency.pk]))

    def in_arrears(self, projects, _name, value: str):
        overdue = project_overdue(timezone.localdate())
        return projects.filter(overdue if value == "ya" else ~overdue)

    def flagged(self, projects, name: str, value: str):
        if value == "ya":
            return projects.filter(**{f"{name}__gt": 0})
        return projects.filter(**{name: 0})

    def apply_sort(self, projects, _name, value: str):
        return order_by_sort(projects, value)

    @property
    def qs(self) -> QuerySet[ListedProject]:
        """Visible, then filtered and sorted, then the people, cohort and agency joined."""
        return super().qs.select_related(*LISTED_WITH)

    @property
    def sort_value(self) -> str:
        """The sort in force: the requested one when valid, else the default."""
        cleaned = getattr(self.form, "cleaned_data", {})
        return cleaned.get("sort") or DEFAULT_SORT


def annotated(
    projects: QuerySet[ChangeProject], *, now: datetime.datetime | None = None
) -> QuerySet[ListedProject]:
    """The counted columns the list filters on: its overdue and stuck milestones."""
    return projects_with_flags(projects, now=now)


FIGURES = ("milestones_overdue", "milestones_stuck")


def with_figures(
    rows: list[ChangeProject], *, now: datetime.datetime | None = None
) -> list[ChangeProject]:
    """The rows with their overdue and stuck milestones, counted for these rows only (one
    query; none when the list's query already counted them)."""
    missing = {row.pk: row for row in rows if "milestones_overdue" not in row.__dict__}
    if missing:
        counted = (
            annotated(ChangeProject.objects.filter(pk__in=list(missing)), now=now)
            .order_by()
            .values("pk", *FIGURES)
        )
        for figures in counted:
            row = missing[figures.pop("pk")]
            row.__dict__.update(figures)
    return rows


def filtered_projects(user: User, data, *, every_row: bool = False) -> ProjectFilter:
    """The user's visible projects under the filters in `data`, sorted; check `is_valid()`."""
    return ProjectFilter(data, visible=projects_visible_to(user), every_row=every_row)
