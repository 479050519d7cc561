"""Approval documents: the digital signatures of an uploaded PDF are checked and shown (issue 18)."""

import datetime as dt
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from chidao.core import signing
from chidao.core.models import ChangeRecord
from chidao.core.tokens import api_token_create
from chidao.programs import services
from chidao.programs.models import Attachment, Status
from tests.conftest import at
from tests.core.pki import make_ca

HTML = "<html><body><h1>Quyết định phê duyệt</h1></body></html>"


@pytest.fixture
def signed_pdf(signing_key) -> bytes:
    return signing.pdf_sign(signing.pdf_render(HTML), signer_name="UBND tỉnh", reason="Phê duyệt", location="Hà Nội")


def _altered(data: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _approve(users, d, data: bytes, name: str = "quyet-dinh.pdf") -> Attachment:
    for status, day in ((Status.IN_PROGRESS, 1), (Status.SUBMITTED, 5)):
        services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=status, at=at(2021, 9, day))
    services.deliverable_transition_with_file(
        actor=users["office"], deliverable=d, to_status=Status.COMPLETED, doc_number="45/QĐ-UBND",
        doc_date=dt.date(2021, 9, 10), file=SimpleUploadedFile(name, data), at=at(2021, 9, 10))
    return Attachment.objects.get(deliverable=d, purpose=Attachment.Purpose.APPROVAL)


def _page_text(client, users, d) -> str:
    client.force_login(users["office"])
    html = client.get(f"/noi-dung/{d.pk}/").content.decode()
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _when(a: Attachment) -> str:
    return signing.timezone.localtime(a.signature_signed_at).strftime("%H:%M %d/%m/%Y")


def test_a_signed_approval_document_is_shown_valid_on_the_page_and_in_the_api(
        client, users, make_deliverable, signed_pdf, signing_key):
    # given the signer's root installed by the administrator
    signing.trust_root_add(pem_bytes=signing_key["ca"].pem())
    d = make_deliverable(lead="snv")
    # when the deliverable is approved with the signed decision
    a = _approve(users, d, signed_pdf)
    # then the check is stored on the attachment
    assert (a.signature_state, a.signature_signer) == ("valid", "Ủy ban nhân dân tỉnh Thử")
    expected = f"Đã ký số bởi Ủy ban nhân dân tỉnh Thử lúc {_when(a)}, hợp lệ"
    # and shown next to the file on the deliverable page
    assert f"quyet-dinh.pdf · {expected}" in _page_text(client, users, d)
    # and returned by the API
    _token, raw = api_token_create(user=users["office"], name="t", scope="read")
    item = client.get(f"/api/v1/deliverables/{d.pk}/attachments", HTTP_AUTHORIZATION=f"Bearer {raw}").json()["items"][0]
    assert {k: item[k] for k in ("signature_state", "signature_signer", "signature_message")} == {
        "signature_state": "valid", "signature_signer": "Ủy ban nhân dân tỉnh Thử", "signature_message": expected}
    assert item["signature_signed_at"] is not None


def test_an_approval_document_changed_after_signing_is_shown_altered(
        client, users, make_deliverable, signed_pdf, signing_key):
    signing.trust_root_add(pem_bytes=signing_key["ca"].pem())
    d = make_deliverable(lead="snv")
    a = _approve(users, d, _altered(signed_pdf))
    assert a.signature_state == "altered"
    assert "quyet-dinh.pdf · Chữ ký không hợp lệ: văn bản đã bị sửa sau khi ký" in _page_text(client, users, d)


def test_an_unsigned_approval_document_says_so(client, users, make_deliverable):
    d = make_deliverable(lead="snv")
    a = _approve(users, d, signing.pdf_render(HTML))
    assert (a.signature_state, a.signature_signer, a.signature_signed_at) == ("none", "", None)
    assert "quyet-dinh.pdf · Không có chữ ký số" in _page_text(client, users, d)


def test_a_file_other_than_pdf_is_not_checked(users, make_deliverable):
    d = make_deliverable(lead="snv")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    a = services.attachment_upload(actor=users["snv"], deliverable=d, file=SimpleUploadedFile("anh.png", png))
    assert (a.signature_state, a.signature_checked_at, a.signature_message) == ("", None, "")


def test_installing_the_root_turns_an_untrusted_signature_valid(users, make_deliverable, signed_pdf, signing_key,
                                                               tmp_path, capsys):
    # given a signed approval uploaded before its root was installed
    d = make_deliverable(lead="snv")
    a = _approve(users, d, signed_pdf)
    assert a.signature_state == "untrusted"
    assert a.signature_message.startswith(
        "Chữ ký không hợp lệ: chứng thư số của Ủy ban nhân dân tỉnh Thử không do tổ chức tin cậy cấp")
    # when the administrator installs the root with the command
    pem = tmp_path / "root.pem"
    pem.write_bytes(signing_key["ca"].pem())
    call_command("trust", "add", str(pem))
    # then the stored check is redone and the signature is valid
    a.refresh_from_db()
    assert a.signature_state == "valid"
    assert "đã kiểm tra lại 1 tệp PDF." in capsys.readouterr().out
    call_command("trust", "list")
    assert "Common Name: Test Root CA" in capsys.readouterr().out


def test_trust_add_refuses_a_file_that_is_not_a_certificate(settings, tmp_path, db):
    bad = tmp_path / "x.pem"
    bad.write_bytes(b"hello")
    with pytest.raises(CommandError, match="Tệp không chứa chứng thư số dạng PEM."):
        call_command("trust", "add", str(bad))
    assert not settings.CHIDAO_TRUST_ROOTS.exists()


def test_another_root_leaves_the_signature_untrusted(users, make_deliverable, signed_pdf):
    signing.trust_root_add(pem_bytes=make_ca("Other Root").pem())
    d = make_deliverable(lead="snv")
    assert _approve(users, d, signed_pdf).signature_state == "untrusted"


def test_an_administrator_installs_a_root_on_the_page(client, users, make_deliverable, signed_pdf, signing_key):
    # given a signed approval uploaded before its root was installed
    a = _approve(users, make_deliverable(lead="snv"), signed_pdf)
    client.force_login(users["admin"])
    empty = client.get("/quan-tri/chung-thu-goc/").content.decode()
    assert "Chưa cài chứng thư số gốc nào" in empty
    # when the administrator uploads the root
    pem = SimpleUploadedFile("root.pem", signing_key["ca"].pem())
    response = client.post("/quan-tri/chung-thu-goc/", {"file": pem}, follow=True)
    # then it is listed, the stored check is redone and the page says so
    page = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    assert "Đã cài chứng thư số gốc; đã kiểm tra lại 1 tệp PDF." in page
    assert "Common Name: Test Root CA" in page
    a.refresh_from_db()
    assert a.signature_state == "valid"
    # and the change log says who installed which root
    record = ChangeRecord.objects.get(action="trust_root_add")
    assert (record.actor, record.object_repr, record.after["rechecked"]) == (
        users["admin"], "CN=Test Root CA,O=Chidao Test,C=VN", 1)


def test_the_trust_page_refuses_others_and_bad_files(client, users, settings):
    client.force_login(users["office"])
    assert client.get("/quan-tri/chung-thu-goc/").status_code == 403
    client.force_login(users["admin"])
    response = client.post("/quan-tri/chung-thu-goc/", {"file": SimpleUploadedFile("x.pem", b"hello")})
    assert "Tệp không chứa chứng thư số dạng PEM." in response.content.decode()
    assert not settings.CHIDAO_TRUST_ROOTS.exists()
    assert not ChangeRecord.objects.filter(action="trust_root_add").exists()
