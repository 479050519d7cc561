"""Every upload path refuses a file that is too large, of another type, or whose content is not what its
extension says (a renamed file), with a Vietnamese message and nothing written: one shared check,
chidao.core.uploads.upload_check."""

import datetime as dt
import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import Workbook

from chidao.core.errors import ValidationError
from chidao.core.models import ChangeRecord, Role, User
from chidao.core.uploads import upload_check, upload_problem
from chidao.personnel import excel as people_excel
from chidao.personnel.models import Person
from chidao.procedures import services as procedure_services
from chidao.procedures.models import Level, Procedure, ProcessingFigure, PublicationDecision
from chidao.programs import services as program_services
from chidao.programs.models import Attachment, Deliverable, Note
from chidao.reports.models import ReportTemplate

MB = 1024 * 1024
PDF = b"%PDF-1.4\n%test\n"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 32
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16


def xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(["x"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    doc = Document()
    doc.add_paragraph("Mẫu {{ subtitle }}")
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def opendocument(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", mimetype)
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def zip_of(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "x")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- the shared check ---------------------------------------------------------------------------------

ALL = [".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".ods", ".jpg", ".jpeg", ".png"]


@pytest.mark.parametrize(("name", "content"), [
    ("a.pdf", PDF), ("A.PDF", PDF), ("a.docx", None), ("a.xlsx", None),
    ("a.odt", opendocument("application/vnd.oasis.opendocument.text")),
    ("a.ods", opendocument("application/vnd.oasis.opendocument.spreadsheet")),
    ("a.doc", OLE2), ("a.xls", OLE2), ("a.png", PNG), ("a.jpg", JPEG), ("a.jpeg", JPEG),
])
def test_a_file_whose_content_matches_its_extension_passes(name, content):
    content = content or (docx_bytes() if name.endswith(".docx") else xlsx_bytes())
    file = upload(name, content)
    assert upload_problem(file, extensions=ALL) is None
    upload_check(file, extensions=ALL)  # does not raise
    assert file.read() == content  # left at its start for the writer


@pytest.mark.parametrize(("name", "content", "ext"), [
    ("a.pdf", b"<html>not a pdf</html>", ".pdf"),
    ("a.pdf", None, ".pdf"),  # a Word file renamed
    ("a.docx", None, ".docx"),  # an Excel workbook renamed: a zip, but not a Word document
    ("a.xlsx", None, ".xlsx"),  # a Word document renamed
    ("a.xlsx", b"PK\x03\x04 broken zip", ".xlsx"),
    ("a.xlsx", zip_of("readme.txt"), ".xlsx"),
    ("a.odt", opendocument("application/vnd.oasis.opendocument.spreadsheet"), ".odt"),
    ("a.doc", PDF, ".doc"),
    ("a.xls", b"id;name\n1;An\n", ".xls"),
    ("a.png", JPEG, ".png"),
    ("a.jpg", PNG, ".jpg"),
])
def test_a_renamed_or_broken_file_is_refused_by_its_content(name, content, ext):
    if content is None:
        content = {".pdf": docx_bytes(), ".docx": xlsx_bytes(), ".xlsx": docx_bytes()}[ext]
    with pytest.raises(ValidationError) as err:
        upload_check(upload(name, content), extensions=ALL)
    assert err.value.message_dict == {
        "file": [f"Nội dung tệp không đúng định dạng {ext} (tệp hỏng hoặc đã bị đổi đuôi)."]}


def test_extension_emptiness_and_size_are_checked_first(settings):
    settings.CHIDAO_UPLOAD_MAX_BYTES = MB
    assert upload_problem(upload("x.exe", b"MZ"), extensions=[".pdf", ".docx"]) == (
        "Loại tệp .exe không được phép. Cho phép: .pdf, .docx.")
    assert upload_problem(upload("khong-duoi", PDF), extensions=[".pdf"]) == (
        "Loại tệp ? không được phép. Cho phép: .pdf.")
    assert upload_problem(upload("a.pdf", b""), extensions=[".pdf"]) == "Tệp rỗng."
    assert upload_problem(upload("a.pdf", PDF + b"x" * MB), extensions=[".pdf"]) == (
        "Tệp vượt quá dung lượng cho phép (1 MB).")
    assert upload_problem(upload("a.pdf", PDF + b"x" * (MB - len(PDF))), extensions=[".pdf"]) is None
    # a form field's clean method gets a plain error (no field name)
    with pytest.raises(ValidationError) as err:
        upload_check(upload("a.txt", b"x"), extensions=[".xlsx"], field=None)
    assert err.value.messages == ["Loại tệp .txt không được phép. Cho phép: .xlsx."]


# --- every upload path ----------------------------------------------------------------------------------


@dataclass
class Path:
    """One upload path: who posts, where, the form data besides the file, the extension it takes, a good
    file's content, and what it would write."""

    user: str
    url: Callable[[dict[str, Any]], str]
    data: Callable[[dict[str, Any]], dict[str, Any]]
    ext: str
    good: Callable[[], bytes]
    written: Callable[[], tuple]


def _xlsx_path(url: str, data: Callable[[dict[str, Any]], dict[str, Any]], written: Callable[[], tuple],
               user: str = "admin") -> Path:
    return Path(user, lambda w: url, data, ".xlsx", xlsx_bytes, written)


PATHS = {
    "tệp đính kèm khi trao đổi": Path(
        "office", lambda w: f"/noi-dung/{w['deliverable'].pk}/trao-doi/",
        lambda w: {"kind": Note.Kind.COMMENT, "text": "Gửi kèm văn bản"}, ".pdf", lambda: PDF,
        lambda: (Attachment.objects.count(), Note.objects.count())),
    "nhập nội dung từ Excel": Path(
        "admin", lambda w: f"/chuong-trinh/{w['program'].pk}/nhap-excel/", lambda w: {}, ".xlsx", xlsx_bytes,
        lambda: (Deliverable.objects.count(),)),
    "nhập hồ sơ cán bộ": _xlsx_path("/can-bo/nhap-excel/", lambda w: {}, lambda: (Person.objects.count(),)),
    "nhập danh mục thủ tục": _xlsx_path("/thu-tuc/nhap-excel/", lambda w: {},
                                        lambda: (Procedure.objects.count(), PublicationDecision.objects.count())),
    "nhập số liệu giải quyết hồ sơ": _xlsx_path("/thu-tuc/so-lieu/nhap/", lambda w: {"period": "2021-Q4"},
                                                lambda: (ProcessingFigure.objects.count(),)),
    "thay mẫu văn bản Word": Path(
        "admin", lambda w: "/bao-cao/mau-van-ban/", lambda w: {"kind": "program_report"}, ".docx", docx_bytes,
        lambda: (ReportTemplate.objects.count(),)),
    "tệp quyết định công bố thủ tục": Path(
        "admin", lambda w: "/thu-tuc/quyet-dinh/them-moi/",
        lambda w: {"number": "15/QĐ-UBND", "title": "Công bố", "signed_on": "01/03/2021", "effective_on": "01/03/2021",
                   "issuer": w["units"]["city"].pk, "items": f"{w['procedure'].code} new"},
        ".pdf", lambda: PDF, lambda: (PublicationDecision.objects.count(),)),
}


@pytest.fixture
def world(users, units, program, make_deliverable):
    procedure = procedure_services.procedure_create(
        actor=users["admin"], code="1.000001.000.00.00.H26", name="Cấp phép thử", level=Level.PROVINCE,
        field="Y tế", unit=units["snv"])
    return {"users": users, "units": units, "program": program, "deliverable": make_deliverable(),
            "procedure": procedure}


def _written(path: Path, settings) -> tuple:
    media = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) if settings.MEDIA_ROOT.exists() \
        else []
    return (*path.written(), ChangeRecord.objects.count(), media)


ALLOWED = {".xlsx": ".xlsx", ".docx": ".docx", ".pdf": ", ".join(ALL)}


def _bad_files(path: Path) -> list[tuple[str, SimpleUploadedFile, str]]:
    renamed = docx_bytes() if path.ext in (".pdf", ".xlsx") else xlsx_bytes()
    return [
        ("another type", upload("chay-thu.exe", b"MZ\x90\x00"),
         f"Loại tệp .exe không được phép. Cho phép: {ALLOWED[path.ext]}."),
        ("renamed", upload(f"doi-duoi{path.ext}", renamed),
         f"Nội dung tệp không đúng định dạng {path.ext} (tệp hỏng hoặc đã bị đổi đuôi)."),
        ("too large", upload(f"qua-lon{path.ext}", path.good() + b"\x00" * MB),
         "Tệp vượt quá dung lượng cho phép (1 MB)."),
    ]


@pytest.mark.parametrize("which", list(PATHS))
def test_every_upload_path_refuses_bad_files_and_writes_nothing(which, world, client, settings):
    # Given a path and a limit of 1 MB
    path = PATHS[which]
    settings.CHIDAO_UPLOAD_MAX_BYTES = MB
    client.force_login(world["users"][path.user])
    before = _written(path, settings)
    for label, file, message in _bad_files(path):
        # When a file of another type, a renamed file or a too large one is uploaded
        response = client.post(path.url(world), {**path.data(world), "file" if "trao-doi" not in path.url(world)
                                                  else "attachment": file})
        # Then it is refused with the message, and nothing is written
        html = response.content.decode()
        assert response.status_code == 422, (label, response.status_code)
        assert message in html, (label, message)
        assert _written(path, settings) == before, label


@pytest.mark.parametrize("which", ["tệp đính kèm khi trao đổi", "thay mẫu văn bản Word",
                                   "tệp quyết định công bố thủ tục"])
def test_a_good_file_still_passes_where_the_check_is_the_last_step(which, world, client, settings):
    # Given a good file on a path whose write follows the check
    path = PATHS[which]
    client.force_login(world["users"][path.user])
    before = _written(path, settings)[:-2]
    # When it is uploaded
    response = client.post(path.url(world), {**path.data(world), "file" if "trao-doi" not in path.url(world)
                                              else "attachment": upload(f"tot{path.ext}", path.good())})
    # Then it is stored
    assert response.status_code == 302
    assert all(a == b + 1 for a, b in zip(_written(path, settings)[:-2], before, strict=True))


def test_the_api_and_service_for_attachments_use_the_same_check(world, settings):
    # Given a deliverable, When a renamed file is attached through the service the API calls
    d = world["deliverable"]
    with pytest.raises(ValidationError) as err:
        program_services.attachment_upload(actor=world["users"]["office"], deliverable=d,
                                           file=upload("bao-cao.pdf", b"<html>"))
    # Then it is refused and nothing is written
    assert err.value.message_dict == {"file": ["Nội dung tệp không đúng định dạng .pdf (tệp hỏng hoặc đã bị đổi "
                                               "đuôi)."]}
    assert Attachment.objects.count() == 0
    # And a progress note with such a file is refused whole
    with pytest.raises(ValidationError) as err:
        program_services.note_add(actor=world["users"]["office"], deliverable=d, kind=Note.Kind.COMMENT, text="x",
                                  files=[upload("bao-cao.docx", xlsx_bytes())])
    assert err.value.message_dict == {"attachment": ["Nội dung tệp không đúng định dạng .docx (tệp hỏng hoặc đã "
                                                     "bị đổi đuôi)."]}
    assert (Note.objects.count(), Attachment.objects.count()) == (0, 0)


def test_the_decision_service_refuses_a_renamed_file(world):
    with pytest.raises(ValidationError) as err:
        procedure_services.decision_create(
            actor=world["users"]["admin"], number="16/QĐ-UBND", title="", signed_on=dt.date(2021, 3, 1),
            effective_on=dt.date(2021, 3, 1), issuer=world["units"]["city"],
            file=upload("quyet-dinh.pdf", docx_bytes()), items=[(world["procedure"], "new", None)])
    assert err.value.message_dict == {"file": ["Nội dung tệp không đúng định dạng .pdf (tệp hỏng hoặc đã bị đổi "
                                               "đuôi)."]}
    assert PublicationDecision.objects.count() == 0


def _small_bomb() -> bytes:
    """A tiny workbook whose sheet unpacks to 2 MB of spaces (compressed about 1,000 to 1)."""
    wb = Workbook()
    wb.active.append(["x"])
    buffer = io.BytesIO()
    wb.save(buffer)
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src:
        parts = {i.filename: src.read(i.filename) for i in src.infolist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace(b"<sheetData>",
                                                                                  b" " * 2_000_000 + b"<sheetData>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out.getvalue()


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_before_parsing_and_nothing_is_written(settings):
    # Given tiny unpacking limits and a workbook whose sheet unpacks far beyond its packed size
    settings.CHIDAO_UPLOAD_ZIP_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
    settings.CHIDAO_UPLOAD_ZIP_MAX_RATIO = 100
    data = _small_bomb()
    admin = User.objects.create(username="bomb-admin", role=Role.ADMIN, is_superuser=True)
    # When it is uploaded, or imported directly
    problem = upload_problem(SimpleUploadedFile("ds.xlsx", data), extensions=[".xlsx"])
    result = people_excel.people_import(actor=admin, file=io.BytesIO(data))
    # Then both refuse it by its ratio, with no row, and nothing is written
    assert problem is not None and problem.startswith("Tệp có phần nén bất thường (xl/worksheets/sheet1.xml nén ")
    assert [(e.sheet, e.row, e.column, e.message) for e in result.errors] == [("", 0, "", problem)]
    assert Person.objects.count() == 0
    # And over the total limit, the message names it
    settings.CHIDAO_UPLOAD_ZIP_MAX_UNPACKED_BYTES = 1024 * 1024
    assert upload_problem(SimpleUploadedFile("ds.xlsx", data), extensions=[".xlsx"]) == (
        "Tệp nén bên trong quá lớn (giải nén vượt 1 MB); không đọc tệp này.")
    # And a normal workbook passes
    settings.CHIDAO_UPLOAD_ZIP_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
    wb = Workbook()
    buffer = io.BytesIO()
    wb.save(buffer)
    assert upload_problem(SimpleUploadedFile("ok.xlsx", buffer.getvalue()), extensions=[".xlsx"]) is None
