"""The "Việc của tôi" page and its bulk actions: thin adapters over `inbox` (reads) and `inbox_services`
(writes)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chidao.core.dates import format_date
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.forms import form_apply_errors
from chidao.core.htmx import hx_redirect
from chidao.core.http import XLSX, AuthedRequest, file_response

from . import excel, permissions
from .context_processors import InboxCount
from .forms import ExtensionForm
from .inbox import Inbox, days_ahead, inbox_get, inbox_selection
from .inbox_services import deliverables_extend_deadline, inbox_seen_mark

MAX_SELECTED = 1000  # ids read from one request
DAYS_CHOICES = (3, 7, 14, 30, 60)


class BulkExtensionForm(ExtensionForm):
    """One new deadline, approval and reason for every selected item (no version: each item is locked and
    checked as it is extended)."""

    version = None  # type: ignore[assignment]


def _ids(data: QueryDict) -> list[int]:
    return list(dict.fromkeys(int(v) for v in data.getlist("ids")[:MAX_SELECTED] if v.isdigit()))


def _context(request: AuthedRequest, box: Inbox, form: BulkExtensionForm | None = None) -> dict[str, object]:
    context: dict[str, object] = {
        "inbox": box, "extension_form": form or BulkExtensionForm(prefix="ext"),
        "days_choices": sorted({*DAYS_CHOICES, box.days}),
        "can_extend": permissions.can_manage_programs(request.user),
    }
    if box.days == settings.CHIDAO_REMINDER_DAYS_AHEAD:
        context["inbox_count"] = InboxCount(lambda: box.count)  # the top bar's figure, already counted
    return context


@login_required
def inbox(request: AuthedRequest) -> HttpResponse:
    box = inbox_get(user=request.user, days=days_ahead(request.GET.get("days")))
    if box.changes is not None:
        inbox_seen_mark(user=request.user)  # the next visit shows what changed after this one
    return render(request, "programs/inbox.html", _context(request, box))


@login_required
@require_POST
def inbox_extend(request: AuthedRequest) -> HttpResponse:
    """Extend the selected items' deadlines with one reason: all or none (the office)."""
    if not permissions.can_manage_programs(request.user):
        raise PermissionDenied(_("Chỉ cơ quan thường trực ghi nhận gia hạn."))
    form = BulkExtensionForm(request.POST, prefix="ext")
    ids = _ids(request.POST)
    if form.is_valid():
        selected = list(inbox_selection(user=request.user, ids=ids))
        try:
            if len(selected) < len(ids):
                raise ValidationError({"ids": _("Không tìm thấy %(n)s nội dung đã chọn.") % {
                    "n": len(ids) - len(selected)}})
            extended = deliverables_extend_deadline(actor=request.user, deliverables=selected, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            messages.success(request, _("Đã gia hạn %(n)s nội dung đến ngày %(d)s.") % {
                "n": len(extended), "d": format_date(form.cleaned_data["new_deadline"])})
            return hx_redirect(request, reverse("inbox"))
    if request.htmx:
        return render(request, "programs/inbox.html#extend", _context(request, _box(request), form), status=422)
    return render(request, "programs/inbox.html", _context(request, _box(request), form), status=422)


def _box(request: AuthedRequest) -> Inbox:
    return inbox_get(user=request.user, days=days_ahead(request.POST.get("days")))


@login_required
def inbox_export(request: AuthedRequest) -> HttpResponse:
    """The selected items (those the user sees) in an Excel workbook."""
    selected = list(inbox_selection(user=request.user, ids=_ids(request.GET)))
    if not selected:
        messages.info(request, _("Chưa chọn nội dung nào để xuất Excel."))
        return redirect("inbox")
    data = excel.deliverables_export(program=None, deliverables=selected)
    return file_response(data, f"viec-cua-toi-{timezone.localdate():%Y%m%d}.xlsx", XLSX)
