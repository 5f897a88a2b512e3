"""The one home of workflow machinery: every guarded state change of Jejak runs through here.

A workflow model (a project, a milestone, a change request, a consultation) declares its
transitions with django-fsm's `@transition`, and on each one, once: its label (`custom`), who may
run it (`permission=acting_as(...)`), what must hold (`conditions=[guard(...)]`, each guard saying
why it is unmet), whether a comment is required and who hears of it. This module is the only one
that reads those declarations; services call `run()`, pages call `available()` and
`blocked_reason()`, and every refusal is a `Refused` (400), `Forbidden` (403) or `Stale` (409).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django_fsm import (
    ConcurrentTransition,
    ConcurrentTransitionMixin,
    FSMFieldMixin,
    FSMModelMixin,
    Transition,
    can_proceed,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from tracker.models import ChangeProject, Relations, Role, User

# --- refusals -----------------------------------------------------------------------------------


class Refused(Exception):
    """The action cannot happen; `message` says why, in the user's language; nothing changed."""

    status = 400

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


class Forbidden(Refused):
    """The person's relation to the object does not allow this action at all."""

    status = 403


class Stale(Refused):
    """Someone else changed the object since the person saw it; nothing was changed."""

    status = 409


# --- roles, worked out once per loaded project and person -----------------------------------------


def relations(project: ChangeProject, user) -> Relations:
    """How the user stands to this project, worked out once per loaded project.

    The answer lives on the project instance, so it lasts as long as the request that loaded it.
    Writes lock and reload the row before they check a permission, so they always ask afresh.
    """
    known = project.__dict__.setdefault("_workflow_relations", {})
    key = user.pk if user.is_authenticated else None
    if key not in known:
        known[key] = project.relations_of(user)
    return known[key]


def roles(project: ChangeProject, user) -> frozenset[Role]:
    """The relations in which the user stands to this project (cached like `relations`)."""
    if getattr(user, "is_system", False):
        from tracker.models import Role

        # Jejak's own daily run: it holds no relation, only the transitions that name it.
        return frozenset({Role.SYSTEM})
    return relations(project, user).roles


def acting_as(*allowed: Role):
    """A transition permission: the user stands to the object's project in one of these roles."""

    def permission(instance: WorkflowModel, user) -> bool:
        return bool(roles(instance.workflow_project, user) & set(allowed))

    # Read back by declarations(): who may run the transition.
    permission.roles = allowed  # type: ignore[attr-defined]
    return permission


# --- guards -------------------------------------------------------------------------------------


class Reason(str):
    """A guard's reason that also says where the person acts on it: the page shows the link
    beside the disabled button (a plain reason is just its text)."""

    link_url: str
    link_label: str

    def __new__(cls, text: StrOrPromise, *, url: str, label: StrOrPromise) -> Reason:
        reason = super().__new__(cls, str(text))
        reason.link_url, reason.link_label = url, str(label)
        return reason


def guard(reason: Callable[[Any], Any]) -> Callable[[Any], bool]:
    """A transition condition made from a function that says why it is unmet ('' when it holds).

    The same words serve the page (why a button is disabled) and the refusal of a POST.
    """

    def condition(instance) -> bool:
        return not reason(instance)

    # Read back by blocked_reason(): why the transition may not run.
    condition.reason = reason  # type: ignore[attr-defined]
    condition.__name__ = reason.__name__
    return condition


# --- what a model declares ------------------------------------------------------------------------


@dataclass(frozen=True)
class Declared:
    """One transition as its model declares it (one entry per name, whatever its sources)."""

    name: str
    label: StrOrPromise
    comment_required: bool
    comment_allowed: bool
    comment_label: StrOrPromise
    danger: bool
    notify: tuple
    roles: tuple
    transitions: tuple[Transition, ...]

    @property
    def takes_comment(self) -> bool:
        return self.comment_required or self.comment_allowed

    @property
    def comment_missing(self) -> str:
        return _("%(label)s wajib diisi untuk tindakan ini.") % {"label": self.comment_label}

    def leaves(self, state: str) -> Transition | None:
        """The declaration that applies from this state, or None."""
        return next((t for t in self.transitions if t.source in (state, "*")), None)


