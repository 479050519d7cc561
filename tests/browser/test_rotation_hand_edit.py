"""End to end in real Chromium: a personnel officer edits a proposed plan by hand.

The plan of tests/rotation/plan_world.py (An → Ban Tổ chức, Bình → Sở Tư pháp, Cường → Phòng Tổ chức, biên chế,
Hà not placed), seen by a personnel officer of the whole city. They open An's row, see the ranked alternatives
with their reasons, search "chuyen vien quan ly" (no diacritics) and pick the finance post, see at once the rule it
breaks (An served in Sở Tài chính recently), save it with a reason; then swap An and Bình through the person
picker, confirm, and the page shows both new destinations. At phone width the page does not scroll sideways."""

import pytest
from playwright.sync_api import Page, expect

from chidao.core.models import Role, User
from chidao.rotation import plan
from chidao.rotation.models import Move, MoveSource
from tests.browser.pickers import pick, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _row(page: Page, person) -> object:  # type: ignore[no-untyped-def]
    """A move's row with its details ("Chi tiết") open."""
    row = page.get_by_test_id(f"move-{person.pk}")
    details = row.locator("details")
    if details.get_attribute("open") is None:
        row.get_by_text("Chi tiết").click()
    return row


def test_personnel_officer_edits_and_swaps_by_hand(page: Page, world, users, tree, settings, results_dir):
    # Given the proposed plan and a personnel officer of the city (whose subtree holds the round)
    settings.CHIDAO_OTP_REQUIRED_ROLES = []
    plan.plan_request(actor=users["office"], round=world.round)
    officer = User(username="tccb_tp", role=Role.PERSONNEL, unit=tree["city"], full_name="Cán bộ tổ chức Thành phố")
    officer.set_password("pw")
    officer.save()
    an, binh = world.people["an"], world.people["binh"]
    posts = world.posts
    sign_in(page, officer.username)

    # When they open the round and An's row
    page.goto(f"/luan-chuyen/{world.round.pk}/")
    expect(page.get_by_test_id("plan-state")).to_have_text("đã có phương án")
    row = _row(page, an)

    # Then the next candidates come ranked, each with why it fits and who the plan gives it to
    choices = row.locator("ol.choices")
    expect(choices).to_contain_text("Chuyên viên phổ biến pháp luật, Sở Tư pháp")
    expect(choices).to_contain_text("đang bố trí cho Trần Thị Bình")
    expect(choices).to_contain_text("Chỗ do Lê Văn Cường để lại khi chuyển đi (cùng đợt)")

    # When they search another post by part of its name, without diacritics, and pick it
    row.get_by_label("Chức danh khác (tìm theo tên)").check()
    pick(page, "position_id", "chuyen vien quan ly", "Chuyên viên quản lý ngân sách — Sở Tài chính", within=row)
    expect(row.locator("input[name=position_id]")).to_have_value(str(posts["stc_staff"].pk))

    # Then the rule it breaks shows before saving
    check = page.get_by_test_id(f"check-{an.pk}")
    expect(check).to_contain_text("Điều chỉnh này vi phạm quy định:")
    expect(check).to_contain_text("Đã giữ vị trí này trong 5 năm gần đây")
    page.screenshot(path=str(results_dir / "plan-hand-edit-check.png"), full_page=True)

    # When they save it with the reason
    row.locator("form.move-edit input[name=reason]").fill("Cần người am hiểu ngân sách")
    row.get_by_role("button", name="Lưu điều chỉnh").click()

    # Then An's row shows the new destination with the broken rule and the reason
    row = page.get_by_test_id(f"move-{an.pk}")
    expect(row.locator("td").nth(3)).to_contain_text("Chuyên viên quản lý ngân sách, Sở Tài chính")
    expect(page.get_by_test_id(f"violations-{an.pk}")).to_have_text(
        "Đã giữ vị trí này trong 5 năm gần đây")
    moved = Move.objects.get(round=world.round, person=an)
    assert (moved.to_position_id, moved.source, moved.override_reason) == (
        posts["stc_staff"].pk, MoveSource.MANUAL, "Cần người am hiểu ngân sách")

    # When they swap An with Bình (typed without diacritics), with a reason, and confirm
    row = _row(page, an)
    pick(page, "other", "tran thi", "Trần Thị Bình", within=row)
    row.locator("form.move-swap input[name=reason]").fill("Theo đề nghị của hai Sở")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    row.get_by_role("button", name="Đổi chỗ").click()

    # Then the page shows both new destinations
    expect(page.get_by_test_id(f"move-{an.pk}").locator("td").nth(3)).to_contain_text(
        "Chuyên viên phổ biến pháp luật, Sở Tư pháp")
    expect(page.get_by_test_id(f"move-{binh.pk}").locator("td").nth(3)).to_contain_text(
        "Chuyên viên quản lý ngân sách, Sở Tài chính")
    assert asked == ["Đổi chức danh đến của Nguyễn Văn An với người đã chọn? Các quy định được kiểm tra lại cho cả "
                     "hai người."]
    swapped = {m.person_id: (m.to_position_id, m.override_reason) for m in Move.objects.filter(round=world.round)}
    assert (swapped[an.pk], swapped[binh.pk]) == ((posts["stp_staff"].pk, "Theo đề nghị của hai Sở"),
                                                  (posts["stc_staff"].pk, "Theo đề nghị của hai Sở"))

    # And at phone width, with the edit area open, the page does not scroll sideways
    page.set_viewport_size({"width": 390, "height": 844})
    _row(page, an)
    page.screenshot(path=str(results_dir / "plan-hand-edit-phone.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the plan page is {width} px wide on a 390 px phone"
