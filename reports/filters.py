"""The project list's filters and sorting, shared by the page and its CSV and XLSX downloads."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

import django_filters
from django import forms
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from mentoring.models import SeminarGrade
from mentoring.selectors import latest_grade
from milestones.selectors import MilestoneCounts, projects_with_progress
from tracker.models import Agency, ChangeProject, Cohort, Programme, User
from tracker.selectors import agency_lineage_ids, agency_subtree_ids, projects_visible_to

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class ListedCounts(MilestoneCounts):
    """What `annotated` adds to the milestone counts: the latest predikat and the progress."""

    grade: str | None
    progress: int


if TYPE_CHECKING:
    ListedProject = WithAnnotations[ChangeProject, ListedCounts]

STATE_RANK = Case(
    *(When(state=value, then=Value(rank)) for rank, value in enumerate(ChangeProject.State.values)),
    output_field=IntegerField(),
)

# Sort parameter -> (column label, fields to order by). Every sort ends on the primary key, so a
# page boundary never splits or repeats rows between requests.
SORTS = {
    "participant": (_("Peserta"), ("participant__full_name",)),
    "title": (_("Judul"), ("title",)),
    "agency": (_("Instansi"), ("agency__name",)),
    "cohort": (_("Angkatan"), ("cohort__year", "cohort__programme", "cohort__number")),
    "state": (_("Status"), (STATE_RANK,)),
    "progress": (_("Progres"), ("progress",)),
    "grade": (_("Predikat"), ("grade",)),
    "updated": (_("Diperbarui"), ("updated_at",)),
}
DEFAULT_SORT = "participant"


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


def order_by_sort(projects: QuerySet[ChangeProject], sort: str) -> QuerySet[ChangeProject]:
    """The projects in the order a sort parameter names (ascending, or descending with '-')."""
    descending = sort.startswith("-")
    _label, fields = SORTS[sort.lstrip("-")]
    expressions = [F(f) if isinstance(f, str) else f for f in fields]
    ordered = [
        e.desc(nulls_last=True) if descending else e.asc(nulls_last=True) for e in expressions
    ]
    return projects.order_by(*ordered, "-pk" if descending else "pk")


FLAG_CHOICES = [("ya", _("Ya")), ("tidak", _("Tidak"))]


class ProjectFilter(django_filters.FilterSet):
    """Filters over the projects a person may see; each choice list holds only what they see."""

    q = django_filters.CharFilter(
        label=_("Cari judul, nama peserta atau NIP"),
        method="search",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    cohort = django_filters.ModelChoiceFilter(
        label=_("Angkatan"), queryset=Cohort.objects.none(), empty_label=_("Semua angkatan")
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
    )
    state = django_filters.ChoiceFilter(
        label=_("Status"), choices=ChangeProject.State.choices, empty_label=_("Semua status")
    )
    coach = django_filters.ModelChoiceFilter(
        label=_("Coach"),
        queryset=User.objects.none(),
        empty_label=_("Semua coach"),
        null_label=_("Belum ditetapkan"),
    )
    mentor = django_filters.ModelChoiceFilter(
        label=_("Mentor"),
        queryset=User.objects.none(),
        empty_label=_("Semua mentor"),
        null_label=_("Belum ditetapkan"),
    )
    overdue = django_filters.ChoiceFilter(
        label=_("Ada tonggak terlambat"),
        choices=FLAG_CHOICES,
        field_name="milestones_overdue",
        method="flagged",
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
        label=_("Predikat"), choices=[], empty_label=_("Semua predikat")
    )
    sort = django_filters.ChoiceFilter(
        label=_("Urutkan menurut"), choices=_sort_choices(), method="apply_sort", empty_label=None
    )

    class Meta:
        model = ChangeProject
        fields: list[str] = []

    def __init__(self, data=None, *, visible: QuerySet[ChangeProject], **kwargs) -> None:
        """`visible` is the person's projects (`projects_visible_to`), worked out once."""
        kwargs.setdefault("queryset", order_by_sort(annotated(visible), DEFAULT_SORT))
        super().__init__(data, **kwargs)
        visible_pks = visible.values("pk")
        self.filters["cohort"].queryset = Cohort.objects.filter(projects__in=visible_pks).distinct()
        # An agency with visible projects, or any agency above one: filtering by a province
        # takes in its offices.
        self.filters["agency"].queryset = Agency.objects.filter(
            pk__in=agency_lineage_ids(
                ChangeProject.objects.filter(pk__in=visible_pks)
                .order_by()
                .values_list("agency_id", flat=True)
                .distinct()
            )
        ).order_by("name")
        self.filters["coach"].queryset = (
            User.objects.filter(coached_projects__in=visible_pks).distinct().order_by("full_name")
        )
        self.filters["mentor"].queryset = (
            User.objects.filter(mentored_projects__in=visible_pks).distinct().order_by("full_name")
        )
        self.filters["grade"].extra["choices"] = lambda: [
            (label, label)
            for label in SeminarGrade.objects.filter(project__in=visible_pks)
            .order_by("predikat")
            .values_list("predikat", flat=True)
            .distinct()
        ]

    def search(self, projects, _name, value: str):
        words = value.strip()
        nip = words.replace(" ", "")
        return projects.filter(
            Q(title__icontains=words)
            | Q(participant__full_name__icontains=words)
            | Q(participant__nip__contains=nip)
        )

    def in_agency(self, projects, _name, agency: Agency):
        return projects.filter(agency_id__in=agency_subtree_ids([agency.pk]))

    def flagged(self, projects, name: str, value: str):
        if value == "ya":
            return projects.filter(**{f"{name}__gt": 0})
        return projects.filter(**{name: 0})

    def apply_sort(self, projects, _name, value: str):
        return order_by_sort(projects, value)

    @property
    def qs(self) -> QuerySet[ListedProject]:
        """Visible, then filtered and sorted, then the people, cohort and agency joined."""
        return super().qs.select_related("participant", "cohort", "agency", "coach", "mentor")

    @property
    def sort_value(self) -> str:
        """The sort in force: the requested one when valid, else the default."""
        cleaned = getattr(self.form, "cleaned_data", {})
        return cleaned.get("sort") or DEFAULT_SORT


def annotated(projects: QuerySet[ChangeProject]) -> QuerySet[ListedProject]:
    """The counted columns the list filters and sorts on: progress, overdue, stuck, grade."""
    # The predikat shadows the `grade` transition on these read-only rows, which the plugin
    # refuses to infer (no-redef): the cast says what the rows carry.
    return cast(
        "QuerySet[ListedProject]",
        projects_with_progress(projects)
        .annotate(grade=latest_grade())  # type: ignore[no-redef]
        .annotate(
            progress=Case(
                When(milestone_total=0, then=Value(0)),
                default=F("milestone_accepted") * 100 / F("milestone_total"),
                output_field=IntegerField(),
            )
        ),
    )


def filtered_projects(user: User, data) -> ProjectFilter:
    """The user's visible projects under the filters in `data`, sorted; check `is_valid()`."""
    return ProjectFilter(data, visible=projects_visible_to(user))
