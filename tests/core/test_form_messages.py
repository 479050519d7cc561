"""Django's stock form messages read as plain Vietnamese: no stray space before the full stop, no solver word
("khả thi"), a whole number called a whole number (chidao.core.form_messages)."""

import pytest
from django import forms
from django.urls import reverse

from chidao.programs.models import Note

pytestmark = pytest.mark.django_db


class Sample(forms.Form):
    name = forms.CharField(max_length=3)
    count = forms.IntegerField(min_value=1, max_value=5)
    share = forms.DecimalField(max_digits=3, decimal_places=1)
    kind = forms.ChoiceField(choices=[("a", "A")])
    day = forms.DateField()


def test_the_stock_messages_are_plain_vietnamese():
    # Given values every field refuses
    form = Sample({"name": "abcd", "count": "9", "share": "123.4", "kind": "b", "day": "ngày mai"})
    # When the form is checked, then each says what is wrong in plain words
    assert not form.is_valid()
    assert {name: list(errors) for name, errors in form.errors.items()} == {
        "name": ["Tối đa 3 ký tự (đã nhập 4)."],
        "count": ["Giá trị phải nhỏ hơn hoặc bằng 5."],
        "share": ["Nhập tối đa 3 chữ số."],
        "kind": ["“b” không có trong danh sách để chọn; hãy chọn lại."],
        "day": ["Nhập ngày theo dạng dd/mm/yyyy."],
    }
    assert Sample({"count": "0"}).errors["count"] == ["Giá trị phải lớn hơn hoặc bằng 1."]
    assert Sample({"count": "1,5"}).errors["count"] == ["Nhập một số nguyên."]


def test_a_progress_over_100_percent_is_refused_in_plain_words(client, users, make_deliverable):
    # Given a deliverable of Sở Nội vụ
    d = make_deliverable(lead="snv")
    client.force_login(users["snv"])
    # When its officer sends a progress of 150 %
    response = client.post(reverse("deliverable_note", args=[d.pk]),
                           {"kind": Note.Kind.PROGRESS, "text": "Tiến độ", "percent": "150"})
    # Then the page says so without a stray space, and nothing is written
    body = response.content.decode()
    assert "Giá trị phải nhỏ hơn hoặc bằng 100." in body
    assert " ." not in body and "khả thi" not in body
    assert Note.objects.filter(deliverable=d).count() == 0
