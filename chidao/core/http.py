"""What pages and the API share at the HTTP edge: the request type behind a login (`request.user` is a
`User`), the file types, the download responses (in memory or from storage) and the import page answer."""

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
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


def file_response(content: bytes, name: str, mime: str) -> HttpResponse:
    """A download built in memory: the bytes with their type and file name."""
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def stored_file_response(stored: FieldFile | Path, name: str, *, missing: str, mime: str | None = None) -> FileResponse:
    """A download of a stored file (a FileField's file or a path), streamed; a file gone from storage is a
    404 with `missing` as its message, for pages and the API alike. No `mime`: guessed from the name."""
    try:
        handle = stored.open("rb")
    except OSError as exc:  # FileNotFoundError, or storage that cannot be read
        raise Http404(missing) from exc
    if mime is None:
        return FileResponse(handle, as_attachment=True, filename=name)
    return FileResponse(handle, as_attachment=True, filename=name, content_type=mime)


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
