"""Text enters in Unicode NFC on every request path (query strings, forms, file names, JSON bodies)."""

import datetime as dt
import json
import unicodedata

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.test import RequestFactory

from chidao.core.errors import ValidationError
from chidao.core.middleware import NFCMiddleware
from chidao.core.tokens import api_token_create
from chidao.personnel import services as people
from chidao.personnel.models import Person
from chidao.programs import services as programs
from chidao.programs.models import Deliverable

NFC = "Nguyễn Thị Thủy"
NFD = unicodedata.normalize("NFD", NFC)


def _seen(request) -> dict:
    """Run the middleware and return what the view would see."""
    seen = {}

    def view(req):
        seen["GET"] = {k: req.GET.getlist(k) for k in req.GET}
        if req.content_type == "application/json":
            seen["body"] = req.body.decode()
        else:
            seen["POST"] = {k: req.POST.getlist(k) for k in req.POST}
            seen["FILES"] = [f.name for f in req.FILES.values()]
        return HttpResponse()

    NFCMiddleware(view)(request)
    return seen


CODE = "Ngữ-1"
CODE_NFD = unicodedata.normalize("NFD", CODE)


def test_the_inputs_are_decomposed_as_given():
    assert (len(NFC), len(NFD)) == (15, 19)
    assert (len(CODE), len(CODE_NFD)) == (5, 7)


def test_query_string_form_fields_and_file_names_arrive_composed():
    rf = RequestFactory()
    seen = _seen(rf.post(f"/?q={NFD}", {"title": NFD, "tags": [NFD, "abc"],
                                        "file": SimpleUploadedFile(f"{NFD}.pdf", b"%PDF-1.4")}))
    assert seen["GET"] == {"q": [NFC]}
    assert seen["POST"] == {"title": [NFC], "tags": [NFC, "abc"]}
    assert seen["FILES"] == [f"{NFC}.pdf"]


def test_json_bodies_arrive_composed_keys_values_and_nested():
    rf = RequestFactory()
    seen = _seen(rf.post("/api", {"title": NFD, "items": [{"name": NFD}], "n": 3}, content_type="application/json"))
    assert json.loads(seen["body"]) == {"title": NFC, "items": [{"name": NFC}], "n": 3}


def test_composed_json_is_passed_on_byte_for_byte():
    rf = RequestFactory()
    body = '{"title":"' + NFC + '","n":1.50}'
    assert _seen(rf.post("/api", body, content_type="application/json"))["body"] == body


@pytest.mark.django_db
def test_one_deliverable_code_whatever_form_it_is_typed_in(client, program, units, users):
    # Given a deliverable assigned through the API with a decomposed code and title
    _token, raw = api_token_create(user=users["office"], name="t", scope="write")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    url = f"/api/v1/programs/{program.pk}/deliverables"
    body = {"code": CODE_NFD, "kind": "de_an", "title": NFD, "lead_unit_id": units["snv"].pk,
            "original_deadline": "2022-06-30"}
    assert client.post(url, body, content_type="application/json", **auth).status_code == 201
    # Then it is stored composed
    stored = Deliverable.objects.get(program=program, title=NFC)
    assert stored.code == CODE
    # When the same code comes again composed, then it is the same code: refused, nothing added
    count = Deliverable.objects.count()
    again = client.post(url, {**body, "code": CODE}, content_type="application/json", **auth)
    assert again.status_code == 422
    assert Deliverable.objects.count() == count


@pytest.mark.django_db
def test_person_codes_differ_in_case_only_are_one_code(users, units):
    # Given a record NFC-1
    people.person_create(actor=users["admin"], code="NFC-1", full_name="Lê Văn Một", birth_date=dt.date(1980, 1, 1),
                           gender="male", unit=units["snv"])
    # When nfc-1 is created, then it is refused as the same code and nothing is added
    with pytest.raises(ValidationError) as refused:
        people.person_create(actor=users["admin"], code="nfc-1", full_name="Lê Văn Hai",
                               birth_date=dt.date(1981, 1, 1), gender="male", unit=units["snv"])
    assert refused.value.message_dict == {"code": ["Mã hồ sơ nfc-1 đã có."]}
    assert list(Person.objects.values_list("code", flat=True)) == ["NFC-1"]
    # And the database holds the rule too, for every other path (bulk imports)
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.create(code="Nfc-1", full_name="X", birth_date=dt.date(1980, 1, 1), gender="male")


@pytest.mark.django_db
def test_deliverable_codes_differ_in_case_only_are_one_code(program, units, users):
    programs.deliverable_create(actor=users["office"], program=program, code="KL21.a", kind="de_an", title="Một",
                                lead_unit=units["snv"], original_deadline=dt.date(2022, 6, 30))
    with pytest.raises(ValidationError):
        programs.deliverable_create(actor=users["office"], program=program, code="kl21.A", kind="de_an", title="Hai",
                                    lead_unit=units["snv"],
                                    original_deadline=dt.date(2022, 6, 30))
    assert Deliverable.objects.filter(code__iexact="kl21.a").count() == 1


@pytest.mark.django_db
def test_excel_import_cells_arrive_composed(program, users, units):
    """Given a sheet typed with decomposed letters (as a Mac or a PDF gives them), the import stores NFC."""
    from chidao.programs import excel
    from tests.programs.test_import import _office_workbook

    rows = [[CODE_NFD, "Đề án", NFD, unicodedata.normalize("NFD", "Sở Nội vụ"), "", NFD, "30/06/2021", ""]]
    result = excel.deliverables_import(actor=users["office"], program=program, file=_office_workbook(rows))
    assert result.errors == []
    d = Deliverable.objects.get(program=program, code=CODE)
    assert (d.title, d.responsible_leader, d.lead_unit_id) == (NFC, NFC, units["snv"].pk)
