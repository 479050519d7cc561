"""The import framework (chidao.core.imports): column specs derived from the model fields, the per-column
permission hook, and the one audited all-or-nothing write."""

import datetime as dt

import pytest

from chidao.core import imports as ci
from chidao.core.models import ChangeRecord, Role, User
from chidao.personnel.models import Person, Position, Rating


def test_a_column_takes_type_required_choices_and_length_from_its_model_field():
    code = ci.column(Person, "code", ["Mã hồ sơ"])
    birth = ci.column(Person, "birth_date", ["Ngày sinh"])
    gender = ci.column(Person, "gender", ["Giới tính"])
    level = ci.column(Position, "level", ["Cấp chức vụ"])
    year = ci.column(Rating, "year", ["Năm"])
    assert (code.kind, code.required, code.max_length) == (ci.TEXT, True, 32)
    assert (birth.kind, birth.required) == (ci.DATE, True)
    assert (gender.kind, gender.read("Nữ"), gender.read("female")) == (ci.CHOICE, "female", "female")
    assert (level.kind, level.read("3"), level.read(3)) == (ci.CHOICE, 3, 3)
    assert (year.kind, year.bounds, year.read("2.024")) == (ci.INT, (0, 32767), 2024)
    assert ci.column(Person, "email", ["Email"]).kind == ci.EMAIL
    assert ci.column(Person, "party_joined_on", ["Ngày vào Đảng"]).required is False
    # Overrides win
    assert ci.column(Person, "code", ["Mã"], max_length=10, required=False).max_length == 10


def test_a_cell_that_breaks_its_spec_says_why_in_vietnamese():
    code = ci.column(Person, "code", ["Mã hồ sơ"])
    with pytest.raises(ci.CellError, match="^Mã hồ sơ dài quá 32 ký tự.$"):
        code.read("C" * 33)
    with pytest.raises(ci.CellError, match="^Thiếu mã hồ sơ.$"):
        code.read("  ")
    with pytest.raises(ci.CellError, match="^Ngày “31/02/1975” không hợp lệ; ghi dd/mm/yyyy.$"):
        ci.column(Person, "birth_date", ["Ngày sinh"]).read("31/02/1975")
    with pytest.raises(ci.CellError, match="^Giới tính “x” không hợp lệ; chọn một trong: nam, nữ.$"):
        ci.column(Person, "gender", ["Giới tính"]).read("x")
    with pytest.raises(ci.CellError, match="^Số 40000 không hợp lệ.$"):
        ci.column(Rating, "year", ["Năm"]).read(40000)
    assert ci.column(Person, "birth_date", ["Ngày sinh"]).read("5/3/1975") == dt.date(1975, 3, 5)


def test_a_column_the_actor_may_not_write_is_an_error_only_when_filled():
    # Given a column only administrators may write
    phone = ci.column(Person, "phone", ["Điện thoại"], may_write=lambda actor: actor.role == Role.ADMIN)
    name = ci.column(Person, "full_name", ["Họ và tên"])
    office = User(username="o", role=Role.OFFICE)
    refused = ci.columns_refused([phone, name], office)
    errors: list[tuple] = []

    def err(*args: object) -> None:
        errors.append(args)

    # When an office user's rows are read
    blank = ci.cells_read([phone, name], ["", "An"], err, "Cán bộ", 5, refused)
    filled = ci.cells_read([phone, name], ["0912", "Bình"], err, "Cán bộ", 6, refused)
    # Then only the filled phone is an error, on its row and column
    assert (refused, blank, filled["phone"]) == ({"phone"}, {"phone": "", "full_name": "An"}, None)
    assert errors == [("Cán bộ", 6, "phone",
                       "Bạn không được ghi cột “Điện thoại” (thông tin nhạy cảm); để trống cột này.")]


@pytest.mark.django_db
def test_the_write_is_all_or_nothing_with_one_audit_record():
    admin = User.objects.create(username="imp-admin", role=Role.ADMIN)

    def write(fail: bool) -> None:
        Person.objects.create(code="CB001", full_name="An", birth_date=dt.date(1975, 3, 5), gender="male")
        if fail:
            result.errors.append(ci.RowError("Cán bộ", 5, "Mã hồ sơ", "sai"))

    # A write that finds an error leaves nothing, and records nothing
    result = ci.ImportResult()
    assert ci.import_write(result, actor=admin, model=Person, summary="x", write=lambda: write(True)) is False
    assert (Person.objects.count(), ChangeRecord.objects.count()) == (0, 0)
    # A dry run runs the writes and undoes them
    result = ci.ImportResult(dry_run=True)
    assert ci.import_write(result, actor=admin, model=Person, summary="x", write=lambda: write(False)) is False
    assert (Person.objects.count(), ChangeRecord.objects.count()) == (0, 0)
    # A good write stays, with ONE record of the counts
    result = ci.ImportResult(counts={"people": 1})
    assert ci.import_write(result, actor=admin, model=Person, summary="Nhập 1 hồ sơ",
                           write=lambda: write(False)) is True
    record = ChangeRecord.objects.get()
    assert (Person.objects.count(), record.action, record.object_repr, record.after, record.actor) == (
        1, "import", "Nhập 1 hồ sơ", {"people": 1}, admin)
