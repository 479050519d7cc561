"""Password rules with their messages in Vietnamese.

Django's own validators are used as they are, except the minimum length: since Django 5.0 its message is a new
msgid ("... at least %d characters.") that Django's Vietnamese catalog does not have yet, so it would show in
English. This subclass says the same in Vietnamese (and in English through the project's catalog)."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return _("Mật khẩu quá ngắn: cần ít nhất %(n)d ký tự.") % {"n": self.min_length}

    def get_help_text(self) -> str:
        return _("Mật khẩu cần ít nhất %(n)d ký tự.") % {"n": self.min_length}
