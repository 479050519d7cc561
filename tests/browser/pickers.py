"""Browser helpers for the unit and person pickers (core/widgets.py, static/chidao/picker.js)."""

from typing import Any


def pick(page: Any, name: str, text: str, option: str, *, within: Any = None) -> None:
    """Type `text` into the picker of field `name` (inside the locator `within` when a page has several, e.g. one
    per table row), wait for the suggestion `option`, and choose it: the chip appears and the form's own control
    holds the value."""
    from playwright.sync_api import expect

    root = page if within is None else within
    box = root.get_by_test_id(f"picker-{name}")
    box.fill(text)
    listbox = page.locator(f"#{box.get_attribute('aria-controls')}")
    choice = listbox.get_by_role("option").filter(has_text=option).first
    expect(choice).to_be_visible()
    choice.click()
    expect(root.locator(f"[data-picker]:has([data-testid='picker-{name}']) .chip").filter(has_text=option)
           ).to_have_count(1)


def sign_in(page: Any, username: str, password: str = "pw") -> None:
    """Sign in through the login page as a test user (password "pw") and wait for the top bar's name."""
    from playwright.sync_api import expect

    page.goto("/dang-nhap/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.locator("form:has(#id_username) button[type=submit]").click()
    expect(page.get_by_test_id("who")).to_be_visible()
