"""End to end in real Chromium: the standing office asks for the year-end review, follows the build in the
list (htmx) and downloads a Word file that holds the year-end figures of the demo (16 / 8 / 10)."""

import io

import pytest
from docx import Document
from playwright.sync_api import Page, expect

from chidao.demo.program import DEMO_PASSWORD, PROGRAM_NUMBER, demo_load
from chidao.programs.models import Program
from chidao.reports.models import ReportJob

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_builds_and_downloads_the_year_end_review(page: Page, live_server, results_dir):
    assert demo_load() is True
    program = Program.objects.get(number=PROGRAM_NUMBER)
    page.goto("/dang-nhap/")
    page.locator("#id_username").fill("thuongtruc")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form:has(#id_username) button[type=submit]").click()
    expect(page.get_by_test_id("who")).to_be_visible()

    page.goto(f"/chuong-trinh/{program.pk}/")
    page.get_by_test_id("reports-link").click()
    expect(page.get_by_test_id("ratings")).to_be_visible()
    # A request the service refuses answers 422; htmx must still show the error in the form.
    form = page.get_by_test_id("report-form")
    form.locator("#id_kind").select_option("stocktake")
    form.locator("#id_format").select_option("docx")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("report-errors")).to_contain_text("Báo cáo này không lập được ở định dạng “docx”.")
    assert ReportJob.objects.count() == 0
    form = page.get_by_test_id("report-form")
    form.locator("#id_kind").select_option("year_end")
    form.locator("#id_format").select_option("docx")
    form.locator("#id_year").fill("2021")
    form.locator("button[type=submit]").click()

    # The list refreshes itself (htmx event from the response) and offers the file.
    expect(page.locator("#jobs tr[data-state=done]")).to_have_count(1)
    job = ReportJob.objects.get()
    with page.expect_download() as info:
        page.get_by_test_id(f"download-{job.pk}").click()
    download = info.value
    assert download.suggested_filename == "tong-ket-nam-2021_01-CTr-TU.docx"
    paragraphs = [p.text for p in Document(io.BytesIO(open(download.path(), "rb").read())).paragraphs]
    assert any("có 16 nội dung đã hoàn thành, 8 nội dung đã hoàn thành dự thảo" in p for p in paragraphs)
    page.screenshot(path=str(results_dir / "reports-page.png"), full_page=True)
