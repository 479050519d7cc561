"""Request type for views and endpoints behind a login: `request.user` is a `User`."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from .models import User


class AuthedRequest(HttpRequest):
    user: User  # type: ignore[assignment]
    htmx: HtmxDetails
