"""Pages of the core app: the user's notifications and their own API tokens."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .errors import ValidationError
from .forms import ApiTokenForm, form_apply_errors
from .http import AuthedRequest
from .notifications import notification_list, notifications_mark_read
from .tokens import api_token_create, api_token_get, api_token_list, api_token_revoke


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


@never_cache
@login_required
def api_tokens(request: AuthedRequest) -> HttpResponse:
    """The user's own API tokens; a new one's secret is shown once, on the answer to its creation."""
    form = ApiTokenForm(request.POST or None)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = api_token_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            form = ApiTokenForm()
    return render(request, "core/api_tokens.html", {
        "form": form, "tokens": api_token_list(user=request.user), "raw_token": raw,
    }, status=422 if form.errors else 200)


@login_required
@require_POST
def api_token_revoke_view(request: AuthedRequest, pk: int) -> HttpResponse:
    token = api_token_get(user=request.user, pk=pk)
    try:
        api_token_revoke(actor=request.user, token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã thu hồi mã truy cập “%(name)s”.") % {"name": token.name})
    return redirect("api_tokens")
