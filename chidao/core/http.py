"""Request type for views and endpoints behind a login: `request.user` is a `User`."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from .models import User


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]
    htmx: HtmxDetails


SHOWN_IMPORT_ERRORS = 1000  # the error table (page and API) shows at most this many


def import_page(request: HttpRequest, template: str, form: Any, result: Any, *,
                labels: Mapping[str, str] | None = None, summary: str = "", next_url: str = "", next_label: str = "",
                context: Mapping[str, Any] | None = None) -> HttpResponse:
    """An Excel import page: the form, then the one result template (core/import_result.html: the counts named by
    `labels`, or the error table with the first 1,000 errors); a refused file or form answers 422, so htmx swaps
    it and a script sees the failure. The page's template includes the result with `{% include
    "core/import_result.html" %}` when `result` is set."""
    refused = (result is not None and not result.ok) or (request.method == "POST" and bool(form.errors))
    counts = [(key, label, result.counts.get(key, 0)) for key, label in (labels or {}).items()] if result else []
    return render(request, template, {
        **(context or {}),
        "form": form, "result": result, "errors": result.errors[:SHOWN_IMPORT_ERRORS] if result else [],
        "counts": counts, "summary": summary, "next_url": next_url, "next_label": next_label,
        "max_mb": settings.CHIDAO_UPLOAD_MAX_BYTES // (1024 * 1024),
    }, status=422 if refused else 200)
