"""Which format a document takes, and its number line, by the issuing body."""

import pytest

from chidao.core.documents import PARTY, STATE, document_fields, document_format, number_text, signer_lines


@pytest.mark.parametrize(("kind", "fmt"), [("party_committee", PARTY), ("party_body", PARTY), ("party_cell", PARTY),
                                           ("peoples_committee", STATE), ("department", STATE), ("commune", STATE)])
def test_party_bodies_take_the_party_format_and_state_bodies_the_decree(kind, fmt):
    assert document_format(kind) == fmt


def test_the_number_line_of_each_format():
    assert number_text(PARTY, 12, "BC", "BCĐ") == "Số 12-BC/BCĐ"
    assert number_text(STATE, 12, "BC", "UBND") == "Số: 12/BC-UBND"
    assert number_text(PARTY, None, "BC", "BCĐ") == "Số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0-BC/BCĐ"


def test_the_signing_forms_of_each_format():
    signer = {"body": "Ban Chỉ đạo", "title": "Trưởng ban", "deputy_title": "Phó Trưởng ban", "name": "Nguyễn Văn A"}
    assert signer_lines(PARTY, {**signer, "form": "T/M"}) == ("T/M BAN CHỈ ĐẠO", "TRƯỞNG BAN", "Nguyễn Văn A")
    assert signer_lines(PARTY, {**signer, "form": "K/T"}) == ("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Nguyễn Văn A")
    assert signer_lines(STATE, {**signer, "form": "K/T"}) == ("KT. TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "Nguyễn Văn A")
    assert signer_lines(STATE, {**signer, "form": "T/L"}) == ("TL. BAN CHỈ ĐẠO", "TRƯỞNG BAN", "Nguyễn Văn A")
    assert signer_lines(STATE, {**signer, "form": ""}) == ("", "TRƯỞNG BAN", "Nguyễn Văn A")


def test_document_fields_default_to_an_unnumbered_draft_signed_by_the_head():
    fields = document_fields(doc_format=PARTY, type_code="BC", issuer_code="BCĐ", head_title="TRƯỞNG BAN")
    assert fields == {"doc_format": PARTY, "number": "Số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0-BC/BCĐ", "draft": True,
                      "signer": {"form": "", "body": "", "title": "TRƯỞNG BAN", "deputy_title": "", "name": ""},
                      "signer_for": "", "signer_title": "TRƯỞNG BAN", "signer_name": ""}


def test_document_fields_take_what_the_register_gives():
    fields = document_fields(doc_format=PARTY, type_code="CV", issuer_code="BCĐ", head_title="TRƯỞNG BAN", given={
        "doc_format": STATE, "number": "Số: 12/BCĐ", "signer": {"form": "T/M", "body": "Ủy ban nhân dân",
                                                               "title": "Chủ tịch", "name": "Trần Văn B"}})
    assert (fields["doc_format"], fields["number"], fields["draft"]) == (STATE, "Số: 12/BCĐ", False)
    assert (fields["signer_for"], fields["signer_title"], fields["signer_name"]) == (
        "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Trần Văn B")
    # a draft keeps its number blank; a State letter's blank number has no type code
    draft = document_fields(doc_format=STATE, type_code="CV", issuer_code="BCĐ", head_title="TRƯỞNG BAN",
                            given={"number": "Số: 12/BCĐ", "draft": True})
    assert (draft["number"], draft["draft"]) == ("Số: \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0/BCĐ", True)
