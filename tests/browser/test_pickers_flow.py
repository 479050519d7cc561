"""End to end in real Chromium: the pickers and the confirmations.

The standing office types "dinh tien" in a person picker and picks Đinh Tiến Dũng (the form holds the record
code); gives a new deliverable by typing the lead unit's name without diacritics and choosing coordinating units
with the keyboard (chips, no ctrl-click); and approving a rotation plan asks first, with the plan's real counts."""

import pytest
from playwright.sync_api import Page, expect

from chidao.programs.models import Deliverable
from chidao.rotation import plan
from chidao.rotation.models import RoundState
from tests.browser.pickers import pick, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pickers_and_the_plan_confirmation(page: Page, world, users, units, program, make_person, settings,
                                           results_dir):
    settings.CHIDAO_OTP_REQUIRED_ROLES = []
    dung = make_person(name="Đinh Tiến Dũng", post="snv_head")
    sign_in(page, users["office"].username)

    # --- A person picker: "dinh tien" finds Đinh Tiến Dũng; picking puts his record code in the form.
    page.goto(f"/luan-chuyen/{world.round.pk}/")
    pick(page, "code", "dinh tien", "Đinh Tiến Dũng")
    expect(page.locator("#flagged-form input[name=code]")).to_have_value(dung.code)
    expect(page.locator("#flagged-form .chip")).to_have_text(f"Đinh Tiến Dũng ({dung.code})×")
    # The chip's button takes the choice back
    page.get_by_role("button", name=f"Bỏ Đinh Tiến Dũng ({dung.code})").click()
    expect(page.locator("#flagged-form input[name=code]")).to_have_value("")

    # --- A new deliverable: the lead unit typed without diacritics, two coordinating units by keyboard.
    page.goto(f"/chuong-trinh/{program.pk}/giao-noi-dung/")
    required = page.locator("label[for=id_lead_unit]")
    expect(required).to_contain_text("Đơn vị chủ trì *")
    expect(required.locator(".visually-hidden")).to_have_text(" (bắt buộc)")
    page.locator("#id_code").fill("15")
    page.locator("#id_title").fill("Đề án sắp xếp đơn vị sự nghiệp")
    pick(page, "lead_unit", "so tai chinh", "Sở Tài chính")
    box = page.get_by_test_id("picker-coordinating_units")
    for text in ("noi vu", "tu phap"):
        box.fill(text)
        expect(page.locator("#id_coordinating_units-list [role=option]").first).to_be_visible()
        box.press("ArrowDown")
        box.press("ArrowUp")
        box.press("Enter")
    chips = page.locator("[data-picker]:has(#id_coordinating_units) .chip")
    expect(chips).to_have_count(2)
    box.fill("thanh uy")
    expect(page.locator("#id_coordinating_units-list")).to_be_visible()
    box.press("Escape")
    expect(page.locator("#id_coordinating_units-list")).to_be_hidden()
    page.locator("#id_original_deadline").fill("31/12/2026")
    page.screenshot(path=str(results_dir / "pickers-deliverable.png"))
    page.get_by_role("button", name="Giao nội dung").click()
    expect(page.get_by_test_id("status")).to_be_visible()
    created = Deliverable.objects.get(program=program, code="15")
    assert created.lead_unit_id == units["stc"].pk
    assert set(created.coordinating_units.values_list("code", flat=True)) == {"SNV", "STP"}

    # --- Approving the plan asks first: 3 of the 4 people in it are placed; cancelling changes nothing.
    plan.plan_request(actor=users["office"], round=world.round)
    page.goto(f"/luan-chuyen/{world.round.pk}/")
    approve = page.get_by_test_id("plan-approve")
    expect(approve).to_be_visible()
    page.locator("[data-testid=plan-approve-form] input[name=decision_number]").fill("125/QĐ-SNV")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    approve.click()
    expect(approve).to_be_visible()
    world.round.refresh_from_db()
    assert world.round.state == RoundState.PROPOSED
    page.once("dialog", lambda d: (asked.append(d.message), d.accept()))
    approve.click()
    expect(page.get_by_test_id("plan-state")).to_have_text("đã phê duyệt")
    assert asked == ["Phê duyệt phương án bố trí 3/4 người; sau khi phê duyệt không sửa được phương án."] * 2
    world.round.refresh_from_db()
    assert (world.round.state, world.round.decision_number) == (RoundState.APPROVED, "125/QĐ-SNV")
