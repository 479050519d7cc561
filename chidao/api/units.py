"""API: writes on the unit tree (administrators): create, edit (rename), move, merge, dissolve, delete.

The endpoints sit on the system router, beside the reads of `/units` (one path answers both), and call the
services of `chidao.core.units`, as the pages do."""

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from django.utils.translation import gettext as _
from ninja import Status as HttpStatus
from pydantic import Field

from chidao.core import selectors
from chidao.core import units as services
from chidao.core.errors import PermissionDenied
from chidao.core.http import AuthedRequest
from chidao.core.models import UnitKind, UnitLevel
from chidao.core.permissions import can_manage_units

from .common import WRITE_ERRORS
from .inputs import Choice, Id, In, Required, Text, units_in_force
from .system import UnitDetailOut, router

if TYPE_CHECKING:
    Kind = str
    Level = str
else:
    Kind = Choice(UnitKind.values, blank=False)
    Level = Choice(UnitLevel.values, blank=False)


class UnitIn(In):
    """A new unit: anywhere in the tree (`parent_id`, a unit in force) or a root; a department, office or
    board inside an agency is a sub-unit of kind "department"."""

    code: Annotated[Required, Field(max_length=32)]
    name: Annotated[Required, Field(max_length=255)]
    short_name: Annotated[Text, Field(max_length=64)] = ""
    kind: Kind
    level: Level
    parent_id: Id | None = None
    official_code: Annotated[Text, Field(max_length=16)] = ""
    headcount: Annotated[int, Field(ge=0, le=1_000_000)] | None = None
    valid_from: dt.date | None = None


class UnitUpdateIn(In):
    """Rename or correct a unit (the same record: its lineage and records stay); only the fields sent change."""

    code: Annotated[Required, Field(max_length=32)] | None = None
    name: Annotated[Required, Field(max_length=255)] | None = None
    short_name: Annotated[Text, Field(max_length=64)] | None = None
    kind: Kind | None = None
    level: Level | None = None
    official_code: Annotated[Text, Field(max_length=16)] | None = None
    headcount: Annotated[int, Field(ge=0, le=1_000_000)] | None = None


class UnitMoveIn(In):
    """The new parent (null: a root) from the date `on`."""

    parent_id: Id | None
    on: dt.date


class UnitNewSuccessorIn(In):
    code: Annotated[Required, Field(max_length=32)]
    name: Annotated[Required, Field(max_length=255)]
    short_name: Annotated[Text, Field(max_length=64)] = ""
    kind: Kind
    level: Level
    parent_id: Id | None = None
    official_code: Annotated[Text, Field(max_length=16)] = ""
    headcount: Annotated[int, Field(ge=0, le=1_000_000)] | None = None


class UnitMergeIn(In):
    """This unit and `unit_ids` cease on `on` (their last day); `successor_id` (a unit in force) or
    `new_successor` (created, in force from the next day) takes over."""

    unit_ids: list[Id] = Field(default_factory=list, max_length=200)
    on: dt.date
    successor_id: Id | None = None
    new_successor: UnitNewSuccessorIn | None = None
    reason: Annotated[Text, Field(max_length=500)] = ""


class UnitDissolveIn(In):
    """`on` is the unit's last day in force; `successor_ids` (units in force) take over its duties."""

    on: dt.date
    successor_ids: list[Id] = Field(default_factory=list, max_length=200)
    reason: Annotated[Text, Field(max_length=500)] = ""


def _require(request: AuthedRequest) -> None:
    if not can_manage_units(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được quản lý đơn vị."))


def _parent(field: str, pk: int | None) -> Any:
    return units_in_force(field, [pk])[0] if pk is not None else None


def _detail(request: AuthedRequest, pk: int) -> Any:
    return selectors.unit_get(user=request.user, pk=pk)


@router.post("/units", response={201: UnitDetailOut, **WRITE_ERRORS})
def unit_create(request: AuthedRequest, payload: UnitIn) -> Any:
    """Create a unit (administrators)."""
    _require(request)
    data = payload.dict()
    data["parent"] = _parent("parent_id", data.pop("parent_id"))
    unit = services.unit_create(actor=request.user, **data)
    return HttpStatus(201, _detail(request, unit.pk))


@router.patch("/units/{unit_id}", response={200: UnitDetailOut, **WRITE_ERRORS})
def unit_update(request: AuthedRequest, unit_id: int, payload: UnitUpdateIn) -> Any:
    """Rename or correct a unit (administrators): code, name, short name, kind, level, official code, headcount."""
    _require(request)
    unit = selectors.unit_get(user=request.user, pk=unit_id)
    changes = payload.dict(exclude_unset=True)
    current = {"code": unit.code, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
               "level": unit.level, "official_code": unit.official_code, "headcount": unit.headcount}
    for name in ("short_name", "official_code"):
        if name in changes and changes[name] is None:
            changes[name] = ""
    for name in ("code", "name", "kind", "level"):
        if name in changes and changes[name] is None:
            changes.pop(name)
    services.unit_update(actor=request.user, unit=unit, **{**current, **changes})
    return _detail(request, unit.pk)


@router.post("/units/{unit_id}/move", response={200: UnitDetailOut, **WRITE_ERRORS})
def unit_move(request: AuthedRequest, unit_id: int, payload: UnitMoveIn) -> Any:
    """Put the unit under another parent from a date (administrators); never under itself or its sub-units."""
    _require(request)
    unit = selectors.unit_get(user=request.user, pk=unit_id)
    services.unit_move(actor=request.user, unit=unit, parent=_parent("parent_id", payload.parent_id), on=payload.on)
    return _detail(request, unit.pk)


@router.post("/units/{unit_id}/merge", response={200: UnitDetailOut, **WRITE_ERRORS})
def unit_merge(request: AuthedRequest, unit_id: int, payload: UnitMergeIn) -> Any:
    """Merge this unit (and `unit_ids`) into a successor (administrators); answers the successor."""
    _require(request)
    unit = selectors.unit_get(user=request.user, pk=unit_id)
    others = units_in_force("unit_ids", [pk for pk in payload.unit_ids if pk != unit.pk])
    new = None
    if payload.new_successor is not None:
        new = payload.new_successor.dict()
        new["parent"] = _parent("new_successor", new.pop("parent_id"))
    successor = services.unit_merge(
        actor=request.user, units=[unit, *others], on=payload.on, reason=payload.reason, new_successor=new,
        successor=_parent("successor_id", payload.successor_id))
    return _detail(request, successor.pk)


@router.post("/units/{unit_id}/dissolve", response={200: UnitDetailOut, **WRITE_ERRORS})
def unit_dissolve(request: AuthedRequest, unit_id: int, payload: UnitDissolveIn) -> Any:
    """Dissolve the unit: `on` is its last day in force (administrators)."""
    _require(request)
    unit = selectors.unit_get(user=request.user, pk=unit_id)
    services.unit_dissolve(actor=request.user, unit=unit, on=payload.on, reason=payload.reason,
                           successors=units_in_force("successor_ids", payload.successor_ids))
    return _detail(request, unit.pk)


@router.delete("/units/{unit_id}", response={204: None, **WRITE_ERRORS})
def unit_delete(request: AuthedRequest, unit_id: int) -> Any:
    """Delete a unit nothing refers to (administrators); one with people, posts, tasks, sub-units or lineage is
    refused (422): dissolve it instead."""
    _require(request)
    unit = selectors.unit_get(user=request.user, pk=unit_id)
    services.unit_delete(actor=request.user, unit=unit)
    return HttpStatus(204, None)
