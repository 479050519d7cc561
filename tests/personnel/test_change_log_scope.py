"""The change log of cadre records follows the personnel scope (issue 13, item 3): who may not read the person
reads the entry without the person and without the values, and every read is in the access log."""

import datetime as dt

import pytest
from django.test import Client

from chidao.core.models import ChangeRecord
from chidao.core.selectors import ChangeRecordFilters, change_record_list, change_records_mask
from chidao.core.tokens import api_token_create
from chidao.personnel import planning, services
from chidao.personnel.models import AccessLog, Discipline

pytestmark = pytest.mark.django_db

HIDDEN = "Hồ sơ cán bộ (ẩn)"


@pytest.fixture
def disciplined(users, make_person):
    person = make_person(name="Lê Thị Kỷ Luật")
    discipline = services.discipline_add(actor=users["admin"], person=person, system="party", form="khien_trach",
                                         decided_on=dt.date(2024, 3, 1), decided_by="UBKT Thành ủy",
                                         reason="Vi phạm quy chế")
    AccessLog.objects.all().delete()
    return person, discipline


def _read(user, object_type: str) -> list[dict]:
    _token, raw = api_token_create(user=user, name="t", scope="read")
    response = Client().get(f"/api/v1/change-records?object_type={object_type}", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    return response.json()["items"]


def test_an_auditor_reads_a_discipline_entry_without_the_person_or_the_values(users, disciplined):
    person, discipline = disciplined
    # When the auditor (who gets 404 on the person) reads the discipline change log
    entry = _read(users["auditor"], "personnel.discipline")[0]
    # Then who changed which kind of record, when, stays; the person and the values are gone
    assert {k: entry[k] for k in ("actor", "action", "object_type", "object_id", "object_repr", "before", "after",
                                  "reason")} == {
        "actor": "admin", "action": "create", "object_type": "personnel.discipline",
        "object_id": str(discipline.pk), "object_repr": HIDDEN, "before": None, "after": None, "reason": ""}
    # And the read is in the access log, naming no person (the log must not tell whom the entry was about)
    record = ChangeRecord.objects.get(content_type__model="discipline")
    assert list(AccessLog.objects.values_list("user__username", "person", "action", "detail")) == [
        ("auditor", None, "change_log", f"personnel.discipline #{discipline.pk}, bản ghi thay đổi #{record.pk} (ẩn)")]


@pytest.mark.parametrize("object_type", ["personnel.person", "personnel.assignment", "personnel.rating",
                                         "personnel.discipline", "personnel.deferral", "personnel.relative",
                                         "personnel.planningentry"])
def test_no_personnel_entry_names_the_person_to_an_auditor(users, posts, make_person, object_type):
    person = make_person(name="Phạm Văn Bí Mật", phone="0900000001")
    relative = make_person(name="Phạm Thị Người Thân", post=None)
    services.rating_set(actor=users["admin"], person=person, year=2024, level="excellent")
    services.deferral_add(actor=users["admin"], person=person, kind="pregnancy_child", start=dt.date(2024, 1, 1))
    services.relative_link(actor=users["admin"], person=person, relative=relative, relation="spouse")
    term = planning.planning_term_create(actor=users["admin"], name="Quy hoạch 2025-2030", start_year=2025,
                                         end_year=2030)
    planning.planning_entry_add(actor=users["admin"], term=term, person=person, position=posts["snv_deputy"],
                                on=dt.date(2025, 1, 1))
    services.discipline_add(actor=users["admin"], person=person, system="party", form="canh_cao",
                            decided_on=dt.date(2025, 3, 1), decided_by="UBKT Thành ủy")
    entries = _read(users["auditor"], object_type)
    assert entries
    for entry in entries:
        assert (entry["object_repr"], entry["before"], entry["after"], entry["reason"]) == (HIDDEN, None, None, "")


def test_an_administrator_reads_the_entry_whole_and_the_read_names_the_person(users, disciplined):
    person, discipline = disciplined
    entry = _read(users["admin"], "personnel.discipline")[0]
    assert entry["object_repr"] == str(discipline)
    assert entry["after"]["decided_by"] == "UBKT Thành ủy" and entry["reason"] == ""
    assert list(AccessLog.objects.values_list("user__username", "person", "action")) == [
        ("admin", person.pk, "change_log")]


def test_the_scope_of_the_reader_decides(users, hr, disciplined):
    person, discipline = disciplined  # works at Sở Nội vụ
    records = ChangeRecord.objects.filter(content_type__model="discipline")
    # The personnel officer of the person's unit sees the entry; the one of another unit and a lead officer do not
    shown = change_records_mask(records, reader=hr["snv"])[0]
    assert (shown.object_repr, shown.after["form"]) == (str(discipline), "khien_trach")
    for reader in (hr["stc"], users["snv"]):
        hidden = change_records_mask(records, reader=reader)[0]
        assert (hidden.object_repr, hidden.before, hidden.after, hidden.reason) == (HIDDEN, None, None, "")
    assert list(AccessLog.objects.order_by("id").values_list("user__username", "person")) == [
        ("tccb_snv", person.pk), ("tccb_stc", None), ("officer_snv", None)]


def test_a_page_of_the_log_is_masked_when_read(users, disciplined):
    # The selector's ChangeLog masks every page it hands out (the API paginates it)
    page = change_record_list(user=users["auditor"], filters=ChangeRecordFilters(object_type="personnel.discipline"))
    assert [r.object_repr for r in page[0:10]] == [HIDDEN]
    assert Discipline.objects.count() == 1
