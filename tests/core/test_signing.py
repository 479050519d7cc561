"""Digital signatures (issue 18): the PDFs Chidao issues are signed; uploaded PDFs are checked."""

import io
import subprocess

import pypdf
import pytest
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from chidao.core import signing
from chidao.core.signing import SignatureState, SigningConfigError

from .pki import make_ca

HTML = "<html><body><h1>Báo cáo tiến độ</h1><p>Xin chào Việt Nam</p></body></html>"
ISSUER = "BAN CHỈ ĐẠO CHƯƠNG TRÌNH SỐ 12"


def _signed() -> bytes:
    return signing.pdf_sign(signing.pdf_render(HTML), signer_name=ISSUER, reason="Ban hành", location="Hà Nội")


def _pdfsig(tmp_path, data: bytes) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, check=False).stdout


def test_render_writes_pdf_a_3b():
    # given an HTML document / when rendered / then the PDF declares PDF/A-3 part 3, conformance B
    reader = pypdf.PdfReader(io.BytesIO(signing.pdf_render(HTML)))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3"' in xmp
    assert b'pdfaid:conformance="B"' in xmp
    assert "/OutputIntents" in reader.trailer["/Root"]


def test_signed_pdf_is_valid_for_pdfsig_and_for_our_check(signing_key, tmp_path):
    # given a PKCS#12 key configured and its root installed
    signing.trust_root_add(pem_bytes=signing_key["ca"].pem())
    # when a document is signed
    data = _signed()
    # then pdfsig finds one whole-document signature whose signature is valid
    report = _pdfsig(tmp_path, data)
    assert "Signer Certificate Common Name: Ủy ban nhân dân tỉnh Thử" in report
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report
    assert "Signature Field Name: ChuKySo" in report
    # and our check says valid, by the certificate holder
    check = signing.pdf_verify(data)
    assert check.state == SignatureState.VALID
    assert check.signer == "Ủy ban nhân dân tỉnh Thử"
    assert check.signed_at is not None
    # and the stamp is visible: the signature widget has a box on the last page
    reader = pypdf.PdfReader(io.BytesIO(data))
    widgets = [a.get_object() for a in reader.pages[-1].get("/Annots", [])]
    assert [[float(x) for x in w["/Rect"]] for w in widgets if w.get("/FT") == "/Sig"] == [[330, 28, 565, 88]]


def test_signed_pdf_is_pades(signing_key, tmp_path):
    assert "Signature Type: ETSI.CAdES.detached" in _pdfsig(tmp_path, _signed())


def test_message_for_a_valid_signature(signing_key):
    signing.trust_root_add(pem_bytes=signing_key["ca"].pem())
    check = signing.pdf_verify(_signed())
    when = signing.timezone.localtime(check.signed_at).strftime("%H:%M %d/%m/%Y")
    assert signing.signature_message(check.state, check.signer, check.signed_at) == (
        f"Đã ký số bởi Ủy ban nhân dân tỉnh Thử lúc {when}, hợp lệ")


def test_an_object_changed_after_signing_is_reported_altered(signing_key):
    signing.trust_root_add(pem_bytes=signing_key["ca"].pem())
    # given a signed PDF changed by an incremental update (the page turned)
    writer = IncrementalPdfFileWriter(io.BytesIO(_signed()))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    # when checked / then altered
    check = signing.pdf_verify(out.getvalue())
    assert check.state == SignatureState.ALTERED
    assert signing.signature_message(check.state) == "Chữ ký không hợp lệ: văn bản đã bị sửa sau khi ký"


def test_bytes_appended_after_signing_are_reported_altered(signing_key):
    signing.trust_root_add(pem_bytes=signing_key["ca"].pem())
    assert signing.pdf_verify(_signed() + b"\nthem noi dung\n").state == SignatureState.ALTERED


def test_signed_bytes_changed_are_reported_altered(signing_key):
    signing.trust_root_add(pem_bytes=signing_key["ca"].pem())
    data = _signed()
    at = data.index(b"Xin") if b"Xin" in data else data.index(b"/MediaBox")
    changed = data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]
    assert signing.pdf_verify(changed).state == SignatureState.ALTERED


