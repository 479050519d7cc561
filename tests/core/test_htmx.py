"""The one htmx/form helper module: redirect, 422 form failure, error flattening."""

from django.core.exceptions import ValidationError
from django.test import RequestFactory

from chidao.core.htmx import error_dict, error_messages, hx_redirect


def test_error_messages_of_a_validation_error_with_fields():
    exc = ValidationError({"name": ["Nhập tên."], "code": ["Mã trùng.", "Mã quá dài."]})
    assert error_dict(exc) == {"name": ["Nhập tên."], "code": ["Mã trùng.", "Mã quá dài."]}
    assert error_messages(exc) == ["Nhập tên.", "Mã trùng.", "Mã quá dài."]


def test_error_messages_of_a_validation_error_without_a_field_dict():
    # Given errors raised without naming a field (a message, or a list of them)
    single, several = ValidationError("Đợt đã phê duyệt."), ValidationError(["Một.", "Hai."])
    # Then they flatten instead of crashing (`message_dict` raises AttributeError on them)
    assert error_dict(single) == {"__all__": ["Đợt đã phê duyệt."]}
    assert error_messages(single) == ["Đợt đã phê duyệt."]
    assert error_messages(several) == ["Một.", "Hai."]


def test_hx_redirect_answers_htmx_with_a_header_and_a_form_post_with_a_302():
    request = RequestFactory().post("/")
    request.htmx = True  # type: ignore[attr-defined]
    response = hx_redirect(request, "/chuong-trinh/1/")
    assert (response.status_code, response["HX-Redirect"]) == (204, "/chuong-trinh/1/")
    request.htmx = False  # type: ignore[attr-defined]
    response = hx_redirect(request, "/chuong-trinh/1/")
    assert (response.status_code, response["Location"]) == (302, "/chuong-trinh/1/")
