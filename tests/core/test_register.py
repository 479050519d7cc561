"""The register of outgoing documents: numbers per issuing body, year and type, never given twice."""

import datetime as dt
import threading

import pytest
from django.db import connection

from chidao.core import register
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import ChangeRecord, DocumentCounter, OutgoingDocument, Signer

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def steering(users, units):
    return register.issuer_ensure(actor=users["admin"], unit=units["tu"], code="BCĐ", name="Ban Chỉ đạo")


@pytest.fixture
def chief(users, steering):
    return register.signer_create(actor=users["admin"], issuer=steering, form="T/M", body="BAN CHỈ ĐẠO",
                                  title="TRƯỞNG BAN", name="Nguyễn Văn An", order=1)


def _issue(users, issuer, on, type_code="BC", who="office", **kw):
    return register.document_issue(actor=users[who], issuer=issuer, type_code=type_code, title="Báo cáo thử",
                                   on=on, **kw)


def _state():
    return (list(OutgoingDocument.objects.values_list("pk", "number")),
            list(DocumentCounter.objects.values_list("pk", "last")), ChangeRecord.objects.count())


def test_numbers_run_from_one_per_issuer_year_and_type_and_restart_each_year(users, units, steering):
    # Given the steering committee of the Thành ủy and the Sở Nội vụ as issuing bodies
    snv = register.issuer_ensure(actor=users["admin"], unit=units["snv"], code="SNV", name="Sở Nội vụ")
    # When they issue documents over two years
    numbers = [_issue(users, steering, D(2025, 3, 1)).number_text, _issue(users, steering, D(2025, 6, 1)).number_text,
               _issue(users, steering, D(2025, 6, 2), "KH").number_text,
               _issue(users, snv, D(2025, 6, 3)).number_text,
               _issue(users, steering, D(2026, 1, 5)).number_text]
    # Then each (body, year, type) counts from 1, in the body's format (Party committee; State department)
    assert numbers == ["Số 1-BC/BCĐ", "Số 2-BC/BCĐ", "Số 1-KH/BCĐ", "Số: 1/BC-SNV", "Số 1-BC/BCĐ"]
    doc = OutgoingDocument.objects.get(number_text="Số 1-KH/BCĐ")
    assert (doc.year, doc.type_code, doc.number, doc.issued_on, doc.issued_by) == (2025, "KH", 1, D(2025, 6, 2),
                                                                                    users["office"])
    assert ChangeRecord.objects.filter(action="document_issue").count() == 5


def test_the_signer_is_kept_with_the_entry_and_its_block_follows_the_contract(users, steering, chief):
    doc = _issue(users, steering, D(2025, 3, 1), signer=chief)
    assert (doc.signer, doc.signer_text) == (chief, "T/M BAN CHỈ ĐẠO TRƯỞNG BAN Nguyễn Văn An")
    assert register.signer_block(chief) == {"form": "T/M", "body": "BAN CHỈ ĐẠO", "title": "TRƯỞNG BAN",
                                            "deputy_title": "", "name": "Nguyễn Văn An"}
    deputy = register.signer_create(actor=users["office"], issuer=steering, form="K/T", body="", title="TRƯỞNG BAN",
                                    deputy_title="PHÓ TRƯỞNG BAN", name="Trần Thị Bình")
    assert register.signer_block(deputy) == {"form": "K/T", "body": "", "title": "TRƯỞNG BAN",
                                             "deputy_title": "PHÓ TRƯỞNG BAN", "name": "Trần Thị Bình"}
    assert register.signer_block(None) == {"form": "", "body": "", "title": "", "deputy_title": "", "name": ""}


def test_refusals_change_nothing(users, units, steering, chief):
    _issue(users, steering, D(2025, 3, 1))
    before = _state()
    # An auditor only reads; a lead officer of another unit may not issue for the Thành ủy's committee
    for who in ("auditor", "stc"):
        with pytest.raises(PermissionDenied):
            _issue(users, steering, D(2025, 3, 2), who=who)
    with pytest.raises(ValidationError) as exc:
        _issue(users, steering, D(2025, 3, 2), type_code="XX")
    assert exc.value.message_dict == {"type_code": ["Loại văn bản không hợp lệ."]}
    other = register.issuer_ensure(actor=None, unit=units["snv"], code="SNV", name="Sở Nội vụ")
    before = _state()
    with pytest.raises(ValidationError) as exc:
        register.document_issue(actor=users["office"], issuer=other, type_code="BC", title="x", signer=chief)
    assert exc.value.message_dict == {"signer": ["Người ký không thuộc cơ quan ban hành này hoặc đã thôi."]}
    with pytest.raises(PermissionDenied):
        register.signer_create(actor=users["snv"], issuer=steering, form="", body="", title="CHÁNH VĂN PHÒNG",
                               name="X")
    with pytest.raises(ValidationError) as exc:
        register.signer_create(actor=users["admin"], issuer=steering, form="T/M", body="", title="TRƯỞNG BAN",
                               name="X")
    assert exc.value.message_dict == {"body": ["Ký T/M cần tên tập thể, ví dụ “BAN CHỈ ĐẠO”."]}
    assert _state() == before
    assert Signer.objects.count() == 1


def test_a_signer_is_edited_with_a_change_record(users, chief):
    register.signer_update(actor=users["office"], signer=chief, form="T/M", body="BAN CHỈ ĐẠO", title="TRƯỞNG BAN",
                           name="Lê Văn Cường", active=True, order=2)
    chief.refresh_from_db()
    assert (chief.name, chief.order) == ("Lê Văn Cường", 2)
    record = ChangeRecord.objects.filter(action="update").get()
    assert (record.before["name"], record.after["name"]) == ("Nguyễn Văn An", "Lê Văn Cường")


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_issues_get_consecutive_distinct_numbers(users, steering):
    # Given two clerks issuing for the same body, year and type at the same moment (separate connections)
    barrier = threading.Barrier(2)
    got: list[str] = []
    errors: list[BaseException] = []

    def clerk() -> None:
        try:
            barrier.wait(timeout=10)
            got.append(_issue(users, steering, D(2025, 5, 1)).number_text)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    # Then both are registered, with numbers 1 and 2
    assert errors == []
    assert sorted(got) == ["Số 1-BC/BCĐ", "Số 2-BC/BCĐ"]
    assert sorted(OutgoingDocument.objects.values_list("number", flat=True)) == [1, 2]
    assert DocumentCounter.objects.get().last == 2
