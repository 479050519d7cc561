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
