"""Request type for views and endpoints behind a login: `request.user` is a `User`."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.middleware import HtmxDetails

from .models import User

# The file types the app hands out, named once.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]
    htmx: HtmxDetails


def import_page(request: HttpRequest, template: str, form: Any, result: Any) -> HttpResponse:
    """An Excel import page: the form, then either the counts or the error table (first 1,000 errors);
    a refused file or form answers 422, so htmx swaps it and a script sees the failure."""
    refused = (result is not None and not result.ok) or (request.method == "POST" and bool(form.errors))
    return render(request, template, {
        "form": form, "result": result, "errors": result.errors[:1000] if result else [],
        "max_mb": settings.CHIDAO_UPLOAD_MAX_BYTES // (1024 * 1024),
    }, status=422 if refused else 200)