@cache
def declarations(model: type[models.Model]) -> dict[str, Declared]:
    """The model's transitions by name, in declaration order (read once per model class)."""
    grouped: dict[str, list[Transition]] = {}
    for transition in state_field(model).get_all_transitions(model):
        grouped.setdefault(transition.name, []).append(transition)
    declared = {}
    for name, transitions in grouped.items():
        custom = transitions[0].custom
        permission = transitions[0].permission
        declared[name] = Declared(
            name=name,
            label=custom.get("label", name),
            comment_required=bool(custom.get("comment_required")),
            comment_allowed=bool(custom.get("comment_allowed")),
            comment_label=custom.get("comment_label") or _("Komentar"),
            # An action that needs a reason undoes or refuses something: it looks like one.
            danger=bool(custom.get("comment_required")),
            notify=tuple(custom.get("notify", ())),
            roles=tuple(custom.get("roles") or getattr(permission, "roles", None) or ()),
            transitions=tuple(transitions),
        )
    return declared


def declaration(model: type[models.Model], name: str) -> Declared:
    """The declaration of `model.<name>`; Refused when the model has no such transition."""
    try:
        return declarations(model)[name]
    except KeyError:
        raise Refused(_("Tindakan ini tidak dikenal.")) from None


def state_field(model: type[models.Model]) -> FSMFieldMixin:
    """The model's one state machine field."""
    return next(f for f in model._meta.concrete_fields if isinstance(f, FSMFieldMixin))


def state_of(instance: models.Model) -> str:
    return getattr(instance, state_field(type(instance)).attname)


def label(model: type[models.Model], name: str) -> StrOrPromise:
    """The human label of a transition; the name itself for one that no longer exists."""
    declared = declarations(model).get(name)
    return declared.label if declared else name


def edges(model: type[models.Model]) -> list[tuple[str, str, str]]:
    """Every (source, target, transition name) the model declares, for the workflow diagram."""
    found: list[tuple[str, str, str]] = []
    for declared in declarations(model).values():
        for transition in declared.transitions:
            targets = getattr(transition.target, "allowed_states", None) or [transition.target]
            found.extend((str(transition.source), str(target), declared.name) for target in targets)
    return found


# --- what a person may do now ---------------------------------------------------------------------


def may_attempt(instance: models.Model, user, name: str) -> bool:
    """Whether the user's relation allows this transition at all, whatever the state."""
    declared = declaration(type(instance), name)
    return any(t.has_perm(instance, user) for t in declared.transitions)


def available(instance: models.Model, user) -> list[Declared]:
    """The transitions that leave the current state and that this user may run (guards aside)."""
    state = state_of(instance)
    found = []
    for declared in declarations(type(instance)).values():
        transition = declared.leaves(state)
        if transition is not None and transition.has_perm(instance, user):
            found.append(declared)
    return found


def blocked_reason(instance: models.Model, name: str) -> str:
    """Why the transition may not run from the current state now ('' when every guard holds)."""
    transition = declaration(type(instance), name).leaves(state_of(instance))
    for condition in transition.conditions if transition else ():
        if not condition(instance):
            reason = getattr(condition, "reason", None)
            if reason is None:
                return str(_("Syarat tindakan ini belum terpenuhi."))
            said = reason(instance)
            return said if isinstance(said, Reason) else str(said)
    return ""


def acting_role(instance: WorkflowModel, user, name: str) -> Role:
    """The role in which the user runs this transition: their first relation it names."""
    from tracker.models import Role

    held = roles(instance.workflow_project, user)
    allowed = declaration(type(instance), name).roles
    return next((role for role in allowed if role in held), Role.ADMIN)


# --- models ---------------------------------------------------------------------------------------


class WorkflowModel(ConcurrentTransitionMixin, FSMModelMixin, models.Model):
    """A model whose state moves only through `run()`.

    Subclasses say which rows `run()` saves and loads with the locked row, which project their
    people act on (`workflow_project`) and what a person who saw an older state is told.
    """

    WORKFLOW_UPDATE_FIELDS: ClassVar[list[str]]
    WORKFLOW_RELATED: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    @property
    def workflow_project(self) -> ChangeProject:
        # Each workflow model but the project itself has a `project` foreign key.
        return self.project  # type: ignore[attr-defined]

    def lock_related(self) -> None:
        """Lock rows this one's guards read, before this row, always in the same order."""

    def stale_refusal(self) -> Stale:
        raise NotImplementedError

    def refresh_from_db(self, using=None, fields=None, from_queryset=None) -> None:
        # django-fsm's FSMModelMixin switches `protected` off on the field, which is shared by
        # every thread, while it reloads: a concurrent request then fails with "Direct state
        # modification is not allowed". Forgetting this instance's own state value instead lets
        # the reload set it once, and touches nothing another thread can see.
        state = state_field(type(self)).attname
        if fields is None or state in fields:
            self.__dict__.pop(state, None)
        models.Model.refresh_from_db(self, using=using, fields=fields, from_queryset=from_queryset)
        self._update_initial_state()


