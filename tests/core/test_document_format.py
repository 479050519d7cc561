"""Which format a document takes, and its number line, by the issuing body."""

import pytest

from chidao.core.documents import PARTY, STATE, document_format, number_text


@pytest.mark.parametrize(("kind", "fmt"), [("party_committee", PARTY), ("party_body", PARTY), ("party_cell", PARTY),
                                           ("peoples_committee", STATE), ("department", STATE), ("commune", STATE)])
def test_party_bodies_take_the_party_format_and_state_bodies_the_decree(kind, fmt):
    assert document_format(kind) == fmt


def test_the_number_line_of_each_format():
    assert number_text(PARTY, 12, "BC", "BCĐ") == "Số 12-BC/BCĐ"
    assert number_text(STATE, 12, "BC", "UBND") == "Số: 12/BC-UBND"
    assert number_text(PARTY, None, "BC", "BCĐ") == "Số \u00a0\u00a0\u00a0\u00a0\u00a0\u00a0-BC/BCĐ"
