"""Word templates are untrusted code: rendered in Jinja2's sandbox in the upload check and in every build."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from docx import Document

from chidao.core.errors import ValidationError
from chidao.core.models import ChangeRecord
from chidao.reports import services
from chidao.reports.models import ReportTemplate

pytestmark = pytest.mark.django_db

# Each would run `touch MARKER` as the web user under a plain Jinja2 environment.
ESCAPES = [
    "{{ lipsum.__globals__['os'].popen('touch MARKER').read() }}",
    "{{ cycler.__init__.__globals__.os.popen('touch MARKER').read() }}",
    "{{ subtitle.__class__.__mro__[1].__subclasses__() }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{{ x }}{% endfor %}",
]
# The tag the refusal names: the one holding the forbidden attribute.
NAMED = {ESCAPES[3]: "{% for x in ().__class__.__base__.__subclasses__() %}"}


def _docx(text: str) -> bytes:
    doc = Document()
    doc.add_paragraph("Báo cáo mẫu")
    doc.add_paragraph(text)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("expression", ESCAPES)
def test_an_upload_that_reaches_outside_its_context_is_refused_naming_the_expression(users, tmp_path, expression):
    # Given an administrator's template whose tag reaches Python's internals
    marker = tmp_path / "ran"
    expression = expression.replace("MARKER", str(marker))
    upload = SimpleUploadedFile("mau.docx", _docx(expression))
    # When it is uploaded, then it is refused with the expression named, nothing ran and nothing is stored
    with pytest.raises(ValidationError) as refused:
        services.report_template_replace(actor=users["admin"], kind="program_report", upload=upload)
    message = refused.value.message_dict["file"][0]
    named = NAMED.get(expression.replace(str(marker), "MARKER"), expression)
    assert message == f"Mẫu có biểu thức không được phép (truy cập ra ngoài dữ liệu của báo cáo): {named}"
    assert not marker.exists()
    assert ReportTemplate.objects.count() == 0
    assert ChangeRecord.objects.filter(content_type__model="reporttemplate").count() == 0


def test_a_stored_template_that_escapes_fails_the_build_and_runs_nothing(users, program, tmp_path):
    # Given a malicious template already stored (e.g. uploaded before the sandbox existed)
    marker = tmp_path / "ran"
    template = ReportTemplate(kind="program_report", original_name="cu.docx", uploaded_by=users["admin"],
                              uploaded_at=timezone.now())
    template.file.save("program_report.docx", ContentFile(_docx(
        "{{ lipsum.__globals__['os'].popen('touch " + str(marker) + "').read() }}")), save=False)
    template.save()
    # When a report is built with it, then the build is refused and no command ran
    with pytest.raises(ValidationError) as refused:
        services.report_render(user=users["office"], program=program, kind="year_end", fmt="docx",
                               params={"year": 2021})
    assert "lipsum.__globals__" in refused.value.message_dict["file"][0]
    assert not marker.exists()


def test_a_sound_template_with_loops_and_filters_still_renders(users, program):
    upload = SimpleUploadedFile("mau.docx", _docx("{{ subtitle|upper }} {% for u in units %}{{ u.name }}{% endfor %}"))
    services.report_template_replace(actor=users["admin"], kind="program_report", upload=upload)
    content, _name = services.report_render(user=users["office"], program=program, kind="year_end", fmt="docx",
                                            params={"year": 2021})
    assert [p.text for p in Document(io.BytesIO(content)).paragraphs][0] == "Báo cáo mẫu"
