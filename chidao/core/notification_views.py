"""The user's own notifications: the list (paged, unread first to the eye), marking read, and the email choices.

Each user sees and marks only their own (`notification_list`, `notifications_mark_read` filter by the user):
another user's id in a "mark read" post changes nothing.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .htmx import hx_redirect
from .http import AuthedRequest
from .notification_forms import NotificationPreferencesForm
from .notification_items import digest_entries
from .notifications import (
    notification_list,
    notification_preferences,
    notification_preferences_set,
    notifications_mark_read,
    notifications_unread_count,
)


def _page_number(raw: str | None) -> int:
    try:
        return max(int(raw or 1), 1)
    except ValueError:
        return 1


@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    """The user's notifications, newest first, a page at a time; `?chua-doc=1` keeps the unread ones."""
    items = notification_list(user=request.user)
    unread_only = request.GET.get("chua-doc") == "1"
    if unread_only:
        items = items.filter(read_at__isnull=True)
    page = Paginator(items, settings.CHIDAO_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    entries = digest_entries(user=request.user, notifications=shown)
    rows = [(n, entries.get(n.pk, [])) for n in shown]
    return render(request, "core/notifications.html", {
        "page": page, "rows": rows, "unread_only": unread_only, "query": "chua-doc=1" if unread_only else "",
        "unread_total": notifications_unread_count(user=request.user),
    })


def _ids(request: AuthedRequest) -> list[int] | None:
    """The notifications a "mark read" post names: one (`one`), the ticked ones (`ids`, with the `selected`
    button), or else all (None)."""
    if request.POST.get("one"):
        raw = [request.POST["one"]]
    elif "selected" in request.POST:
        raw = request.POST.getlist("ids")
    else:
        return None
    return [int(v) for v in raw if v.isdigit()]


@login_required
@require_POST
def notifications_read(request: AuthedRequest) -> HttpResponse:
    """Mark read one, the ticked ones, or all of the user's own notifications; back to the same page."""
    ids = _ids(request)
    if ids == []:
        messages.warning(request, _("Chưa chọn thông báo nào."))
    else:
        marked = notifications_mark_read(user=request.user, ids=ids)
        if ids is None and marked:
            messages.success(request, _("Đã đánh dấu tất cả thông báo là đã đọc."))
        elif marked:
            messages.success(request, ngettext("Đã đánh dấu %(n)d thông báo là đã đọc.",
                                               "Đã đánh dấu %(n)d thông báo là đã đọc.", marked) % {"n": marked})
    url = reverse("notifications")
    query = []
    if request.POST.get("chua-doc") == "1":
        query.append("chua-doc=1")
    page = _page_number(request.POST.get("page"))
    if page > 1:
        query.append(f"page={page}")
    return hx_redirect(request, url + ("?" + "&".join(query) if query else ""))


@login_required
def notifications_preferences(request: AuthedRequest) -> HttpResponse:
    """The user's own choice, per kind, of how notifications reach them by email (always in the app)."""
    form = NotificationPreferencesForm(request.POST or None, current=notification_preferences(user=request.user))
    if request.method == "POST" and form.is_valid():
        notification_preferences_set(user=request.user, choices=form.cleaned_data)
        messages.success(request, _("Đã lưu cách nhận thông báo qua thư."))
        return hx_redirect(request, reverse("notifications_preferences"))
    return render(request, "core/notifications_preferences.html", {"form": form},
                  status=422 if form.errors else 200)
