"""Issuing (ban hành) a report: its number from the register, the file built again with the number and signer."""

import datetime as dt
import io

import pytest
from docx import Document

from chidao.core import register
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import ChangeRecord, OutgoingDocument
from chidao.reports import builders, services
from chidao.reports.models import ReportJob

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def spy(monkeypatch):
    """Every `issue` context the builders receive."""
    seen: list[dict] = []
    real = builders.build

    def build(report, fmt, progress=builders._noop, issue=None):
        seen.append(issue)
        return real(report, fmt, progress, issue)

    monkeypatch.setattr(builders, "build", build)
    return seen


@pytest.fixture
def chief(users, units, program):
    issuer = services.report_issuer(actor=users["admin"], program=program)
    return register.signer_create(actor=users["admin"], issuer=issuer, form="T/M", body="BAN CHỈ ĐẠO",
                                  title="TRƯỞNG BAN", name="Nguyễn Văn An")


def _year_end(users, program, who="office") -> ReportJob:
    return services.report_job_request(actor=users[who], program=program, kind="year_end", fmt="docx",
                                       params={"year": 2021, "as_of": "2021-12-28"})


def _text(job: ReportJob) -> str:
    with job.file.open("rb") as f:
        doc = Document(io.BytesIO(f.read()))
    return "\n".join([p.text for p in doc.paragraphs]
                     + [c.text for t in doc.tables for row in t.rows for c in row.cells])


def test_a_draft_has_a_blank_number_and_the_issued_report_its_number_and_signer(users, program, make_deliverable,
                                                                                  chief, spy):
    make_deliverable(lead="snv")
    # Given a year-end review built as a draft
    job = _year_end(users, program)
    blank = "Số " + "\u00a0" * 6 + "-BC/BCĐ"
    assert spy[-1] == {"doc_format": "party", "number": blank, "number_value": None, "draft": True,
                       "signer": register.signer_block(chief)}
    # When the office issues it
    job = services.report_job_issue(actor=users["office"], job=job)
    # Then it is the first report of the Thành ủy's steering committee this year, and the file is built again
    doc = OutgoingDocument.objects.get()
    assert (job.document, job.state, doc.number_text, doc.type_code, doc.signer) == (
        doc, "done", "Số 1-BC/BCĐ", "BC", chief)
    assert (doc.issuer.unit, doc.issuer.code, doc.title) == (
        program.issuing_body, "BCĐ", "Báo cáo tổng kết năm 2021 thực hiện Chương trình số 01-CTr/TU")
    assert spy[-1] == {"doc_format": "party", "number": "Số 1-BC/BCĐ", "number_value": 1, "draft": False,
                       "signer": {"form": "T/M", "body": "BAN CHỈ ĐẠO", "title": "TRƯỞNG BAN", "deputy_title": "",
                                  "name": "Nguyễn Văn An"}}
    assert "Số 1-BC/BCĐ" in _text(job)
    assert ChangeRecord.objects.filter(action="report_issue", object_id=str(job.pk)).count() == 1
    # And a second report takes the next number
    second = services.report_job_issue(actor=users["office"], job=_year_end(users, program))
    assert second.document.number_text == "Số 2-BC/BCĐ"


def test_issuing_is_refused_and_nothing_changes(users, program, make_deliverable):
    make_deliverable(lead="snv")
    own = _year_end(users, program, who="snv")
    issued = services.report_job_issue(actor=users["office"], job=_year_end(users, program))
    dispatch = services.report_job_request(actor=users["office"], program=program, kind="dispatch", fmt="docx",
                                           params={"unit": str(issued.program.deliverables.first().lead_unit_id)})
    before = (list(ReportJob.objects.values_list("pk", "state", "document_id", "file")),
              OutgoingDocument.objects.count(), ChangeRecord.objects.count())
    with pytest.raises(PermissionDenied):
        services.report_job_issue(actor=users["snv"], job=own)  # a lead officer does not issue
    with pytest.raises(PermissionDenied):
        services.report_job_issue(actor=users["office"], job=own)  # someone else's build
    with pytest.raises(ValidationError) as exc:
        services.report_job_issue(actor=users["office"], job=issued)
    assert exc.value.message_dict == {"document": ["Báo cáo đã được ban hành."]}
    with pytest.raises(ValidationError) as exc:
        services.report_job_issue(actor=users["office"], job=dispatch)
    assert exc.value.message_dict == {"kind": ["Loại báo cáo này không ban hành có số."]}
    assert (list(ReportJob.objects.values_list("pk", "state", "document_id", "file")),
            OutgoingDocument.objects.count(), ChangeRecord.objects.count()) == before


def test_the_page_issues_a_report(client, users, program, make_deliverable):
    make_deliverable(lead="snv")
    job = _year_end(users, program)
    client.force_login(users["office"])
    jobs = client.get(f"/chuong-trinh/{program.pk}/bao-cao/danh-sach/").content.decode()
    assert f'data-testid="issue-{job.pk}"' in jobs
    assert client.post(f"/bao-cao/{job.pk}/ban-hanh/").status_code == 302
    jobs = client.get(f"/chuong-trinh/{program.pk}/bao-cao/danh-sach/").content.decode()
    assert f'data-testid="issued-{job.pk}"' in jobs and "Số 1-BC/BCĐ" in jobs
