"""End to end in real Chromium: a submission reaches the standing office's "Việc của tôi", and leaves it when
approved.

Sở Nội vụ's lead officer signs in (and lands on the inbox), opens the item due in three days from "Đến hạn" and
submits it; the office's officer signs in, lands on the inbox, finds it under "Chờ phê duyệt" with the top bar's
count at one, opens it from there and approves it with the approving document; back on the inbox the queue is
empty and the top bar has no count. At phone width the inbox's tables scroll inside their own boxes.
"""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from chidao.core.models import Notification
from chidao.programs import services
from chidao.programs.models import Deliverable, Status
from tests.conftest import at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _log_in(page: Page, username: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("pw")
    page.locator("form:has(#id_username) button[type=submit]").click()
    expect(page.get_by_test_id("who")).to_contain_text(username)


def _log_out(page: Page) -> None:
    page.locator("form[action='/dang-xuat/'] button").click()
    expect(page.get_by_test_id("who")).to_have_count(0)


def _transition(page: Page, to_status: str) -> None:
    page.wait_for_function("() => typeof window.htmx === 'object'", polling=100)
    page.locator("#id_to_status").select_option(to_status)


def test_a_submission_reaches_the_office_queue_and_leaves_it_when_approved(page: Page, live_server, users, units,
                                                                           program, settings, tmp_path, results_dir):
    settings.CHIDAO_OTP_REQUIRED_ROLES = []  # the second factor has its own flow (test_otp_flow)
    # Given Sở Nội vụ's item in progress, due in three days
    today = timezone.localdate()
    item = services.deliverable_create(
        actor=users["office"], program=program, code="07", kind="de_an", title="Đề án vị trí việc làm",
        lead_unit=units["snv"], original_deadline=today + dt.timedelta(days=3), at=at(2021, 4, 1))
    services.deliverable_transition(actor=users["snv"], deliverable=item, to_status=Status.IN_PROGRESS)
    for name in ("office", "snv"):
        users[name].email = f"{name}@example.vn"
        users[name].save()

    # When the lead officer signs in: the inbox, with the item under "Đến hạn"
    _log_in(page, "officer_snv")
    expect(page).to_have_url(f"{live_server.url}/viec-cua-toi/")
    due = page.get_by_test_id("section-due_soon")
    expect(due.get_by_test_id("row-due_soon")).to_have_count(1)
    expect(page.get_by_test_id("inbox-count")).to_have_text("1")
    page.screenshot(path=str(results_dir / "inbox_lead_officer.png"), full_page=True)
    # and submits it from its page
    due.get_by_role("link", name="01-CTr/TU · 07. Đề án vị trí việc làm").click()
    expect(page).to_have_url(f"{live_server.url}/noi-dung/{item.pk}/")
    _transition(page, Status.SUBMITTED)
    page.get_by_test_id("transition-submit").click()
    expect(page.get_by_test_id("status")).to_have_text("đã trình")
    # the item now waits for the office, not for the unit
    page.goto("/viec-cua-toi/")
    expect(page.get_by_test_id("row-due_soon")).to_have_count(0)
    expect(page.get_by_test_id("inbox-count")).to_have_count(0)
    _log_out(page)

    # Then the office's officer lands on the inbox and finds it under "Chờ phê duyệt", counted in the top bar
    _log_in(page, "office")
    expect(page).to_have_url(f"{live_server.url}/viec-cua-toi/")
    queue = page.get_by_test_id("section-awaiting_approval")
    expect(queue).to_contain_text("Chờ phê duyệt")
    expect(queue.get_by_test_id("count-awaiting_approval")).to_have_text("1")
    rows = queue.get_by_test_id("row-awaiting_approval")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Đề án vị trí việc làm")
    expect(rows.first).to_contain_text("Sở Nội vụ")
    expect(rows.first.get_by_test_id("days")).to_have_text("0")
    expect(page.get_by_test_id("inbox-count")).to_have_text("1")

    # At phone width the page does not widen: the table scrolls inside its own box
    page.set_viewport_size(PHONE)
    main_width = page.evaluate("document.querySelector('main').scrollWidth")
    assert main_width <= PHONE["width"], f"the inbox's content is {main_width} px wide"
    assert page.evaluate("getComputedStyle(document.querySelector('#awaiting_approval .table-wrap')).overflowX") \
        == "auto"
    page.screenshot(path=str(results_dir / "inbox_office_phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # When the office approves it, with the approving document
    rows.first.get_by_role("link").click()
    expect(page).to_have_url(f"{live_server.url}/noi-dung/{item.pk}/")
    _transition(page, Status.COMPLETED)
    page.locator("#id_doc_number").fill("15/QĐ-BCĐ")
    page.locator("#id_doc_date").fill(today.strftime("%d/%m/%Y"))
    document = tmp_path / "phe-duyet.pdf"
    document.write_bytes(b"%PDF-1.4\n%test\n")
    page.locator("#id_file").set_input_files(str(document))
    page.get_by_test_id("transition-submit").click()
    expect(page.get_by_test_id("status")).to_have_text("đã hoàn thành")

    # Then it leaves the queue, and the top bar has nothing waiting
    page.get_by_test_id("inbox-link").click()
    expect(page).to_have_url(f"{live_server.url}/viec-cua-toi/")
    expect(page.get_by_test_id("row-awaiting_approval")).to_have_count(0)
    expect(page.get_by_test_id("section-awaiting_approval")).to_contain_text(
        "Không có nội dung nào đang chờ phê duyệt.")
    expect(page.get_by_test_id("inbox-count")).to_have_count(0)
    assert Deliverable.objects.get(pk=item.pk).status == Status.COMPLETED

    # And the submission reached the office by email and in its notifications; the approval reached the unit
    submitted = Notification.objects.get(user=users["office"], kind="submitted")
    approved = Notification.objects.get(user=users["snv"], kind="approved")
    assert (submitted.link, approved.link) == (f"/noi-dung/{item.pk}/", f"/noi-dung/{item.pk}/")
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["office@example.vn"], submitted.subject), (["snv@example.vn"], approved.subject)]
