"""Saved views: an agent keeps a queue's filters, sort and columns under a name; a supervisor shares
one with the team they supervise, and alone may then rename or delete it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.http import QueryDict
from django.utils.translation import gettext as _

from helpdesk import roles
from helpdesk.errors import NotAllowed, NotFound, ServiceError

from .. import selectors
from ..models import SavedView, Team
from ..queue_columns import parse_columns
from ..queue_filter import QueueFilter

# Each view's count is one capped subquery of the sidebar's single count query: the number is bounded.
MAX_VIEWS = 25
SHAREABLE_BASES = (selectors.VIEW_MINE, selectors.VIEW_UNASSIGNED, selectors.VIEW_TEAM)


@dataclass(frozen=True)
class ViewSpec:
    """What a saved view holds, checked: a built-in view, the filter form's values, sort, columns."""

    base: str
    filters: dict[str, Any] = field(default_factory=dict)
    sort: str = ""
    columns: list[str] = field(default_factory=list)


def view_spec_from_query(*, user: Any, data: QueryDict) -> ViewSpec:
    """The queue's parameters, validated by the queue's own filter form; a bad value is refused."""
    base = data.get("view") or selectors.default_queue_view(user)
    if base not in selectors.queue_views_for(user):
        raise ServiceError(_("This queue view is not available to you."), field="view")
    form = QueueFilter.for_user(data, user).form
    if not form.is_valid():
        name, errors = next(iter(form.errors.items()))
        label = form.fields[name].label if name in form.fields else name
        raise ServiceError(f"{label}: {errors[0]}", field=name)
    filters = {}
    for name in form.fields:
        if name == "sort" or form.cleaned_data.get(name) in (None, "", []):
            continue
        filters[name] = form[name].value()
    return ViewSpec(
        base=base,
        filters=filters,
        sort=form.cleaned_data.get("sort") or "",
        columns=parse_columns(data.getlist("cols")),
    )


def _clean_name(name: str) -> str:
    name = " ".join(name.split())[:80]
    if not name:
        raise ServiceError(_("Give the view a name."), field="name")
    return name


def supervises(user: Any, team_id: int | None) -> bool:
    """A supervisor supervises the team of their profile; an admin every team."""
    if team_id is None:
        return False
    if roles.is_admin(user):
        return True
    return roles.is_supervisor(user) and selectors.user_team_id(user) == team_id


def ensure_can_edit(actor: Any, view: SavedView) -> None:
    """An own view by its owner; a shared view by a supervisor of its team only."""
    if view.team_id is not None:
        if not supervises(actor, view.team_id):
            raise NotAllowed(_("Only a supervisor of the team can change a view shared with it."))
    elif view.owner_id != actor.pk:
        raise NotFound(_("View not found."))


@transaction.atomic
def saved_view_create(*, owner: Any, name: str, spec: ViewSpec) -> SavedView:
    roles.require(owner, roles.WORK_TICKETS)
    mine = SavedView.objects.select_for_update().filter(owner=owner, team__isnull=True)
    existing = list(mine.values_list("name", flat=True))
    name = _clean_name(name)
    if len(existing) >= MAX_VIEWS:
        raise ServiceError(_("You can keep up to %(count)d views.") % {"count": MAX_VIEWS})
    if name.casefold() in {n.casefold() for n in existing}:
        raise ServiceError(_("You already have a view with this name."), field="name")
    position = (mine.aggregate(last=Max("position"))["last"] or 0) + 1
    return SavedView.objects.create(
        owner=owner,
        name=name,
        base=spec.base,
        filters=spec.filters,
        sort=spec.sort,
        columns=spec.columns,
        position=position,
    )


@transaction.atomic
def saved_view_rename(*, view: SavedView, actor: Any, name: str) -> SavedView:
    ensure_can_edit(actor, view)
    view.name = _clean_name(name)
    view.save(update_fields=["name"])
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView, actor: Any) -> None:
    ensure_can_edit(actor, view)
    view.delete()


@transaction.atomic
def saved_view_share(*, view: SavedView, actor: Any, team: Team | None) -> SavedView:
    """Share the actor's own view with a team they supervise (team set), or take a shared view back
    to its owner's own views (team None; by a supervisor of the team it was shared with)."""
    if team is None:
        ensure_can_edit(actor, view)
        view.team = None
        view.save(update_fields=["team"])
        return view
    if view.owner_id != actor.pk or view.team_id is not None:
        raise NotFound(_("View not found."))
    if not supervises(actor, team.pk):
        raise NotAllowed(_("You can share a view only with a team you supervise."))
    if view.base not in SHAREABLE_BASES:
        raise ServiceError(_("Only views of one team's tickets can be shared: choose Mine, Unassigned or My team."))
    shared = SavedView.objects.select_for_update().filter(team=team)
    if shared.count() >= MAX_VIEWS:
        raise ServiceError(_("A team can share up to %(count)d views.") % {"count": MAX_VIEWS})
    position = (shared.aggregate(last=Max("position"))["last"] or 0) + 1
    view.team = team
    view.position = position
    view.save(update_fields=["team", "position"])
    return view
