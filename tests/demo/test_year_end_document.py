"""The demo's year-end review reads, heading to signature, as the Thành ủy's steering committee would issue it."""

import io

import pytest
from docx import Document

from chidao.core.models import User
from chidao.demo.program import demo_load
from chidao.programs.models import Program
from chidao.reports import services

pytestmark = pytest.mark.django_db


def _text(job) -> str:
    with job.file.open("rb") as f:
        doc = Document(io.BytesIO(f.read()))
    return "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])


def test_the_demo_year_end_review_issued_by_the_steering_committee():
    # Given the demo
    assert demo_load()
    office, program = User.objects.get(username="thuongtruc"), Program.objects.get()
    # When the standing office builds the 2021 review and issues it
    job = services.report_job_request(actor=office, program=program, kind="year_end", fmt="docx",
                                      params={"year": 2021, "as_of": "2021-12-28"})
    draft = _text(job)
    job = services.report_job_issue(actor=office, job=job)
    issued = _text(job)
    # Then the draft is marked and unnumbered, and the issued one has the Party heading, its number and the signer
    assert "DỰ THẢO" in draft and "Số 1-BC/BCĐ" not in draft
    for line in ("ĐẢNG CỘNG SẢN VIỆT NAM", "THÀNH ỦY HÀ NỘI", "BAN CHỈ ĐẠO CHƯƠNG TRÌNH SỐ 01-CTr/TU", "*",
                 "Số 1-BC/BCĐ", "T/M BAN CHỈ ĐẠO", "TRƯỞNG BAN", "Đinh Tiến Dũng"):
        assert line in issued, line
    assert "DỰ THẢO" not in issued and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" not in issued
