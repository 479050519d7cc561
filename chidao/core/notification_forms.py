"""The user's email choices per kind of notification: the page's form and the API's check, one rule."""

from typing import Any

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .errors import ValidationError
from .models import EmailMode, NotificationKind

# The daily reminders are the daily email itself: "at once" and "in the daily email" mean the same for them.
REMINDER_MODES: list[tuple[str, Any]] = [
    (EmailMode.IMMEDIATE, gettext_lazy("gửi thư mỗi sáng")), (EmailMode.OFF, EmailMode.OFF.label)]


def preference_modes(kind: str) -> list[tuple[str, Any]]:
    return REMINDER_MODES if kind == NotificationKind.REMINDER_DIGEST else list(EmailMode.choices)


class NotificationPreferencesForm(forms.Form):
    """One choice per kind of notification, in the kinds' order (no choice saved: "gửi thư ngay")."""

    def __init__(self, *args: Any, current: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            value = current.get(kind, EmailMode.IMMEDIATE)
            if kind == NotificationKind.REMINDER_DIGEST and value == EmailMode.DIGEST:
                value = EmailMode.IMMEDIATE
            self.fields[kind] = forms.ChoiceField(
                label=capfirst(label), choices=preference_modes(kind), initial=value, widget=forms.RadioSelect)


def preferences_clean(choices: dict[str, str]) -> dict[str, str]:
    """The API's choices checked as the page's form checks them: known kinds, known modes."""
    errors: dict[str, str] = {}
    for kind, mode in choices.items():
        if kind not in NotificationKind.values:
            errors[kind] = _("Không có loại thông báo “%(k)s”.") % {"k": kind}
        elif mode not in EmailMode.values:
            errors[kind] = _("Cách nhận thư “%(m)s” không hợp lệ; chọn một trong: %(all)s.") % {
                "m": mode, "all": ", ".join(EmailMode.values)}
    if errors:
        raise ValidationError(errors)
    return dict(choices)
