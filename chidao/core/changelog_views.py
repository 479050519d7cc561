"""The change log page (/quan-tri/nhat-ky-thay-doi/) and its Excel export, for administrators and auditors.

Both read the one selector the API reads (`core.selectors.change_record_list`): the same permission, filters and
maskers (a personnel record outside the reader's scope is blanked and every read of one is written to the access
log), a page at a time. Nobody else gets anything but a 403."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from .audit import action_label, change_rows
from .changelog_forms import ChangeLogFilterForm
from .excel import write_table
from .http import XLSX, AuthedRequest, file_response
from .imports import workbook_bytes
from .keyset import AFTER, BEFORE, BadCursor, bad_cursor_response, list_page
from .models import ChangeRecord
from .selectors import ChangeRecordFilters, change_log_object_types, change_record_list

# The most rows one export writes; a wider filter is refused with a message (narrow it, e.g. by dates).
EXPORT_MAX = 5000


def _type_name(record: ChangeRecord, names: dict[str, str]) -> str:
    key = f"{record.content_type.app_label}.{record.content_type.model}"
    return names.get(key, key)


def _entries(records: list[ChangeRecord]) -> list[dict[str, Any]]:
    """Each record with its action's words, its kind of record in Vietnamese and its changes field by field."""
    names = dict(change_log_object_types())
    return [{"record": r, "action": action_label(r.action), "type": _type_name(r, names),
             "object_type": f"{r.content_type.app_label}.{r.content_type.model}",
             "rows": change_rows(r, r.content_type.model_class())} for r in records]


def _query(request: AuthedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    query.pop(AFTER, None)
    query.pop(BEFORE, None)
    return query.urlencode()


@login_required
@require_GET
def change_log(request: AuthedRequest) -> HttpResponse:
    """The change log, newest first, filtered; 403 for anyone who may not read it (the selector says so)."""
    change_record_list(user=request.user, filters=ChangeRecordFilters())  # refuses before anything is read
    form = ChangeLogFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    log = change_record_list(user=request.user, filters=form.filters() if form.is_bound and valid
                             else ChangeRecordFilters())
    records: Any = log if valid else []  # the ChangeLog counts and slices as a queryset does (one page masked)
    try:  # numbered first pages, then cursors on (at, id), newest first: a deep page reads no skipped row
        page = list_page(request, records, keys=("-at", "-id"), name="change-log", per_page=settings.CHIDAO_PAGE_SIZE)
    except BadCursor as exc:
        return bad_cursor_response(request, exc)
    query = _query(request)
    context = {"form": form, "page": page, "entries": _entries(list(page.object_list)), "query": query,
               "export_url": f"{reverse('change_log_export')}?{query}" if query else reverse("change_log_export"),
               "export_max": EXPORT_MAX}
    return render(request, "core/change_log.html", context, status=200 if valid else 422)


def _changes_text(rows: list[tuple[str, str, str]]) -> str:
    return "\n".join(f"{capfirst(label)}: {before} → {after}" for label, before, after in rows)


@login_required
@require_GET
def change_log_export(request: AuthedRequest) -> HttpResponse:
    """The filtered rows as an Excel workbook (at most EXPORT_MAX; more is refused with a message on the page)."""
    change_record_list(user=request.user, filters=ChangeRecordFilters())
    form = ChangeLogFilterForm(request.GET or None)
    page_url = f"{reverse('change_log')}?{_query(request)}"
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Bộ lọc chưa hợp lệ, chưa xuất được tệp."))
        return redirect(page_url)
    log = change_record_list(user=request.user, filters=form.filters() if form.is_bound else ChangeRecordFilters())
    total = log.count()
    if total > EXPORT_MAX:
        messages.error(request, _("Có %(n)s bản ghi phù hợp, nhiều hơn mức tối đa %(max)s bản ghi cho một lần xuất. "
                                  "Hãy thu hẹp bộ lọc (ví dụ theo khoảng ngày) rồi xuất lại.") % {
            "n": number_format(total, force_grouping=True), "max": number_format(EXPORT_MAX, force_grouping=True)})
        return redirect(page_url)
    rows = [[i, timezone.localtime(e["record"].at).strftime("%d/%m/%Y %H:%M:%S"),
             str(e["record"].actor or _("Hệ thống")), capfirst(e["action"]), e["type"], e["record"].object_id,
             e["record"].object_repr, _changes_text(e["rows"]), e["record"].reason]
            for i, e in enumerate(_entries(log[:EXPORT_MAX]), start=1)]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Nhật ký thay đổi")[:31]
    headers = [_("STT"), _("Thời điểm"), _("Người thực hiện"), _("Thao tác"), _("Loại hồ sơ"), _("Số hiệu"),
               _("Hồ sơ"), _("Nội dung thay đổi"), _("Lý do")]
    today = timezone.localdate().strftime("%d/%m/%Y")
    write_table(ws, title_lines=[_("NHẬT KÝ THAY ĐỔI"), _("(Trích xuất ngày %(d)s)") % {"d": today}],
                headers=headers, rows=rows, widths=[6, 20, 24, 22, 24, 10, 36, 60, 30])
    return file_response(workbook_bytes(wb), f"nhat-ky-thay-doi-{timezone.localdate():%Y%m%d}.xlsx", XLSX)
