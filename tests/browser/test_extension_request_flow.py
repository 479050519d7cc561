"""End to end in real Chromium at phone width (390 px): a lead officer asks for a deadline extension on the
deliverable's page, the standing office is told and grants it there, and the officer is told of the decision."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from chidao.core.models import User
from chidao.programs import services
from chidao.programs.models import DeadlineExtensionRequest, Deliverable

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


def _log_in(page: Page, user: User) -> None:
    page.context.clear_cookies()
    page.goto("/dang-nhap/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill("pw")
    page.locator("form:has(#id_username) button[type=submit]").click()
    expect(page.get_by_test_id("who")).to_contain_text(str(user))


def _no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_an_extension_is_asked_granted_and_each_side_told(page: Page, users, units, program):
    # Given the Sở Nội vụ's deliverable due 30/09/2026, assigned today
    d = services.deliverable_create(
        actor=users["office"], program=program, code="05", kind="de_an", title="Đề án vị trí việc làm",
        lead_unit=units["snv"], original_deadline=dt.date(2026, 9, 30))
    page.set_viewport_size(PHONE)
    # When the unit's officer asks on the deliverable's page for 31/12/2026
    _log_in(page, users["snv"])
    page.goto(f"/noi-dung/{d.pk}/")
    _no_sideways_scroll(page)
    page.locator("#id_req-new_deadline").fill("31/12/2026")
    page.locator("#id_req-reason").fill("Chờ ý kiến thẩm định của Bộ Nội vụ")
    page.get_by_test_id("extension-request").click()
    # Then the request waits for the office, and the form is gone
    expect(page.get_by_test_id("extension-pending")).to_contain_text("31/12/2026")
    expect(page.get_by_test_id("extension-request")).to_have_count(0)
    _no_sideways_scroll(page)
    # When the office reads its notifications and decides on the same page
    _log_in(page, users["office"])
    page.goto("/thong-bao/")
    expect(page.get_by_test_id("notification").first).to_contain_text("Đề nghị gia hạn: 05. Đề án vị trí việc làm")
    page.goto(f"/noi-dung/{d.pk}/")
    page.locator("#id_dec-approved_by").fill("Thường trực Thành ủy")
    page.locator("#id_dec-approved_on").fill("02/06/2025")
    page.get_by_test_id("extension-decide").click()
    # Then the deadline is the requested one
    expect(page.locator(".facts")).to_contain_text("31/12/2026")
    _no_sideways_scroll(page)
    assert Deliverable.objects.get(pk=d.pk).deadline == dt.date(2026, 12, 31)
    assert DeadlineExtensionRequest.objects.get().state == DeadlineExtensionRequest.State.GRANTED
    # And the officer is told
    _log_in(page, users["snv"])
    page.goto("/thong-bao/")
    expect(page.get_by_test_id("notification").first).to_contain_text("Đồng ý gia hạn: 05. Đề án vị trí việc làm")