# --- the one guarded runner -----------------------------------------------------------------------


def run(
    instance: WorkflowModel,
    *,
    by: User,
    name: str,
    record: Callable[..., models.Model],
    comment: str = "",
    expected_state: str | None = None,
    arguments: Iterable = (),
    before: Callable[[Any, Any], None] | None = None,
    notify: Callable[[int], None] | None = None,
):
    """Run one transition: lock, re-check state, permission and guards, transition, save, log.

    In one transaction: the related rows and then the row are locked; a state other than
    `expected_state` (the one the person saw) is refused as stale; then the permission (403),
    the guards (400, with their reason) and a required comment. `record(locked, from_state=,
    role=, comment=)` writes the log row; `before(locked, log)` writes what belongs with it (a
    seminar result, an applied change); `notify(log_pk)` writes the notices in the same
    transaction. Returns the log row; `instance` is reloaded.
    """
    model = type(instance)
    declared = declaration(model, name)
    comment = (comment or "").strip()
    try:
        with transaction.atomic():
            instance.lock_related()
            locked = (
                model._default_manager.select_related(*model.WORKFLOW_RELATED)
                .select_for_update(of=("self",))
                .get(pk=instance.pk)
            )
            if expected_state is not None and state_of(locked) != expected_state:
                raise locked.stale_refusal()
            method = getattr(locked, name)
            if not can_proceed(method, check_conditions=False):
                raise locked.stale_refusal()
            leaving = declared.leaves(state_of(locked))
            if leaving is None:
                raise locked.stale_refusal()
            if not leaving.has_perm(locked, by):
                raise Forbidden(_("Anda tidak berwenang melakukan tindakan ini."))
            reason = blocked_reason(locked, name)
            if reason:
                raise Refused(reason)
            if declared.comment_required and not comment:
                raise Refused(declared.comment_missing)
            from_state = state_of(locked)
            method(*arguments)
            locked.save(update_fields=model.WORKFLOW_UPDATE_FIELDS)
            log = record(
                locked,
                from_state=from_state,
                role=acting_role(locked, by, name),
                comment=comment,
            )
            if before is not None:
                before(locked, log)
            if notify is not None:
                # Notices commit with the change or not at all; the worker sends the emails.
                notify(log.pk)
    except ConcurrentTransition:
        instance.refresh_from_db()
        raise instance.stale_refusal() from None
    instance.refresh_from_db()
    return log


# --- the answer to an action, the same on every page ------------------------------------------


def answer(
    request: HttpRequest,
    *,
    render: Callable[[int], HttpResponse],
    redirect_to: str = "",
    done: StrOrPromise = "",
    refused: Refused | None = None,
    invalid: bool = False,
) -> HttpResponse:
    """Answer a POSTed action with the statuses every page uses.

    Done: a plain POST gets the message and a redirect to `redirect_to`; an HTMX one gets the
    fragment (200) carrying the message. Invalid input: 400; refused: 400, stale: 409, each
    with the message on the re-rendered page or fragment, so what the person typed is still
    there (`render(status)` draws it with the bound forms). Forbidden: 403.
    """
    if refused is not None:
        if isinstance(refused, Forbidden):
            raise PermissionDenied(refused.message)
        messages.error(request, refused.message)
        return render(refused.status)
    if invalid:
        messages.error(request, _("Periksa isian formulir di bawah."))
        return render(400)
    if done:
        messages.success(request, done)
    if getattr(request, "htmx", False) or not redirect_to:
        return render(200)
    return redirect(redirect_to)


def perform(
    request: HttpRequest,
    *,
    call: Callable[[], Any],
    render: Callable[[int], HttpResponse],
    done: StrOrPromise | Callable[[Any], StrOrPromise],
    redirect_to: str | Callable[[Any], str] = "",
    form=None,
) -> HttpResponse:
    """The usual action view after its access check: validate `form`, `call` the service,
    `answer`. `done` and `redirect_to` may be functions of what the service returned."""
    if form is not None and not form.is_valid():
        return answer(request, render=render, invalid=True)
    try:
        result = call()
    except Refused as refused:
        return answer(request, render=render, refused=refused)
    return answer(
        request,
        render=render,
        redirect_to=redirect_to(result) if callable(redirect_to) else redirect_to,
        done=done(result) if callable(done) else done,
    )
