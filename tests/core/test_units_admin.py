"""Administrators keep the organization tree: create, edit, move, merge, dissolve, delete; `chidao units load`."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from chidao.core import units as services
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import ChangeRecord, Unit, UnitKind, UnitLevel
from chidao.core.reference import province_choices

pytestmark = pytest.mark.django_db
D = dt.date
P = UnitLevel.PROVINCE


def _state() -> list[tuple]:
    """Every unit as stored, with its lineage, and the number of change records: what a refusal must not touch."""
    rows = [(u.pk, u.code, u.name, u.short_name, u.kind, u.level, u.parent_id, u.valid_from, u.valid_to,
             u.official_code, u.headcount, tuple(u.successors.values_list("pk", flat=True)))
            for u in Unit.objects.order_by("pk")]
    return [*rows, ("records", ChangeRecord.objects.count())]


def _refused(call, field: str, message: str) -> None:
    before = _state()
    with pytest.raises(ValidationError) as exc:
        call()
    assert exc.value.message_dict[field] == [message]
    assert _state() == before


def _create(admin, **kw) -> Unit:
    fields = {"code": "SXD", "name": "Sở Xây dựng", "kind": UnitKind.DEPARTMENT, "level": P}
    return services.unit_create(actor=admin, **{**fields, **kw})


# --- Create --------------------------------------------------------------------------------------------------


def test_an_administrator_creates_an_agency_and_a_department_inside_it(users, units):
    admin = users["admin"]
    agency = _create(admin, parent=units["city"], short_name="SXD", headcount=80, official_code="")
    office = services.unit_create(actor=admin, code="SXD-VP", name="Văn phòng Sở", kind=UnitKind.DEPARTMENT,
                                  level=P, parent=agency, headcount=12)
    assert (agency.parent, agency.headcount, agency.search_text) == (units["city"], 80, "so xay dung sxd sxd")
    assert (office.parent, office.kind, office.headcount) == (agency, "department", 12)
    record = ChangeRecord.objects.filter(object_id=str(office.pk), action="create").get()
    assert (record.actor, record.after["name"], record.after["parent"]) == (admin, "Văn phòng Sở", "Sở Xây dựng")


def test_a_root_unit_anywhere_in_the_country(users):
    unit = services.unit_create(actor=users["admin"], code="P04", name="Tỉnh Cao Bằng", kind=UnitKind.LOCALITY,
                                level=P, official_code="04")
    assert (unit.parent, unit.official_code) == (None, "04")


def test_only_administrators_manage_units(users, units):
    before = _state()
    for key in ("office", "steering", "auditor", "snv"):
        with pytest.raises(PermissionDenied):
            _create(users[key])
        with pytest.raises(PermissionDenied):
            services.unit_dissolve(actor=users[key], unit=units["stp"], on=D(2025, 12, 31))
    assert _state() == before


def test_a_superuser_manages_units(users):
    root = users["auditor"]
    root.is_superuser = True
    root.save()
    assert _create(root).code == "SXD"


@pytest.mark.parametrize(("kw", "field", "message"), [
    ({"code": ""}, "code", "Nhập mã đơn vị."),
    ({"code": "  "}, "code", "Nhập mã đơn vị."),
    ({"code": "snv"}, "code", "Mã đơn vị “snv” đã được dùng (không phân biệt chữ hoa, chữ thường)."),
    ({"code": "SỞ XD"}, "code", "Mã đơn vị gồm chữ không dấu, chữ số và các dấu . _ / -, tối đa 32 ký tự."),
    ({"name": " "}, "name", "Nhập tên đơn vị."),
    ({"kind": "ministry"}, "kind", "Loại đơn vị không hợp lệ."),
    ({"level": "village"}, "level", "Cấp đơn vị không hợp lệ."),
    ({"kind": UnitKind.COMMUNE}, "level",
     "Cấp “Tỉnh, thành phố” không phù hợp với loại đơn vị “Xã, phường, đặc khu”."),
    ({"level": UnitLevel.CENTRAL}, "level",
     "Đơn vị cấp “Trung ương” không thể trực thuộc đơn vị cấp “Tỉnh, thành phố”."),
])
def test_create_refuses_bad_input_and_changes_nothing(users, units, kw, field, message):
    _refused(lambda: _create(users["admin"], parent=units["city"], **kw), field, message)


def test_create_under_a_ceased_parent_is_refused(users, units):
    Unit.objects.filter(pk=units["stp"].pk).update(valid_to=D(2025, 6, 30))
    units["stp"].refresh_from_db()
    _refused(lambda: _create(users["admin"], parent=units["stp"], valid_from=D(2025, 7, 1)), "parent",
             "Đơn vị cấp trên “Sở Tư pháp” đã thôi hoạt động từ 30/06/2025.")


# --- Edit (rename) -------------------------------------------------------------------------------------------


def test_rename_keeps_the_record_its_lineage_and_what_names_it(users, units, make_deliverable):
    deliverable = make_deliverable(lead="stp")
    old = Unit.objects.create(code="STP-CU", name="Sở Tư pháp (cũ)", kind=UnitKind.DEPARTMENT, level=P,
                              valid_to=D(2020, 1, 1))
    old.successors.add(units["stp"])
    unit = services.unit_update(actor=users["admin"], unit=units["stp"], code="STP", name="Sở Tư pháp Hà Nội",
                                short_name="STP HN", official_code="", headcount=55)
    deliverable.refresh_from_db()
    assert (unit.pk, unit.name, unit.headcount, unit.search_text) == (
        units["stp"].pk, "Sở Tư pháp Hà Nội", 55, "so tu phap ha noi stp hn stp")
    assert deliverable.lead_unit.name == "Sở Tư pháp Hà Nội"
    assert list(unit.predecessors.all()) == [old]
    record = ChangeRecord.objects.get(action="update", object_id=str(unit.pk))
    assert (record.before["name"], record.after["name"]) == ("Sở Tư pháp", "Sở Tư pháp Hà Nội")


def test_rename_to_another_units_code_in_other_case_is_refused(users, units):
    _refused(lambda: services.unit_update(actor=users["admin"], unit=units["stp"], code="Stc", name="Sở Tư pháp"),
             "code", "Mã đơn vị “Stc” đã được dùng (không phân biệt chữ hoa, chữ thường).")


def test_the_database_refuses_a_code_differing_only_in_case():
    from django.db import IntegrityError, transaction

    Unit.objects.create(code="ABC", name="A", kind=UnitKind.DEPARTMENT, level=P)
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(code="abc", name="B", kind=UnitKind.DEPARTMENT, level=P)


# --- Move ----------------------------------------------------------------------------------------------------


def test_move_under_another_parent_records_the_date(users, units, tree):
    unit = services.unit_move(actor=users["admin"], unit=tree["snv_division"], parent=units["stc"], on=D(2025, 9, 1))
    assert unit.parent == units["stc"]
    record = ChangeRecord.objects.get(action="unit_move")
    assert (record.before["parent"], record.after["parent"], record.after["moved_on"]) == (
        "Sở Nội vụ", "Sở Tài chính", "2025-09-01")


def test_move_to_the_top_of_the_tree(users, units):
    assert services.unit_move(actor=users["admin"], unit=units["stp"], parent=None, on=D(2025, 9, 1)).parent is None


def test_move_under_itself_or_its_descendant_is_refused(users, units, tree):
    admin = users["admin"]
    message = "Không thể đặt đơn vị trực thuộc chính nó hoặc đơn vị cấp dưới của nó."
    _refused(lambda: services.unit_move(actor=admin, unit=units["snv"], parent=units["snv"], on=D(2025, 9, 1)),
             "parent", message)
    _refused(lambda: services.unit_move(actor=admin, unit=units["snv"], parent=tree["snv_division"],
                                        on=D(2025, 9, 1)), "parent", message)
    _refused(lambda: services.unit_move(actor=admin, unit=units["city"], parent=tree["snv_division"],
                                        on=D(2025, 9, 1)), "parent", message)


def test_move_outside_the_units_dates_is_refused(users, units):
    Unit.objects.filter(pk=units["stp"].pk).update(valid_from=D(2020, 1, 1))
    units["stp"].refresh_from_db()
    _refused(lambda: services.unit_move(actor=users["admin"], unit=units["stp"], parent=units["tu"],
                                        on=D(2019, 12, 31)),
             "on", "Ngày chuyển không được trước ngày đơn vị bắt đầu hoạt động (01/01/2020).")


def test_move_under_a_lower_level_is_refused(users, units):
    commune = Unit.objects.create(code="W1", name="Phường Một", kind=UnitKind.COMMUNE, level=UnitLevel.COMMUNE,
                                  parent=units["city"])
    _refused(lambda: services.unit_move(actor=users["admin"], unit=units["stp"], parent=commune, on=D(2025, 9, 1)),
             "parent", "Đơn vị cấp “Tỉnh, thành phố” không thể trực thuộc đơn vị cấp “Cấp xã”.")


# --- Merge ---------------------------------------------------------------------------------------------------


def test_merge_into_a_new_unit_dates_the_old_ones_and_keeps_old_records_resolving(users, units, make_deliverable):
    deliverable = make_deliverable(lead="stc")
    successor = services.unit_merge(
        actor=users["admin"], units=[units["stc"], units["stp"]], on=D(2025, 2, 28),
        new_successor={"code": "STCTP", "name": "Sở Tài chính - Tư pháp", "kind": UnitKind.DEPARTMENT,
                       "level": P, "parent": units["city"]})
    assert (successor.valid_from, successor.parent) == (D(2025, 3, 1), units["city"])
    for key in ("stc", "stp"):
        units[key].refresh_from_db()
        assert units[key].valid_to == D(2025, 2, 28)
        assert list(units[key].successors.all()) == [successor]
    deliverable.refresh_from_db()
    assert deliverable.lead_unit == units["stc"]
    assert sorted(successor.predecessors.values_list("code", flat=True)) == ["STC", "STP"]
    in_force = set(Unit.objects.current(D(2025, 3, 1)).values_list("code", flat=True))
    assert {"STC", "STP"} & in_force == set()
    assert "STCTP" in in_force
    assert ChangeRecord.objects.filter(action="unit_merge").count() == 2


def test_merge_into_an_existing_unit(users, units):
    successor = services.unit_merge(actor=users["admin"], units=[units["stp"]], on=D(2025, 6, 30),
                                    successor=units["snv"], reason="Nghị quyết 01")
    units["stp"].refresh_from_db()
    assert (successor, units["stp"].valid_to, list(units["stp"].successors.all())) == (
        units["snv"], D(2025, 6, 30), [units["snv"]])
    assert ChangeRecord.objects.get(action="unit_merge").reason == "Nghị quyết 01"


def test_merge_refusals_change_nothing(users, units, tree):
    admin = users["admin"]
    _refused(lambda: services.unit_merge(actor=admin, units=[units["stp"]], on=D(2025, 6, 30)), "successor",
             "Chọn đơn vị kế thừa có sẵn hoặc nhập đơn vị kế thừa mới.")
    _refused(lambda: services.unit_merge(actor=admin, units=[units["stp"], units["stc"]], on=D(2025, 6, 30),
                                         successor=units["stc"]),
             "successor", "Đơn vị kế thừa không thể là đơn vị thôi hoạt động.")
    _refused(lambda: services.unit_merge(actor=admin, units=[units["snv"]], on=D(2025, 6, 30), successor=units["stc"]),
             "on", "Đơn vị “Sở Nội vụ” còn đơn vị trực thuộc đang hoạt động (Phòng Tổ chức, biên chế): chuyển "
             "hoặc giải thể các đơn vị đó trước.")
    _refused(lambda: services.unit_merge(
        actor=admin, units=[units["stp"]], on=D(2025, 6, 30),
        new_successor={"code": "stc", "name": "Trùng", "kind": UnitKind.DEPARTMENT, "level": P}),
        "code", "Mã đơn vị “stc” đã được dùng (không phân biệt chữ hoa, chữ thường).")


def test_merge_with_its_sub_units_ceasing_too_is_allowed(users, units, tree):
    services.unit_merge(actor=users["admin"], units=[units["snv"], tree["snv_division"]], on=D(2025, 6, 30),
                        successor=units["stc"])
    assert Unit.objects.filter(valid_to=D(2025, 6, 30)).count() == 2


# --- Dissolve ------------------------------------------------------------------------------------------------


def test_dissolve_dates_the_unit_and_links_the_successors(users, units):
    unit = services.unit_dissolve(actor=users["admin"], unit=units["stp"], on=D(2025, 12, 31),
                                  successors=[units["snv"]], reason="Quyết định 12")
    assert (unit.valid_to, list(unit.successors.all())) == (D(2025, 12, 31), [units["snv"]])
    assert Unit.objects.current(D(2025, 12, 31)).filter(pk=unit.pk).exists()
    assert not Unit.objects.current(D(2026, 1, 1)).filter(pk=unit.pk).exists()
    record = ChangeRecord.objects.get(action="unit_dissolve")
    assert (record.before["valid_to"], record.after["valid_to"], record.reason) == (None, "2025-12-31", "Quyết định 12")


def test_dissolve_refusals_change_nothing(users, units):
    admin = users["admin"]
    Unit.objects.filter(pk=units["stp"].pk).update(valid_from=D(2021, 1, 1))
    units["stp"].refresh_from_db()
    _refused(lambda: services.unit_dissolve(actor=admin, unit=units["stp"], on=D(2020, 12, 31)), "on",
             "Đơn vị “Sở Tư pháp” bắt đầu hoạt động từ 01/01/2021: không thể thôi hoạt động trước ngày đó.")
    _refused(lambda: services.unit_dissolve(actor=admin, unit=units["stp"], on=D(2025, 1, 1),
                                            successors=[units["stp"]]),
             "successors", "Đơn vị kế thừa không thể là đơn vị thôi hoạt động.")
    services.unit_dissolve(actor=admin, unit=units["stc"], on=D(2024, 12, 31))
    units["stc"].refresh_from_db()
    _refused(lambda: services.unit_dissolve(actor=admin, unit=units["stc"], on=D(2025, 12, 31)), "on",
             "Đơn vị “Sở Tài chính” đã thôi hoạt động từ 31/12/2024.")
    _refused(lambda: services.unit_dissolve(actor=admin, unit=units["stp"], on=D(2025, 12, 31),
                                            successors=[units["stc"]]),
             "successors", "Đơn vị kế thừa “Sở Tài chính” đã thôi hoạt động từ 31/12/2024.")


def test_dissolving_on_the_day_it_started_is_allowed(users, units):
    Unit.objects.filter(pk=units["stp"].pk).update(valid_from=D(2021, 1, 1))
    units["stp"].refresh_from_db()
    assert services.unit_dissolve(actor=users["admin"], unit=units["stp"], on=D(2021, 1, 1)).valid_to == D(2021, 1, 1)


# --- Delete --------------------------------------------------------------------------------------------------


def test_delete_a_unit_entered_by_mistake(users, units):
    unit = _create(users["admin"], parent=units["city"])
    pk = unit.pk
    services.unit_delete(actor=users["admin"], unit=unit)
    assert not Unit.objects.filter(pk=pk).exists()
    record = ChangeRecord.objects.get(action="delete", object_id=str(pk))
    assert record.before["code"] == "SXD"


DELETE_REFUSED = "Đơn vị đã có người, chức danh hoặc nhiệm vụ; chỉ có thể giải thể"


def test_delete_with_a_person_post_account_or_task_is_refused(users, units, posts, make_person, make_deliverable):
    admin = users["admin"]
    _refused(lambda: services.unit_delete(actor=admin, unit=units["stc"]), "__all__", DELETE_REFUSED)  # posts
    make_deliverable(lead="stp")
    _refused(lambda: services.unit_delete(actor=admin, unit=units["stp"]), "__all__", DELETE_REFUSED)  # task
    _refused(lambda: services.unit_delete(actor=admin, unit=units["btc"]), "__all__", DELETE_REFUSED)  # account


def test_delete_with_a_coordinating_link_is_refused(users, units, make_deliverable):
    unit = _create(users["admin"], parent=units["city"])
    deliverable = make_deliverable(lead="snv")
    deliverable.coordinating_units.add(unit)
    _refused(lambda: services.unit_delete(actor=users["admin"], unit=unit), "__all__", DELETE_REFUSED)


def test_delete_with_sub_units_or_lineage_is_refused(users, units):
    admin = users["admin"]
    _refused(lambda: services.unit_delete(actor=admin, unit=units["city"]), "__all__",
             "Đơn vị còn đơn vị trực thuộc; chỉ có thể giải thể.")
    unit = _create(admin)
    units["stp"].successors.add(unit)
    _refused(lambda: services.unit_delete(actor=admin, unit=unit), "__all__",
             "Đơn vị có quan hệ kế thừa (hợp nhất, giải thể); chỉ có thể giải thể.")


# --- `chidao units load` -------------------------------------------------------------------------------------


def _load(*args: str) -> str:
    out = io.StringIO()
    call_command("units", "load", *args, stdout=out)
    return out.getvalue()


def test_units_load_list_prints_the_34_provinces():
    lines = _load("--list").splitlines()
    assert len(lines) == 34 == len(province_choices())
    assert lines[0] == "01  Thành phố Hà Nội  (126 xã, phường)"
    assert "12  Tỉnh Lai Châu  (38 xã, phường)" in lines


def test_units_load_a_province_is_idempotent():
    assert _load("--province", "12") == "Lai Châu: tạo mới 39, cập nhật 0 đơn vị.\n"
    province = Unit.objects.get(official_code="12", level=P)
    assert (province.code, province.name, province.kind, province.parent) == ("P12", "Tỉnh Lai Châu", "locality", None)
    communes = Unit.objects.filter(parent=province)
    assert communes.count() == 38
    assert set(communes.values_list("kind", "level")) == {("commune", "commune")}
    first = communes.order_by("official_code").first()
    assert first.code == f"W{first.official_code}" and first.valid_from == D(2025, 7, 1)
    Unit.objects.filter(pk=first.pk).update(name="Tên cũ")
    assert _load("--province", "lai_chau") == "Lai Châu: tạo mới 0, cập nhật 1 đơn vị.\n"
    assert Unit.objects.count() == 39
    first.refresh_from_db()
    assert first.name != "Tên cũ"


def test_units_load_finds_the_reference_hanoi():
    from chidao.core.reference import units_load_reference

    units_load_reference()
    before = Unit.objects.count()
    assert _load("--province", "01") == "Thành phố Hà Nội: tạo mới 0, cập nhật 0 đơn vị.\n"
    assert Unit.objects.count() == before


def test_units_load_an_unknown_province_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Không có tỉnh, thành phố mã “99”"):
        _load("--province", "99")
    assert Unit.objects.count() == 0


# --- Pages ---------------------------------------------------------------------------------------------------


def test_the_tree_page_shows_headcount_and_counts_from_records(client, users, units, posts, make_person):
    make_person(post="snv_director")
    Unit.objects.filter(pk=units["snv"].pk).update(headcount=40)
    client.force_login(users["admin"])
    page = client.get(reverse("unit_admin_detail", args=[units["snv"].pk])).content.decode()
    assert 'data-testid="headcount">40<' in page
    counts = page.split('data-testid="counts"')[1].split("</dl>")[0]
    assert "<dt>Chức danh</dt><dd><a" in counts
    assert ">2</a>" in counts and "<dt>Cán bộ</dt><dd>1</dd>" in counts
    listing = client.get(reverse("unit_admin_list"), {"q": "so noi vu"}).content.decode()
    assert "Sở Nội vụ" in listing and "Sở Tài chính" not in listing


def test_add_a_department_from_the_agency_page(client, users, units):
    client.force_login(users["admin"])
    form = client.get(reverse("unit_admin_create"), {"parent": units["snv"].pk, "kind": "department"})
    assert "Thêm phòng, ban vào “Sở Nội vụ”" in form.content.decode()
    assert form.context["form"].initial == {"parent": units["snv"].pk, "level": "province", "kind": "department"}
    response = client.post(reverse("unit_admin_create"), {
        "code": "SNV-VP", "name": "Văn phòng Sở Nội vụ", "kind": "department", "level": "province",
        "parent": units["snv"].pk, "headcount": "9"})
    unit = Unit.objects.get(code="SNV-VP")
    assert response.status_code == 302 and response["Location"] == reverse("unit_admin_detail", args=[unit.pk])
    assert (unit.parent, unit.headcount) == (units["snv"], 9)


def test_a_page_form_error_is_422_and_changes_nothing(client, users, units, tree):
    client.force_login(users["admin"])
    before = _state()
    response = client.post(reverse("unit_admin_move", args=[units["snv"].pk]),
                           {"parent": tree["snv_division"].pk, "on": "01/09/2025"})
    assert response.status_code == 422
    assert _state() == before


def test_parent_picker_searches_without_diacritics(client, users, units):
    client.force_login(users["admin"])
    body = client.get(reverse("unit_parent_options"), {"q": "tai chinh"}).content.decode()
    assert f'<option value="{units["stc"].pk}">— Sở Tài chính</option>' in body
    assert "Sở Tư pháp" not in body


def test_delete_page_refuses_a_unit_in_use(client, users, units, posts):
    client.force_login(users["admin"])
    response = client.post(reverse("unit_admin_delete", args=[units["stc"].pk]))
    assert response.status_code == 422
    assert DELETE_REFUSED in response.content.decode()
    assert Unit.objects.filter(pk=units["stc"].pk).exists()


def test_create_under_a_parent_that_will_cease_later_is_allowed(users, units):
    Unit.objects.filter(pk=units["stp"].pk).update(valid_to=D(2999, 12, 31))
    units["stp"].refresh_from_db()
    assert _create(users["admin"], parent=units["stp"]).parent == units["stp"]
