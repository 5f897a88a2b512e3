from __future__ import annotations

from decimal import Decimal

from milestones.models import ChangeRequest, Milestone
from tests.authz import IN_PROJECT_SCOPE, LOGIN, OUT_OF_SCOPE, Row, project_action
from tests.factories import SeminarFactory
from tests.milestones.factories import MilestoneFactory, RescheduleFactory, file_evidence
from tracker.models import ImpactIndicator, Seminar

# The world's project is a draft. A POST without the form's fields gets 400 from the personas
# allowed to try (the form is refused), 403 from the rest in scope, 404 outside it.


def _milestone(world) -> Milestone:
    found = world.project.milestones.first()
    return found or MilestoneFactory(project=world.project)


def _evidence(world):
    milestone = _milestone(world)
    return milestone.evidence.first() or file_evidence(milestone)


def _change(world) -> ChangeRequest:
    milestone = _milestone(world)
    return milestone.change_requests.first() or RescheduleFactory(milestone=milestone)


def _indicator(world) -> ImpactIndicator:
    return ImpactIndicator.objects.get_or_create(
        project=world.project,
        name="Waktu tunggu rujukan",
        defaults={"unit": "menit", "baseline": Decimal(180), "target": Decimal(30)},
    )[0]


def _results_seminar(world) -> None:
    seminar = SeminarFactory(cohort=world.cohort, kind=Seminar.Kind.RESULTS)
    seminar.examiners.add(world.examiner)
    seminar.projects.add(world.project)


def _on(object_of, name: str, allowed: dict[str, int], *, method="post", setup=None) -> Row:
    """An action on an object of the world project; allowed personas as given, others 403."""
    expect = {
        "participant": 403,
        "coach": 403,
        "mentor": 403,
        "examiner": 403,
        "organiser": 403,
        "agency_head": 403,
        "admin": 403,
        "anonymous": LOGIN,
        **allowed,
    }
    return Row(
        name,
        others=OUT_OF_SCOPE,
        expect=expect,
        args=lambda world: [object_of(world).pk],
        method=method,
        setup=setup or (lambda world: None),
    )


def _page(object_of, name: str) -> Row:
    return Row(name, others=OUT_OF_SCOPE, expect=IN_PROJECT_SCOPE, args=lambda w: [object_of(w).pk])


ROWS = [
    _page(lambda world: world.project, "milestones:list"),
    _page(lambda world: world.project, "milestones:ratings"),
    _page(lambda world: world.project, "milestones:indicators"),
    project_action("milestones:add", {"participant": 400}),
    project_action("milestones:request-addition", {"participant": 400}),
    _page(_milestone, "milestones:detail"),
    _on(_milestone, "milestones:edit", {"participant": 200}, method="get"),
    # Deleting from a draft plan is allowed: the participant is sent back to the plan.
    _on(_milestone, "milestones:delete", {"participant": 302}),
    _on(_milestone, "milestones:start", {"participant": 400}),
    _on(_milestone, "milestones:submit", {"participant": 400}),
    _on(_milestone, "milestones:accept", {"coach": 400, "mentor": 400}),
    _on(_milestone, "milestones:return", {"coach": 400, "mentor": 400}),
    _on(_milestone, "milestones:upload-evidence", {"participant": 400}),
    _on(_milestone, "milestones:add-link", {"participant": 400}),
    _on(_milestone, "milestones:request-reschedule", {"participant": 400}),
    # Only an examiner of a results seminar of the project may rate.
    _on(_milestone, "milestones:rate", {"examiner": 400}, setup=_results_seminar),
    _page(_evidence, "milestones:download-evidence"),
    # A draft's evidence cannot change: the participant's attempt is refused with a message.
    _on(_evidence, "milestones:delete-evidence", {"participant": 400}),
    _on(_change, "milestones:approve-change", {"mentor": 400}),
    _on(_change, "milestones:reject-change", {"mentor": 400}),
    _on(_indicator, "milestones:record-measurement", {"participant": 400}),
]
