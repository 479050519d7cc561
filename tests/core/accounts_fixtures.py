"""Helpers of the account administration tests: the password link's URL name, and workbooks to import."""

import io
from collections.abc import Sequence

import pytest
from openpyxl import Workbook

HEADER = ["Tên đăng nhập", "Họ và tên", "Thư điện tử", "Điện thoại", "Vai trò", "Đơn vị"]


@pytest.fixture
def password_urls(settings):
    """The "set your password" page's URL name, as the password pages define it."""
    settings.ROOT_URLCONF = "tests.core.urls_password"
    settings.CHIDAO_SITE_URL = "https://chidao.example.vn"


def users_workbook(rows: Sequence[Sequence[object]], *, sheet: str = "Người dùng") -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(HEADER)
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    out.name = "tai-khoan.xlsx"
    return out
