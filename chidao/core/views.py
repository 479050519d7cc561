"""Pages of the core app: the user's notifications."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .http import AuthedRequest
from .notifications import notification_list, notifications_mark_read


@login_required
def notifications(request: AuthedRequest) -> HttpResponse:
    items = notification_list(user=request.user)[:100]
    return render(request, "core/notifications.html", {"notifications": items})


@login_required
@require_POST
def notifications_read(request: AuthedRequest) -> HttpResponse:
    if notifications_mark_read(user=request.user):
        messages.success(request, _("Đã đánh dấu tất cả thông báo là đã đọc."))
    return redirect("notifications")
