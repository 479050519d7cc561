"""The forgot-password mail, sent by the background worker (`chidao db_worker`), not by the request.

The request only enqueues the address it was given, known or not, so its answer takes the same time either way:
sending the mail (an SMTP exchange of a second or more) inside the request would tell a stranger, by the delay,
that the address has an account. The worker finds the active accounts with the address and mails each its link,
which starts with CHIDAO_SITE_URL (never a request's Host header). No secret is stored in the queue: the link
is made by the worker."""

import unicodedata
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django_tasks import task

from .models import User

EMAIL_TEMPLATE = "core/password_reset_email.txt"
SUBJECT_TEMPLATE = "core/password_reset_subject.txt"


def _same_email(a: str, b: str) -> bool:
    return unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()


class ResetRequestForm(PasswordResetForm):
    """The forgot-password form: the email's link starts with CHIDAO_SITE_URL."""

    def get_users(self, email: str) -> Iterator[Any]:
        """Active users with this address (case ignored), including those who have not set a password yet (a
        new user whose first link expired asks for another here)."""
        found = User._default_manager.filter(email__iexact=email, is_active=True).exclude(email="")
        return (u for u in found if _same_email(email, u.email))


def link_hours() -> int:
    """How many hours a reset link works (PASSWORD_RESET_TIMEOUT, at least 1 as said)."""
    return max(1, round(settings.PASSWORD_RESET_TIMEOUT / 3600))


def password_reset_mail_send(*, email: str) -> None:
    """Mail a reset link to every active account with `email` (none: nothing is sent)."""
    form = ResetRequestForm({"email": email})
    if not form.is_valid():
        return
    site = settings.CHIDAO_SITE_URL.rstrip("/")
    parts = urlsplit(site)
    # domain_override: Django never asks the request (there is none here) for its host
    form.save(domain_override=parts.netloc or "localhost", use_https=parts.scheme == "https",
              email_template_name=EMAIL_TEMPLATE, subject_template_name=SUBJECT_TEMPLATE, request=None,
              extra_email_context={"site_url": site, "timeout_hours": str(link_hours())})


@task()
def password_reset_mail_task(email: str, language: str = "vi") -> None:
    """The mail in the language of the page it was asked from."""
    with translation.override(language):
        password_reset_mail_send(email=email)
