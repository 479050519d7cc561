"""The access log of personnel records, for administrators and auditors (who read, never write): filtered by reader,
action, days and person, each action and detail in words (`access_labels`), and its Excel export."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from openpyxl import Workbook

from chidao.core.dates import format_date
from chidao.core.excel import write_table
from chidao.core.forms import date_field
from chidao.core.http import XLSX, AuthedRequest, file_response
from chidao.core.imports import workbook_bytes
from chidao.core.keyset import BadCursor, bad_cursor_response, list_page, list_query

from .access_labels import access_action_choices, access_entries_describe
from .selectors import access_log_list

# The most rows one export writes; a wider filter is refused with a message.
EXPORT_MAX = 5000


class AccessLogFilterForm(forms.Form):
    who = forms.CharField(label=gettext_lazy("Người xem"), required=False, max_length=100,
                          widget=forms.TextInput(attrs={"placeholder": gettext_lazy("tên đăng nhập hoặc họ tên"),
                                                        "autocomplete": "off"}))
    action = forms.ChoiceField(label=gettext_lazy("Thao tác"), required=False)
    q = forms.CharField(label=gettext_lazy("Hồ sơ (tên hoặc mã)"), required=False, max_length=100)
    person = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    start = date_field(gettext_lazy("Từ ngày"), required=False)
    end = date_field(gettext_lazy("Đến ngày"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", gettext_lazy("Tất cả")), *access_action_choices()]  # type: ignore

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            self.add_error("end", _("Đến ngày phải từ ngày %(d)s trở đi.") % {"d": format_date(data["start"])})
        return data

    def filters(self) -> dict[str, Any]:
        """The selector's keyword filters; call only on a valid form."""
        d = self.cleaned_data
        return {"q": d["q"], "person": d["person"], "start": d["start"], "end": d["end"], "who": d["who"],
                "action": d["action"]}


def _query(request: AuthedRequest) -> str:
    return list_query(request)


@login_required
@require_GET
def access_log(request: AuthedRequest) -> HttpResponse:
    access_log_list(user=request.user)  # refuses (403) before anything is read
    form = AccessLogFilterForm(request.GET or None)
    valid = not form.is_bound or form.is_valid()
    entries = access_log_list(user=request.user, **form.filters()) if form.is_bound and valid else (
        access_log_list(user=request.user) if valid else [])
    try:  # numbered first pages, then cursors on (at, id), newest first: a deep page reads no skipped row
        page = list_page(request, entries, keys=("-at", "-id"), name="access-log", per_page=50)
    except BadCursor as exc:
        return bad_cursor_response(request, exc)
    page.object_list = access_entries_describe(page.object_list)
    query = _query(request)
    export_url = reverse("person_access_log_export") + (f"?{query}" if query else "")
    return render(request, "personnel/access_log.html", {"page": page, "form": form, "query": query,
                                                         "export_url": export_url}, status=200 if valid else 422)


@login_required
@require_GET
def access_log_export(request: AuthedRequest) -> HttpResponse:
    """The filtered rows as an Excel workbook (at most EXPORT_MAX; more is refused with a message on the page)."""
    access_log_list(user=request.user)
    form = AccessLogFilterForm(request.GET or None)
    page_url = f"{reverse('person_access_log')}?{_query(request)}"
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Bộ lọc chưa hợp lệ, chưa xuất được tệp."))
        return redirect(page_url)
    entries = access_log_list(user=request.user, **(form.filters() if form.is_bound else {}))
    total = entries.count()
    if total > EXPORT_MAX:
        messages.error(request, _("Có %(n)s bản ghi phù hợp, nhiều hơn mức tối đa %(max)s bản ghi cho một lần xuất. "
                                  "Hãy thu hẹp bộ lọc (ví dụ theo khoảng ngày) rồi xuất lại.") % {
            "n": number_format(total, force_grouping=True), "max": number_format(EXPORT_MAX, force_grouping=True)})
        return redirect(page_url)
    rows = [[i, timezone.localtime(e.at).strftime("%d/%m/%Y %H:%M:%S"), e.user.full_name or e.user.username,
             e.user.username, capfirst(e.action_label),  # type: ignore[attr-defined]
             f"{e.person.full_name} ({e.person.code})" if e.person else "", e.detail_text]  # type: ignore[attr-defined]
            for i, e in enumerate(access_entries_describe(entries[:EXPORT_MAX]), start=1)]
    wb = Workbook()
    ws = wb.active
    ws.title = _("Nhật ký truy cập")
    write_table(ws, title_lines=[_("NHẬT KÝ TRUY CẬP HỒ SƠ CÁN BỘ"),
                                 _("(Trích xuất ngày %(d)s)") % {"d": format_date(timezone.localdate())}],
                headers=[_("STT"), _("Thời điểm"), _("Người xem"), _("Tên đăng nhập"), _("Thao tác"), _("Hồ sơ"),
                         _("Chi tiết")],
                rows=rows, widths=[6, 20, 26, 18, 26, 32, 50])
    return file_response(workbook_bytes(wb), f"nhat-ky-truy-cap-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


urlpatterns = [path("can-bo/nhat-ky-truy-cap/", access_log, name="person_access_log"),
               path("can-bo/nhat-ky-truy-cap/xuat.xlsx", access_log_export, name="person_access_log_export")]
