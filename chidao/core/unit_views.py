"""Pages of the organization tree for administrators (/quan-tri/don-vi/): the tree with its counts, one unit,
and the forms that create, edit, move, merge, dissolve and delete units. Each calls one service of `units`."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from . import units as services
from .errors import PermissionDenied, ValidationError
from .forms import form_apply_errors
from .htmx import form_failure, hx_redirect
from .http import AuthedRequest
from .models import Unit, UnitKind, UnitLevel
from .permissions import can_manage_units
from .reference import unit_subtree_ids
from .selectors import (
    UnitFilters,
    unit_counter_labels,
    unit_counts,
    unit_get,
    unit_tree,
    units_in_force_by_pk,
)
from .unit_forms import UnitCreateForm, UnitDissolveForm, UnitFields, UnitMergeForm, UnitMoveForm, unit_options


def _units(pks: list[int]) -> list[Unit]:
    """The units in force among the ids a form's picker gave, in that order."""
    found = units_in_force_by_pk(pks=pks)
    return [found[pk] for pk in pks if pk in found]


def _unit(pk: int | None) -> Unit | None:
    return next(iter(_units([pk])), None) if pk else None


def _require(request: AuthedRequest) -> None:
    if not can_manage_units(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống được quản lý đơn vị."))


def _counts(units: list[Unit]) -> list[tuple[Unit, list[tuple[str, int, str]]]]:
    counts = unit_counts(u.pk for u in units)
    labels = unit_counter_labels()
    return [(u, [(label, counts[u.pk].get(name, 0), url) for name, label, url in labels]) for u in units]


@login_required
@require_GET
def unit_admin_list(request: AuthedRequest) -> HttpResponse:
    """The whole tree (ceased units too, marked), searchable without diacritics, filtered by kind."""
    _require(request)
    q = request.GET.get("q", "")[:200]
    kind = request.GET.get("kind", "")
    kind = kind if kind in UnitKind.values else ""
    current = request.GET.get("current", "") == "1"
    units = unit_tree(user=request.user, filters=UnitFilters(q=q, kind=kind, on=dt.date.today() if current else None))
    return render(request, "core/units/list.html", {
        "rows": _counts(units[:500]), "labels": unit_counter_labels(), "total": len(units), "q": q, "kind": kind,
        "current": current, "kinds": UnitKind.choices, "today": dt.date.today(),
    })


@login_required
@require_GET
def unit_admin_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    unit = unit_get(user=request.user, pk=pk)
    children = sorted(unit.children.all(), key=lambda u: u.name)
    ((_unit, counts),) = _counts([unit])
    return render(request, "core/units/detail.html", {
        "unit": unit, "counts": counts, "children": _counts(children), "today": dt.date.today(),
        "is_agency": unit.kind not in (UnitKind.LOCALITY, UnitKind.COMMUNE, UnitKind.DISTRICT),
    })


@login_required
@require_GET
def unit_parent_options(request: AuthedRequest) -> HttpResponse:
    """The picker's options for a search (htmx): units in force whose name, short name or code match."""
    _require(request)
    return render(request, "core/units/_options.html", {
        "options": unit_options(request.user, request.GET.get("q", "")[:200]),
        "blank": request.GET.get("blank", "1") == "1",
    })


def _form_page(request: AuthedRequest, template: str, context: dict[str, Any], form: Any) -> HttpResponse:
    return form_failure(request, template, {**context, "form": form}, failed=request.method == "POST")


@login_required
def unit_admin_create(request: AuthedRequest) -> HttpResponse:
    """A new unit; `?parent=<id>&kind=department` presets a department, office or board inside an agency."""
    _require(request)
    initial: dict[str, Any] = {"level": UnitLevel.PROVINCE}
    parent = None
    if request.GET.get("parent", "").isdigit():
        parent = _unit(int(request.GET["parent"][:18]))
    if parent is not None:
        initial = {"parent": parent.pk, "level": parent.level}
    if request.GET.get("kind") in UnitKind.values:
        initial["kind"] = request.GET["kind"]
    form = UnitCreateForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent = _unit(data.pop("parent"))
        try:
            unit = services.unit_create(actor=request.user, parent=parent, **data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo đơn vị “%(name)s”.") % {"name": unit.name})
            return hx_redirect(request, reverse("unit_admin_detail", args=[unit.pk]))
    department = initial.get("kind") == UnitKind.DEPARTMENT and parent is not None
    return _form_page(request, "core/units/form.html", {
        "title": _("Thêm phòng, ban vào “%(name)s”") % {"name": parent.name} if department and parent
        else _("Thêm đơn vị"), "unit": None, "picker": True,
    }, form)


@login_required
def unit_admin_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    """Rename or correct a unit: the same record, so its records and lineage stay."""
    _require(request)
    unit = unit_get(user=request.user, pk=pk)
    form = UnitFields(request.POST or None, initial={
        "code": unit.code, "name": unit.name, "short_name": unit.short_name, "kind": unit.kind,
        "level": unit.level, "official_code": unit.official_code, "headcount": unit.headcount})
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu đơn vị."))
            return hx_redirect(request, reverse("unit_admin_detail", args=[unit.pk]))
    return _form_page(request, "core/units/form.html", {"title": _("Sửa, đổi tên đơn vị"), "unit": unit}, form)


@login_required
def unit_admin_move(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    unit = unit_get(user=request.user, pk=pk)
    form = UnitMoveForm(request.POST or None, user=request.user, exclude=unit_subtree_ids(unit),
                        initial={"parent": unit.parent_id, "on": dt.date.today()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        parent = _unit(data["parent"])
        try:
            services.unit_move(actor=request.user, unit=unit, parent=parent, on=data["on"])
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã chuyển đơn vị."))
            return hx_redirect(request, reverse("unit_admin_detail", args=[unit.pk]))
    return _form_page(request, "core/units/form.html", {"title": _("Chuyển đơn vị cấp trên"), "unit": unit,
                                                        "picker": True}, form)


@login_required
def unit_admin_dissolve(request: AuthedRequest, pk: int) -> HttpResponse:
    _require(request)
    unit = unit_get(user=request.user, pk=pk)
    form = UnitDissolveForm(request.POST or None, user=request.user, exclude={unit.pk})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        successors = _units(data["successors"])
        try:
            services.unit_dissolve(actor=request.user, unit=unit, on=data["on"], successors=successors,
                                   reason=data["reason"])
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã giải thể đơn vị “%(name)s”.") % {"name": unit.name})
            return hx_redirect(request, reverse("unit_admin_detail", args=[unit.pk]))
    return _form_page(request, "core/units/form.html", {"title": _("Giải thể đơn vị"), "unit": unit, "confirm": _(
        "Giải thể đơn vị “%(name)s”? Sau ngày đã chọn, đơn vị ngừng hoạt động, không chọn được trong các biểu "
        "mẫu nữa; hồ sơ cũ vẫn ghi tên đơn vị.") % {"name": unit.name}}, form)


MERGE_NEW_FIELDS = {"code": "new_code", "name": "new_name", "kind": "new_kind", "level": "new_level"}


@login_required
def unit_admin_merge(request: AuthedRequest, pk: int) -> HttpResponse:
    """This unit and the others chosen cease on a day; an existing unit or a new one takes over."""
    _require(request)
    unit = unit_get(user=request.user, pk=pk)
    form = UnitMergeForm(request.POST or None, user=request.user, exclude={unit.pk},
                         initial={"new_kind": unit.kind, "new_level": unit.level})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        others = [u for u in _units(data["units"]) if u.pk != unit.pk]
        successor = _unit(data["successor"])
        new = None
        if successor is None and (data["new_code"] or data["new_name"]):
            new = {"code": data["new_code"], "name": data["new_name"], "kind": data["new_kind"] or unit.kind,
                   "level": data["new_level"] or unit.level, "parent": unit.parent}
        try:
            successor = services.unit_merge(actor=request.user, units=[unit, *others], on=data["on"],
                                            successor=successor, new_successor=new, reason=data["reason"])
        except ValidationError as exc:
            errors = {MERGE_NEW_FIELDS.get(k, k): v for k, v in exc.message_dict.items()} \
                if hasattr(exc, "error_dict") else {"__all__": exc.messages}
            form_apply_errors(form, ValidationError(errors))
        else:
            messages.success(request, _("Đã hợp nhất vào “%(name)s”.") % {"name": successor.name})
            return hx_redirect(request, reverse("unit_admin_detail", args=[successor.pk]))
    return _form_page(request, "core/units/form.html", {"title": _("Hợp nhất đơn vị"), "unit": unit, "confirm": _(
        "Hợp nhất “%(name)s” và các đơn vị đã chọn? Sau ngày đã chọn, các đơn vị này ngừng hoạt động, đơn vị "
        "kế thừa tiếp nhận; hồ sơ cũ vẫn ghi tên đơn vị cũ.") % {"name": unit.name}}, form)


@login_required
def unit_admin_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    """Delete a unit entered by mistake (asks first); one that anything refers to can only be dissolved."""
    _require(request)
    unit = unit_get(user=request.user, pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.unit_delete(actor=request.user, unit=unit)
        except ValidationError as exc:
            errors = list(exc.messages)
        else:
            messages.success(request, _("Đã xóa đơn vị “%(name)s”.") % {"name": unit.name})
            return hx_redirect(request, reverse("unit_admin_list"))
    return form_failure(request, "core/units/delete.html", {"unit": unit, "errors": errors}, failed=bool(errors))


urlpatterns = [
    path("quan-tri/don-vi/", unit_admin_list, name="unit_admin_list"),
    path("quan-tri/don-vi/them/", unit_admin_create, name="unit_admin_create"),
    path("quan-tri/don-vi/chon/", unit_parent_options, name="unit_parent_options"),
    path("quan-tri/don-vi/<int:pk>/", unit_admin_detail, name="unit_admin_detail"),
    path("quan-tri/don-vi/<int:pk>/sua/", unit_admin_edit, name="unit_admin_edit"),
    path("quan-tri/don-vi/<int:pk>/chuyen/", unit_admin_move, name="unit_admin_move"),
    path("quan-tri/don-vi/<int:pk>/hop-nhat/", unit_admin_merge, name="unit_admin_merge"),
    path("quan-tri/don-vi/<int:pk>/giai-the/", unit_admin_dissolve, name="unit_admin_dissolve"),
    path("quan-tri/don-vi/<int:pk>/xoa/", unit_admin_delete, name="unit_admin_delete"),
]
