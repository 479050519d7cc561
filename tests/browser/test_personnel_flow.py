"""End to end in real Chromium: a personnel officer searches without diacritics, opens a record of their
subtree (sensitive fields shown, the view logged) and gets 404 for a record outside their subtree, which is
not logged."""

import pytest
from playwright.sync_api import Page, expect

from chidao.core.models import User
from chidao.core.reference import unit_subtree_ids
from chidao.core.text import fold
from chidao.demo.people import people_load
from chidao.demo.program import DEMO_PASSWORD, demo_load
from chidao.personnel.models import AccessLog, Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_personnel_officer_finds_rates_and_is_kept_inside_the_subtree(page: Page, live_server, results_dir,
                                                                       settings):
    # Personnel officers must have a second factor; its flow is tests/browser/test_otp_flow.py, not this test's.
    settings.CHIDAO_OTP_REQUIRED_ROLES = []
    assert demo_load() is True
    assert people_load(count=120) is not None
    officer = User.objects.select_related("unit").get(username="tccb.snv")
    assert officer.unit is not None
    mine = Person.objects.filter(unit_id__in=unit_subtree_ids(officer.unit)).order_by("sort_key").first()
    other = Person.objects.exclude(unit_id__in=unit_subtree_ids(officer.unit)).first()
    assert mine is not None and other is not None

    page.goto("/dang-nhap/")
    page.locator("#id_username").fill(officer.username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form:has(#id_username) button[type=submit]").click()
    expect(page.get_by_test_id("who")).to_be_visible()

    # Search by the folded name: the record is found.
    page.goto("/can-bo/")
    page.locator("input[name=q]").fill(fold(mine.full_name))
    expect(page.get_by_test_id("people").get_by_text(mine.full_name, exact=True).first).to_be_visible()
    page.get_by_test_id("people").get_by_text(mine.full_name, exact=True).first.click()
    expect(page.get_by_test_id("name")).to_have_text(mine.full_name)
    assert "••••" not in page.get_by_test_id("sensitive").inner_text()
    assert AccessLog.objects.filter(user=officer, person=mine, action="view").count() == 1

    # Another unit's record: 404, nothing logged.
    response = page.goto(f"/can-bo/{other.pk}/")
    assert response is not None and response.status == 404
    assert not AccessLog.objects.filter(user=officer, person=other).exists()
    page.screenshot(path=str(results_dir / "personnel-404.png"))
