"""Django's stock form and validator messages in plain administrative Vietnamese.

Django's Vietnamese catalog says some of them clumsily or wrongly: a stray space before the full stop
("nhỏ hơn hoặc bằng với 5 ."), "Nhập một số tổng thể." for a whole number, "các lựa chọn khả thi" (the
solver's "feasible") for the choices offered, a missing full stop. The project does not ship a catalog for
Vietnamese (its msgids are Vietnamese), so the messages are set here, once, from CoreConfig.ready, on the
framework's public class attributes (`default_error_messages`, a validator's `message`), with Vietnamese
msgids the English catalog translates. A message a form or a service gives itself is left alone.
"""

from typing import Any

from django import forms
from django.core import validators
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

CHOICE_NOT_OFFERED = _("“%(value)s” không có trong danh sách để chọn; hãy chọn lại.")

FIELD_MESSAGES: dict[type[forms.Field], dict[str, Any]] = {
    forms.IntegerField: {"invalid": _("Nhập một số nguyên.")},
    forms.DateField: {"invalid": _("Nhập ngày theo dạng dd/mm/yyyy.")},
    forms.DecimalField: {"invalid": _("Nhập một số.")},
    forms.FloatField: {"invalid": _("Nhập một số.")},
    forms.ChoiceField: {"invalid_choice": CHOICE_NOT_OFFERED},
    forms.MultipleChoiceField: {"invalid_choice": CHOICE_NOT_OFFERED, "invalid_list": _("Chọn trong danh sách.")},
    forms.ModelChoiceField: {"invalid_choice": _("Lựa chọn này không có trong danh sách để chọn; hãy chọn lại.")},
    forms.ModelMultipleChoiceField: {"invalid_choice": CHOICE_NOT_OFFERED,
                                     "invalid_pk_value": _("“%(pk)s” không phải là giá trị hợp lệ.")},
    forms.FileField: {"empty": _("Tệp gửi lên không có nội dung."),
                      "missing": _("Chưa có tệp nào được gửi lên."),
                      "invalid": _("Không đọc được tệp gửi lên; hãy chọn lại tệp.")},
}

VALIDATOR_MESSAGES: dict[type[Any], Any] = {
    validators.EmailValidator: _("Nhập một địa chỉ thư điện tử hợp lệ."),
    validators.MaxValueValidator: _("Giá trị phải nhỏ hơn hoặc bằng %(limit_value)s."),
    validators.MinValueValidator: _("Giá trị phải lớn hơn hoặc bằng %(limit_value)s."),
    validators.MaxLengthValidator: ngettext_lazy(
        "Tối đa %(limit_value)d ký tự (đã nhập %(show_value)d).",
        "Tối đa %(limit_value)d ký tự (đã nhập %(show_value)d).", "limit_value"),
    validators.MinLengthValidator: ngettext_lazy(
        "Cần ít nhất %(limit_value)d ký tự (đã nhập %(show_value)d).",
        "Cần ít nhất %(limit_value)d ký tự (đã nhập %(show_value)d).", "limit_value"),
}

DECIMAL_MESSAGES: dict[str, Any] = {
    "max_digits": ngettext_lazy("Nhập tối đa %(max)s chữ số.", "Nhập tối đa %(max)s chữ số.", "max"),
    "max_decimal_places": ngettext_lazy("Nhập tối đa %(max)s chữ số sau dấu phẩy.",
                                        "Nhập tối đa %(max)s chữ số sau dấu phẩy.", "max"),
    "max_whole_digits": ngettext_lazy("Nhập tối đa %(max)s chữ số trước dấu phẩy.",
                                      "Nhập tối đa %(max)s chữ số trước dấu phẩy.", "max"),
}


def install_form_messages() -> None:
    """Every form of every app says the stock messages above (called once from CoreConfig.ready)."""
    for field, messages in FIELD_MESSAGES.items():
        field.default_error_messages = {**field.default_error_messages, **messages}
    for validator, message in VALIDATOR_MESSAGES.items():
        validator.message = message
    decimal: dict[str, Any] = {**validators.DecimalValidator.messages, **DECIMAL_MESSAGES}
    validators.DecimalValidator.messages = decimal
