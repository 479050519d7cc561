"""What every page view answers to htmx and plain form posts alike: a redirect after a success, the
form again with status 422 after a failure, and a service's ValidationError as messages."""

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def hx_redirect(request: HttpRequest, url: str) -> HttpResponse:
    """After a success: htmx follows `HX-Redirect` (a 302 would be followed inside the swap); a plain
    post gets a 302."""
    if getattr(request, "htmx", False):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)


def form_failure(request: HttpRequest, template: str, context: dict[str, Any], *, failed: bool = True) -> HttpResponse:
    """The form again with its errors: 422 when it failed (htmx swaps 422 too, see base.html), so a script
    sees the failure; 200 when it is only shown."""
    return render(request, template, context, status=422 if failed else 200)


def error_dict(exc: ValidationError) -> dict[str, list[str]]:
    """A service's ValidationError per field; one raised without fields goes under `__all__`."""
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"__all__": list(exc.messages)}


def error_messages(exc: ValidationError) -> list[str]:
    """A service's ValidationError as a flat list of messages, whether it names fields or not."""
    return [m for ms in error_dict(exc).values() for m in ms]
