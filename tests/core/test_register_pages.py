"""The page "Sổ văn bản đi": search without diacritics, filters, Excel export, scope; the signers' pages."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from chidao.core import register
from chidao.core.models import ChangeRecord, Issuer, Signer

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def docs(users, units):
    steering = register.issuer_ensure(actor=None, unit=units["tu"], code="BCĐ", name="Ban Chỉ đạo")
    snv = register.issuer_ensure(actor=None, unit=units["snv"], code="SNV", name="Sở Nội vụ")
    issue = register.document_issue
    return {
        "year_end": issue(actor=users["office"], issuer=steering, type_code="BC", title="Tổng kết năm 2024",
                          on=D(2024, 12, 20)),
        "plan": issue(actor=users["office"], issuer=steering, type_code="KH", title="Kế hoạch chuyển đổi vị trí",
                      on=D(2025, 2, 3)),
        "snv": issue(actor=users["snv"], issuer=snv, type_code="BC", title="Báo cáo định kỳ quý I",
                     on=D(2025, 3, 31)),
    }


def _numbers(response) -> list[str]:
    return [d.number_text for d in response.context["page"].object_list]


def test_office_searches_without_diacritics_and_filters(client, users, docs):
    client.force_login(users["office"])
    assert _numbers(client.get(reverse("register_list"))) == ["Số: 1/BC-SNV", "Số 1-KH/BCĐ", "Số 1-BC/BCĐ"]
    assert _numbers(client.get(reverse("register_list"), {"q": "tong ket"})) == ["Số 1-BC/BCĐ"]
    assert _numbers(client.get(reverse("register_list"), {"q": "chuyen doi"})) == ["Số 1-KH/BCĐ"]
    steering = docs["plan"].issuer_id
    assert _numbers(client.get(reverse("register_list"), {"issuer": steering, "year": 2025})) == ["Số 1-KH/BCĐ"]
    assert _numbers(client.get(reverse("register_list"), {"type_code": "BC"})) == ["Số: 1/BC-SNV", "Số 1-BC/BCĐ"]


def test_others_read_their_units_documents_only(client, users, docs):
    client.force_login(users["snv"])
    assert _numbers(client.get(reverse("register_list"))) == ["Số: 1/BC-SNV"]
    client.force_login(users["stc"])
    assert _numbers(client.get(reverse("register_list"))) == []


def test_export_writes_the_filtered_rows(client, users, docs):
    client.force_login(users["office"])
    response = client.get(reverse("register_export"), {"type_code": "BC"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = [tuple(c.value for c in row[:5]) for row in ws.iter_rows(min_row=4) if row[0].value]
    assert rows == [("Số: 1/BC-SNV", dt.datetime(2025, 3, 31), "Báo cáo", "Báo cáo định kỳ quý I", "Sở Nội vụ"),
                    ("Số 1-BC/BCĐ", dt.datetime(2024, 12, 20), "Báo cáo", "Tổng kết năm 2024", "Ban Chỉ đạo")]


def test_office_adds_an_issuer_and_a_signer_and_edits_it(client, users, units):
    client.force_login(users["office"])
    response = client.post(reverse("signer_admin"), {"unit_code": "tu", "code": "BCĐ", "name": "Ban Chỉ đạo 01"})
    assert response.status_code == 302
    issuer = Issuer.objects.get()
    assert (issuer.unit, issuer.code, issuer.name) == (units["tu"], "BCĐ", "Ban Chỉ đạo 01")
    response = client.post(reverse("signer_add", args=[issuer.pk]), {
        "form": "T/M", "body": "BAN CHỈ ĐẠO", "title": "TRƯỞNG BAN", "name": "Nguyễn Văn An", "order": 1,
        "active": "on"})
    assert response.status_code == 302
    signer = Signer.objects.get()
    response = client.post(reverse("signer_edit", args=[signer.pk]), {
        "form": "K/T", "title": "TRƯỞNG BAN", "deputy_title": "PHÓ TRƯỞNG BAN", "name": "Trần Thị Bình",
        "order": 2})
    assert response.status_code == 302
    signer.refresh_from_db()
    assert register.signer_block(signer) == {"form": "K/T", "body": "", "title": "TRƯỞNG BAN",
                                             "deputy_title": "PHÓ TRƯỞNG BAN", "name": "Trần Thị Bình"}
    assert signer.active is False
    assert ChangeRecord.objects.filter(content_type__model__in=["issuer", "signer"]).count() == 3


def test_signer_pages_are_refused_to_others_and_nothing_changes(client, users, units):
    issuer = register.issuer_ensure(actor=None, unit=units["tu"], code="BCĐ", name="Ban Chỉ đạo")
    for who in ("snv", "steering", "auditor"):
        client.force_login(users[who])
        assert client.get(reverse("signer_admin")).status_code == 403
        assert client.post(reverse("signer_add", args=[issuer.pk]), {
            "form": "", "title": "CHÁNH VĂN PHÒNG", "name": "X", "order": 0}).status_code == 403
    assert Signer.objects.count() == 0
    client.force_login(users["admin"])
    response = client.post(reverse("signer_add", args=[issuer.pk]), {"form": "T/M", "title": "TRƯỞNG BAN",
                                                                    "name": "X", "order": 0})
    assert response.status_code == 422
    assert "Ký T/M cần tên tập thể" in response.content.decode()
    assert Signer.objects.count() == 0
