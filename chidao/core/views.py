"""Pages of the core app: the user's own API tokens; everyone's tokens for administrators (the notifications' pages
are in notification_views)."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .errors import PermissionDenied, ValidationError
from .forms import ApiTokenForm, TokenListFilterForm, form_apply_errors
from .http import AuthedRequest
from .models import ApiToken
from .permissions import can_hold_write_token, can_manage_tokens
from .tokens import (
    TokenFilters,
    TokenState,
    api_token_create,
    api_token_get,
    api_token_list,
    api_token_list_all,
    api_token_revoke,
    token_days_max,
    token_owners,
    token_state,
)


def _token_rows(tokens: Any) -> list[tuple[ApiToken, TokenState]]:
    now = timezone.now()
    return [(t, token_state(t, now=now)) for t in tokens]


@never_cache
@login_required
def api_tokens(request: AuthedRequest) -> HttpResponse:
    """The user's own API tokens; a new one's secret is shown once, on the answer to its creation. A user who
    may not write is offered read tokens only."""
    options: dict[str, Any] = {"may_write": can_hold_write_token(request.user), "max_days": token_days_max()}
    form = ApiTokenForm(request.POST or None, **options)
    raw = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, raw = api_token_create(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form_apply_errors(form, exc)
        else:
            form = ApiTokenForm(**options)
    tokens = list(api_token_list(user=request.user))
    return render(request, "core/api_tokens.html", {
        "form": form, "tokens": tokens, "rows": _token_rows(tokens), "raw_token": raw,
        "states": TokenState,
    }, status=422 if form.errors else 200)


@login_required
@require_POST
def api_token_revoke_view(request: AuthedRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's own tokens (another's is 404 here, administrators included: their page is
    `admin_tokens`)."""
    return _revoke(request, api_token_get(user=request.user, pk=pk, own_only=True), "api_tokens")


def _revoke(request: AuthedRequest, token: ApiToken, back: str) -> HttpResponse:
    try:
        api_token_revoke(actor=request.user, token=token)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Đã thu hồi mã truy cập “%(name)s”.") % {"name": token.name})
    return redirect(back)


@never_cache
@login_required
def admin_tokens(request: AuthedRequest) -> HttpResponse:
    """Everyone's API tokens, for administrators: filter by owner and state, revoke any."""
    if not can_manage_tokens(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống xem được mã truy cập của mọi người."))
    form = TokenListFilterForm(request.GET or None, users=token_owners(), states=list(TokenState.choices))
    filters = TokenFilters()
    if form.is_valid():
        filters = TokenFilters(user=form.cleaned_data["user"], state=form.cleaned_data["state"] or "")
    tokens = api_token_list_all(actor=request.user, filters=filters)
    return render(request, "core/admin_tokens.html", {
        "form": form, "rows": _token_rows(tokens[:500]), "count": tokens.count(), "states": TokenState,
    })


@login_required
@require_POST
def admin_token_revoke(request: AuthedRequest, pk: int) -> HttpResponse:
    """An administrator revokes anyone's token; the change record names them."""
    if not can_manage_tokens(request.user):
        raise PermissionDenied(_("Chỉ quản trị hệ thống thu hồi được mã truy cập của người khác."))
    return _revoke(request, api_token_get(user=request.user, pk=pk), "admin_tokens")