def test_a_root_not_installed_is_untrusted(signing_key):
    # given another root installed, not the signer's
    signing.trust_root_add(pem_bytes=make_ca("Other Root").pem())
    check = signing.pdf_verify(_signed())
    assert check.state == SignatureState.UNTRUSTED
    assert check.signer == "Ủy ban nhân dân tỉnh Thử"


def test_an_unsigned_pdf_says_so():
    check = signing.pdf_verify(signing.pdf_render(HTML))
    assert check.state == SignatureState.NONE
    assert signing.signature_message(check.state) == "Không có chữ ký số"


def test_a_broken_pdf_is_unreadable():
    assert signing.pdf_verify(b"%PDF-1.4\n%test\n").state == SignatureState.UNREADABLE


def test_no_key_leaves_the_pdf_unsigned_and_says_so():
    pdf = signing.pdf_render(HTML)
    assert signing.pdf_sign(pdf, signer_name=ISSUER, reason="", location="") == pdf
    assert signing.signing_notice() == (
        "Văn bản PDF chưa được ký số: máy chủ chưa cài chứng thư số của cơ quan ban hành.")


def test_a_wrong_password_leaves_the_pdf_unsigned(settings, pki):
    settings.CHIDAO_SIGNING = {"pkcs12": str(pki["p12"]), "password": "sai"}
    pdf = signing.pdf_render(HTML)
    assert signing.pdf_sign(pdf, signer_name=ISSUER, reason="", location="") == pdf
    with pytest.raises(SigningConfigError), signing.signer_open():
        pass


@pytest.mark.parametrize(("conf", "message"), [
    ({"pkcs11_module": "/nowhere/libsofthsm2.so"}, "PKCS#11 signing needs token_label, key_label"),
    ({"pkcs11_module": "/nowhere/libsofthsm2.so", "token_label": "t", "key_label": "k"},
     "PKCS#11 module not found: /nowhere/libsofthsm2.so"),
])
def test_pkcs11_configuration_errors(settings, conf, message):
    settings.CHIDAO_SIGNING = conf
    with pytest.raises(SigningConfigError, match=message), signing.signer_open():
        pass
    pdf = signing.pdf_render(HTML)
    assert signing.pdf_sign(pdf, signer_name=ISSUER, reason="", location="") == pdf


def test_trust_root_add_refuses_what_is_not_a_certificate(settings):
    with pytest.raises(ValueError, match="Tệp không chứa chứng thư số dạng PEM."):
        signing.trust_root_add(pem_bytes=b"not a certificate")
    assert not settings.CHIDAO_TRUST_ROOTS.exists()


def test_trust_root_add_twice_keeps_one_file(settings):
    ca = make_ca()
    first = signing.trust_root_add(pem_bytes=ca.pem())
    assert signing.trust_root_add(pem_bytes=ca.pem()) == first
    assert list(settings.CHIDAO_TRUST_ROOTS.glob("*.pem")) == [first]


def test_the_stamp_font_is_rescaled_to_a_thousand_units_per_em():
    # pyHanko lays text out in 1/1000 em; Liberation Serif's 2,048 units would double the letter spacing
    from fontTools.ttLib import TTFont

    font = TTFont(signing._stamp_font())
    assert font["head"].unitsPerEm == 1000
    assert ord("ạ") in font.getBestCmap()


def test_a_pkcs11_module_that_cannot_be_loaded_is_a_configuration_error(settings, tmp_path):
    # given a "module" that is no PKCS#11 library
    fake = tmp_path / "libfake-pkcs11.so"
    fake.write_bytes(b"not a library")
    settings.CHIDAO_SIGNING = {"pkcs11_module": str(fake), "token_label": "Chidao", "key_label": "ky", "pin": "1234"}
    with pytest.raises(SigningConfigError, match="PKCS#11 token 'Chidao' cannot be opened"), signing.signer_open():
        pass
    pdf = signing.pdf_render(HTML)
    assert signing.pdf_sign(pdf, signer_name=ISSUER, reason="", location="") == pdf
