"""End to end in real Chromium at phone size (390 × 844): the lead officer's day.

The officer of Sở Tài chính (cb.stc) signs in and lands on the inbox ("Việc của tôi"), opens the unit's
deliverable in progress from it, adds a progress update with a photo, and submits the item for approval. At
every step the page fits the screen (no sideways scroll), and at the end the item reads "đã trình" with the
photo in its progress history.
"""

import struct
import zlib

import pytest
from playwright.sync_api import Page, expect

from chidao.core.models import User
from chidao.demo.program import DEMO_PASSWORD, PROGRAM_NUMBER, demo_load
from chidao.programs.models import Attachment, Deliverable, Note, Program, Status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
OFFICER = "cb.stc"
PHOTO = "anh-hien-truong.png"
TEXT = "Đã hoàn thành dự thảo đề án, gửi kèm ảnh buổi làm việc với các phòng."


def _png(width: int = 8, height: int = 6) -> bytes:
    """A small valid PNG (a red rectangle), as a phone's camera would give a photo."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + b"\xc0\x20\x20" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def _fits(page: Page, step: str) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{step} ({page.url}): the page is {width} px wide on a 390 px phone"


def test_lead_officer_updates_and_submits_an_item_from_a_phone(page: Page, live_server, settings, results_dir):
    settings.CHIDAO_OTP_REQUIRED_ROLES = []
    # Given the demo program and the officer's deliverable in progress
    assert demo_load() is True
    officer = User.objects.get(username=OFFICER)
    program = Program.objects.get(number=PROGRAM_NUMBER)
    item = (Deliverable.objects.filter(program=program, lead_unit=officer.unit, status=Status.IN_PROGRESS)
            .order_by("code").first())
    assert item is not None, "the demo should leave Sở Tài chính one deliverable in progress"
    notes_before = Note.objects.filter(deliverable=item).count()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_viewport_size(PHONE)

    # When the officer logs in on a phone (their inbox opens: the item is overdue, so it is there)
    page.goto("/dang-nhap/")
    page.locator("#id_username").fill(OFFICER)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form:has(#id_username) button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/viec-cua-toi/")
    _fits(page, "inbox")

    # And opens the item from the inbox
    page.get_by_test_id("section-overdue").get_by_role("link", name=item.title).first.click()
    expect(page).to_have_url(f"{live_server.url}/noi-dung/{item.pk}/")
    expect(page.get_by_test_id("status")).to_have_text("đang thực hiện")
    _fits(page, "deliverable")
    page.wait_for_function("() => typeof window.htmx === 'object'", polling=100)

    # And adds a progress update with a photo
    note = page.locator("#note")
    note.locator("select[name=kind]").select_option(Note.Kind.PROGRESS.value)
    note.locator("textarea[name=text]").fill(TEXT)
    note.locator("input[name=percent]").fill("90")
    note.locator("input[name=attachment]").set_input_files(
        {"name": PHOTO, "mimeType": "image/png", "buffer": _png()})
    _fits(page, "progress form filled")
    note.locator("button[type=submit]").click()
    expect(page.locator("ul.messages li.success")).to_have_text("Đã ghi nhận.")
    expect(page.get_by_role("link", name=PHOTO)).to_be_visible()
    _fits(page, "progress added")

    # And submits the item for approval
    page.wait_for_function("() => typeof window.htmx === 'object'", polling=100)
    page.locator("#id_to_status").select_option(Status.SUBMITTED.value)
    _fits(page, "transition form filled")
    page.get_by_test_id("transition-submit").click()

    # Then the item reads "đã trình", with the update and its photo in the history
    expect(page.get_by_test_id("status")).to_have_text("đã trình")
    expect(page.get_by_test_id("status-history")).to_contain_text("đã trình")
    expect(page.locator(".timeline").first).to_contain_text(TEXT)
    photo = page.get_by_role("link", name=PHOTO)
    expect(photo).to_be_visible()
    _fits(page, "submitted")
    page.screenshot(path=str(results_dir / "phone-daily-flow.png"), full_page=True)

    # And the records say the same: one more note, with its photo, and the item submitted
    item.refresh_from_db()
    assert item.status == Status.SUBMITTED
    notes = Note.objects.filter(deliverable=item).order_by("-id")
    assert notes.count() == notes_before + 1
    added = notes.first()
    assert added is not None and (added.kind, added.text, added.percent) == (Note.Kind.PROGRESS, TEXT, 90)
    stored = Attachment.objects.filter(notes=added)
    assert [a.original_name for a in stored] == [PHOTO]
    # The photo downloads as it was sent
    href = photo.get_attribute("href")
    assert href is not None
    downloaded = page.request.get(href)
    assert downloaded.status == 200 and downloaded.body() == _png()
    assert errors == [], f"JavaScript errors: {errors}"
