"""Rounds and due lists (`/luan-chuyen/`): thin views over `due.py`. Only those who manage people see
them (403 for others); a round outside the user's scope answers 404.

URL patterns of this module are collected by rotation/urls.py.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chidao.core import keyset
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.forms import form_apply_errors
from chidao.core.htmx import error_messages
from chidao.core.http import AuthedRequest
from chidao.core.keyset import (
    AFTER,
    BadCursor,
    KeysetPage,
    bad_cursor_response,
    cursor_read,
    cursor_sign,
    list_query,
)
from chidao.personnel.permissions import can_manage_people

from . import due
from .forms import FlaggedAddForm, IncludeForm, RoundForm, StatusFilterForm
from .models import DueStatus, RotationRound

DETAIL = "rotation/round_detail.html"
DUE_PAGE_SIZE = 50


def _require_manager(request: AuthedRequest) -> None:
    if not can_manage_people(request.user):
        raise PermissionDenied(_("Bạn không có quyền xem, quản lý luân chuyển, chuyển đổi vị trí công tác."))



@login_required
def round_list(request: AuthedRequest) -> HttpResponse:
    """The rounds the user sees; a manager opens a new one on the same page."""
    _require_manager(request)
    units = due.round_scope_units(user=request.user)
    today = timezone.localdate()
    form = RoundForm(request.POST or None, units=units, initial={"year": today.year, "as_of": today})
    if request.method == "POST" and form.is_valid():
        try:
            rnd = due.round_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã tạo đợt “%(n)s”.") % {"n": rnd.name})
            return redirect("round_detail", pk=rnd.pk)
    status = 422 if form.errors else 200
    return render(request, "rotation/round_list.html", {"rounds": due.round_list(user=request.user), "form": form},
                  status=status)


def _due_cursor(rnd: RotationRound, entry: Any) -> str:
    return cursor_sign([entry.status, entry.person.sort_key, entry.pk], name=f"due-{rnd.pk}")


def _due_page(request: AuthedRequest, rnd: RotationRound, entries: due.DueList) -> Any:
    """Numbered pages up to NUMBERED_PAGES (a larger number shows that page), then "Trang sau" by a cursor
    (status, person's sort key, pk: `DueList.after`), so a deep page reads no skipped entry (ADR 0015)."""
    after = request.GET.get(AFTER)
    if after:
        status, sort_key, pk = cursor_read(after, keys=("status", "sort_key", "pk"), name=f"due-{rnd.pk}")
        try:
            rows, more = entries.after(str(status), str(sort_key), int(pk), size=DUE_PAGE_SIZE)
        except (TypeError, ValueError) as exc:
            raise keyset.bad_cursor() from exc
        return KeysetPage(rows, next_cursor=_due_cursor(rnd, rows[-1]) if more and rows else None)
    number = request.GET.get("page")
    if number and number.isdigit() and int(number) > keyset.NUMBERED_PAGES:
        number = str(keyset.NUMBERED_PAGES)
    page = Paginator(entries, DUE_PAGE_SIZE).get_page(number)
    rows = list(page.object_list)
    page.next_cursor = (  # type: ignore[attr-defined]
        _due_cursor(rnd, rows[-1]) if page.number >= keyset.NUMBERED_PAGES and page.has_next() and rows else None)
    return page


def _detail(request: AuthedRequest, rnd: RotationRound, *, add_form: FlaggedAddForm | None = None,
            entry_errors: dict[int, list[str]] | None = None, build_errors: list[str] | None = None,
            status: int = 200) -> HttpResponse:
    filter_form = StatusFilterForm(request.GET or None)
    chosen = filter_form.cleaned_data.get("status") if filter_form.is_valid() else ""
    counts = due.due_counts(round=rnd)
    entries = due.due_entries(user=request.user, round=rnd, status=chosen or None, round_counts=counts)
    # One page at a time (a city-wide list has 150,000 entries), grouped by status within the page.
    shown = entries.by_status()  # what this user sees of each status (a personnel officer: their subtree)
    try:
        page = _due_page(request, rnd, entries)
    except BadCursor as exc:
        return bad_cursor_response(request, exc)
    groups = [{"status": s, "label": DueStatus(s).label, "entries": [e for e in page if e.status == s],
               "total": shown.get(s, 0)} for s in due.STATUS_ORDER]
    context: dict[str, Any] = {
        "round": rnd, "editable": due.round_is_editable(rnd), "filter_form": filter_form, "chosen": chosen,
        "groups": [g for g in groups if g["entries"]], "counts": counts, "page": page, "query": list_query(request),
        "status_counts": [(s, DueStatus(s).label, counts[s]) for s in due.STATUS_ORDER],
        "add_form": add_form or FlaggedAddForm(),
        "entry_errors": entry_errors or {}, "build_errors": build_errors or [],
    }
    return render(request, DETAIL, context, status=status)


@login_required
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """The round's header and its due list grouped by status, with each person's reasons and basis."""
    _require_manager(request)
    return _detail(request, due.round_get(user=request.user, pk=pk))


@login_required
@require_POST
def round_due_build(request: AuthedRequest, pk: int) -> HttpResponse:
    """"Lập danh sách đến hạn": compute the due list as of the round's date."""
    _require_manager(request)
    rnd = due.round_get(user=request.user, pk=pk)
    try:
        counts = due.due_list_build(actor=request.user, round=rnd)
    except ValidationError as exc:
        return _detail(request, rnd, build_errors=error_messages(exc), status=422)
    messages.success(request, _("Đã lập danh sách: %(t)s người, %(d)s người đến hạn.") % {
        "t": counts["total"], "d": counts[DueStatus.DUE]})
    return redirect("round_detail", pk=rnd.pk)


@login_required
@require_POST
def round_due_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """Add a person flagged for not completing duties, by record code, with a written reason."""
    _require_manager(request)
    rnd = due.round_get(user=request.user, pk=pk)
    form = FlaggedAddForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        person = due.due_person_by_code(user=request.user, code=data["code"])
        if person is None:
            form.add_error("code", _("Không tìm thấy hồ sơ mã %(c)s trong phạm vi bạn quản lý.") % {"c": data["code"]})
        else:
            try:
                due.due_entry_add_flagged(actor=request.user, round=rnd, person=person, reason=data["reason"])
            except ValidationError as exc:
                form_apply_errors(form, exc)
            else:
                messages.success(request, _("Đã bổ sung %(p)s vào danh sách đến hạn.") % {"p": person.full_name})
                return redirect("round_detail", pk=rnd.pk)
    return _detail(request, rnd, add_form=form, status=422)


@login_required
@require_POST
def due_entry_include(request: AuthedRequest, pk: int) -> HttpResponse:
    """Put a person into the plan or take them out, with a reason; htmx swaps the row."""
    _require_manager(request)
    entry = due.due_entry_get(user=request.user, pk=pk)
    form = IncludeForm(request.POST)
    errors: list[str] = []
    if form.is_valid():
        try:
            entry = due.due_entry_set_included(actor=request.user, entry=entry, included=form.cleaned_data["included"],
                                               reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            errors = error_messages(exc)
    else:
        errors = [str(m) for ms in form.errors.values() for m in ms]
    rnd = entry.round
    if request.htmx:
        fresh = next(iter(due.due_entries(user=request.user, round=rnd, entry_pk=entry.pk)), entry)
        return render(request, f"{DETAIL}#entry-row",
                      {"e": fresh, "round": rnd, "editable": due.round_is_editable(rnd),
                       "entry_errors": {entry.pk: errors}}, status=422 if errors else 200)
    if errors:
        return _detail(request, rnd, entry_errors={entry.pk: errors}, status=422)
    messages.success(request, (_("Đã đưa %(p)s vào phương án.") if entry.included
                               else _("Đã đưa %(p)s ra khỏi phương án.")) % {"p": entry.person.full_name})
    return redirect("round_detail", pk=rnd.pk)


urlpatterns = [
    path("luan-chuyen/", round_list, name="round_list"),
    path("luan-chuyen/<int:pk>/", round_detail, name="round_detail"),
    path("luan-chuyen/<int:pk>/lap-danh-sach/", round_due_build, name="round_due_build"),
    path("luan-chuyen/<int:pk>/bo-sung/", round_due_add, name="round_due_add"),
    path("luan-chuyen/danh-sach/<int:pk>/dua-vao/", due_entry_include, name="due_entry_include"),
]
