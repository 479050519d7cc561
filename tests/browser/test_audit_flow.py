"""End to end in real Chromium (issue 15, audit pages): the auditor opens the change log from the top bar, filters it
by a user (typed without diacritics) and a date range, sees exactly that user's rows of those days, newest first, in
Vietnamese, then exports them to Excel and the workbook holds the same rows."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from chidao.core.audit import change_record_create
from chidao.core.models import ChangeRecord, Role, User
from tests.conftest import at, build_units

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _user(username: str, full_name: str, role: str) -> User:
    user = User(username=username, full_name=full_name, role=role)
    user.set_password("Mat-khau-2026")
    user.save()
    return user


def _record(actor, action, obj, when, before, after) -> ChangeRecord:
    record = change_record_create(actor=actor, action=action, obj=obj, before=before, after=after)
    ChangeRecord.objects.filter(pk=record.pk).update(at=when)
    return record


def test_the_auditor_filters_the_change_log_by_user_and_dates_then_exports(page: Page, live_server, settings):
    settings.CHIDAO_OTP_REQUIRED_ROLES = []  # the second factor has its own flow
    units = build_units()
    _user("kiemtra", "Kiểm Tra Viên", Role.AUDITOR)
    hang = _user("hangnt", "Nguyễn Thị Hằng", Role.OFFICE)
    admin = _user("quantri", "Quản Trị", Role.ADMIN)
    ChangeRecord.objects.all().delete()
    before = _record(hang, "update", units["snv"], at(2025, 2, 28, 23) + dt.timedelta(minutes=59),
                     {"short_name": ""}, {"short_name": "SNV"})
    first = _record(hang, "update", units["stc"], at(2025, 3, 1, 0) + dt.timedelta(minutes=5),
                    {"short_name": ""}, {"short_name": "STC"})
    _record(admin, "update", units["stp"], at(2025, 3, 2, 10), {"short_name": ""}, {"short_name": "STP"})
    last = _record(hang, "unit_merge", units["stp"], at(2025, 3, 5, 23) + dt.timedelta(minutes=55),
                   {"valid_to": None}, {"valid_to": "2025-03-05"})
    _record(hang, "update", units["tu"], at(2025, 3, 6, 0) + dt.timedelta(minutes=1), {"short_name": ""},
            {"short_name": "TU"})
    assert before.pk and ChangeRecord.objects.count() == 5

    page.goto("/dang-nhap/")
    page.locator("#id_username").fill("kiemtra")
    page.locator("#id_password").fill("Mat-khau-2026")
    page.locator("form:has(#id_username) button[type=submit]").click()
    page.get_by_test_id("change-log-link").click()
    expect(page.get_by_test_id("change-log-count")).to_have_text("5 bản ghi")

    # When the auditor filters by the user (no diacritics typed) and the days 01/03/2025–05/03/2025
    page.locator("#id_who").fill("nguyen thi hang")
    page.locator("#id_since").fill("01/03/2025")
    page.locator("#id_until").fill("05/03/2025")
    page.get_by_test_id("change-log-filter").click()

    # Then exactly her two records of those days show, newest first, in words
    expect(page.get_by_test_id("change-log-count")).to_have_text("2 bản ghi")
    rows = page.locator("table[data-testid=change-log] tbody tr")
    expect(rows).to_have_count(2)
    assert [rows.nth(i).get_attribute("data-testid") for i in range(2)] == [f"change-{last.pk}", f"change-{first.pk}"]
    expect(rows.nth(0)).to_contain_text("Hợp nhất đơn vị")
    expect(rows.nth(0)).to_contain_text("Hiệu lực đến: ∅ → 05/03/2025")
    expect(rows.nth(1)).to_contain_text("Sửa thông tin")
    expect(rows.nth(1)).to_contain_text("Tên viết tắt: ∅ → STC")
    expect(rows.nth(1)).to_contain_text("Nguyễn Thị Hằng")
    assert "who=nguyen+thi+hang" in page.url and "since=01%2F03%2F2025" in page.url

    # And the export holds the same two rows
    with page.expect_download() as info:
        page.get_by_test_id("change-log-export").click()
    download = info.value
    assert download.suggested_filename.startswith("nhat-ky-thay-doi-")
    ws = load_workbook(io.BytesIO(open(download.path(), "rb").read())).active
    data = [list(r)[:5] for r in ws.iter_rows(min_row=5, values_only=True)]
    assert data == [
        [1, "05/03/2025 23:55:00", "Nguyễn Thị Hằng", "Hợp nhất đơn vị", "Đơn vị"],
        [2, "01/03/2025 00:05:00", "Nguyễn Thị Hằng", "Sửa thông tin", "Đơn vị"],
    ]
