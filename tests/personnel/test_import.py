"""Excel import/export of cadre records: offices' workbook shapes, all-or-nothing, scope, round trip."""

import datetime as dt
import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font

from chidao.core.imports import Book
from chidao.core.models import ChangeRecord
from chidao.personnel import excel, imports, services
from chidao.personnel.models import AccessLog, Assignment, Discipline, Person, Position, Rating

PEOPLE_HEADERS = ["STT", "Mã hồ sơ", "Họ và tên", "Ngày sinh", "Giới tính (Nam/Nữ)", "Quê quán", "Ngày vào Đảng",
                  "Trình độ chuyên môn", "Điện thoại", "Email"]
ASSIGNMENT_HEADERS = ["STT", "Mã hồ sơ", "Mã đơn vị", "Chức danh", "Lãnh đạo (x)", "Cấp chức vụ", "Hình thức",
                      "Từ ngày", "Đến ngày", "Số quyết định"]
RATING_HEADERS = ["STT", "Mã hồ sơ", "Năm", "Xếp loại"]
DISCIPLINE_HEADERS = ["STT", "Mã hồ sơ", "Loại", "Hình thức", "Ngày quyết định", "Cơ quan quyết định", "Lý do"]


def _sheet(wb: Workbook, title: str, headers: list[str], rows: list[list[Any]], group: tuple[str, ...] = ()) -> None:
    """Two title rows, then a two-row header: every label merged over rows 3-4, except `group` labels,
    which sit in row 4 under a group label ("Thời gian") merged across them in row 3. Data from row 5."""
    ws = wb.create_sheet(title)
    n = len(headers)
    ws.cell(1, 1, "UBND THÀNH PHỐ HÀ NỘI").font = Font(bold=True)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n)
    ws.cell(2, 1, f"BIỂU {title.upper()} (kèm theo Công văn số 12/SNV-TCBC)")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=n)
    grouped = [c for c, h in enumerate(headers, start=1) if h in group]
    for c, label in enumerate(headers, start=1):
        if c in grouped:
            ws.cell(4, c, label)
        else:
            ws.cell(3, c, label)
            ws.merge_cells(start_row=3, start_column=c, end_row=4, end_column=c)
    if grouped:
        ws.cell(3, grouped[0], "Thời gian")
        ws.merge_cells(start_row=3, start_column=grouped[0], end_row=3, end_column=grouped[-1])
    for r, values in enumerate(rows, start=5):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c, value)


def workbook(people: list[list[Any]] = (), assignments: list[list[Any]] = (),  # type: ignore[assignment]
             ratings: list[list[Any]] = (), disciplines: list[list[Any]] = ()) -> io.BytesIO:  # type: ignore[assignment]
    """Rows without the STT column (it is numbered here)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, headers, rows, group in (
        ("Cán bộ", PEOPLE_HEADERS, people, ()),
        ("Quá trình công tác", ASSIGNMENT_HEADERS, assignments, ("Từ ngày", "Đến ngày")),
        ("Xếp loại", RATING_HEADERS, ratings, ()),
        ("Kỷ luật", DISCIPLINE_HEADERS, disciplines, ()),
    ):
        _sheet(wb, title, headers, [[i, *row] for i, row in enumerate(rows, start=1)], group)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def counts() -> dict[str, int]:
    return {"people": Person.objects.count(), "assignments": Assignment.objects.count(),
            "positions": Position.objects.count(), "ratings": Rating.objects.count(),
            "disciplines": Discipline.objects.count(), "changes": ChangeRecord.objects.count()}


GOOD_PEOPLE = [
    ["CB001", "Nguyễn  Văn An", "05/03/1975", "Nam", "HN", "19/05/2000", "Thạc sĩ Quản lý công", "0912345678",
     "an.nv@example.vn"],
    ["CB002", "Trần Thị Bình", dt.datetime(1980, 7, 15), "Nữ", "Thành phố Hà Nội", 36892, "Cử nhân Kinh tế", "", ""],
    ["CB003", "Lê Minh Cường", "5/3/1975", "nam", "", "", "", "", ""],
]
GOOD_ASSIGNMENTS = [
    ["CB001", "SNV-TCBC", "Chuyên viên tổ chức cán bộ", "", 0, "tuyển dụng", "01/09/2000", "30/06/2015", "125/QĐ"],
    ["CB001", "SNV", "Phó Giám đốc Sở Nội vụ", "x", 3, "Bổ nhiệm", "01/07/2015", None, "1234/QĐ-UBND"],
    ["CB002", "STC", "Chuyên viên quản lý ngân sách", "", "", "tuyển dụng", dt.date(2005, 1, 3), None, ""],
    ["CB002", "STC", "Phó Trưởng phòng Ngân sách", "x", "phó trưởng phòng và tương đương", "bổ nhiệm",
     "01/03/2020", "", "88/QĐ-STC"],
    ["CB003", "STP", "Chuyên viên pháp chế", "", "", "tuyển dụng", "1/2/2010", "", ""],
]
GOOD_RATINGS = [["CB001", 2023, "hoàn thành tốt nhiệm vụ"], ["CB001", "2024", "Hoàn thành xuất sắc nhiệm vụ"],
                ["CB002", 2024, "hoàn thành nhiệm vụ"]]
GOOD_DISCIPLINES = [["CB003", "Đảng", "khiển trách", "10/10/2023", "Ủy ban Kiểm tra Thành ủy", "Vi phạm quy chế"]]


def good_file() -> io.BytesIO:
    return workbook(GOOD_PEOPLE, GOOD_ASSIGNMENTS, GOOD_RATINGS, GOOD_DISCIPLINES)


class TestImport:
    def test_office_workbook_imports_people_history_ratings_discipline(self, users, posts, tree):
        # Given a workbook with title rows, merged two-row headers and dates as text, dates and a serial
        before = counts()
        # When the administrator imports it
        result = excel.people_import(actor=users["admin"], file=good_file())
        # Then everything is written
        assert result.errors == []
        assert result.counts == {"people": 3, "assignments": 5, "positions": 2, "ratings": 3, "disciplines": 1}
        after = counts()
        assert {k: after[k] - before[k] for k in after} == {"people": 3, "assignments": 5, "positions": 2,
                                                            "ratings": 3, "disciplines": 1, "changes": 1}
        an = Person.objects.get(code="CB001")
        assert (an.full_name, an.birth_date, an.gender, an.hometown, an.party_joined_on, an.education, an.phone,
                an.email) == ("Nguyễn Văn An", dt.date(1975, 3, 5), "male", tree["city"], dt.date(2000, 5, 19),
                              "Thạc sĩ Quản lý công", "0912345678", "an.nv@example.vn")
        # current post: the open assignment; derived fields as the services set them
        assert (an.unit, an.position, an.position_since) == (tree["snv"], posts["snv_deputy"], dt.date(2015, 7, 1))
        assert an.retirement_date == dt.date(2037, 4, 1)
        assert an.search_text == "nguyen van an cb001"
        binh = Person.objects.get(code="CB002")
        assert (binh.birth_date, binh.gender, binh.hometown, binh.party_joined_on) == (
            dt.date(1980, 7, 15), "female", tree["city"], dt.date(2001, 1, 1))
        # the two posts the file creates employ the people it puts in them now (one each)
        created = Position.objects.filter(title__in=["Phó Trưởng phòng Ngân sách", "Chuyên viên pháp chế"])
        assert sorted(created.values_list("title", "headcount")) == [
            ("Chuyên viên pháp chế", 1), ("Phó Trưởng phòng Ngân sách", 1)]
        new_post = Position.objects.get(unit=tree["stc"], title="Phó Trưởng phòng Ngân sách")
        assert (new_post.is_leader, new_post.level) == (True, 1)
        # two open assignments: the one that started last is current
        assert (binh.unit, binh.position, binh.position_since) == (tree["stc"], new_post, dt.date(2020, 3, 1))
        assert binh.retirement_date == dt.date(2040, 8, 1)
        cuong = Person.objects.get(code="CB003")
        assert (cuong.birth_date, cuong.hometown, cuong.party_joined_on) == (dt.date(1975, 3, 5), None, None)
        assert (cuong.unit, cuong.position.title, cuong.position.is_leader, cuong.position.level,
                cuong.position_since) == (tree["stp"], "Chuyên viên pháp chế", False, 0, dt.date(2010, 2, 1))
        assert list(an.assignments.order_by("start").values_list("position__title", "kind", "start", "end",
                                                                  "decision")) == [
            ("Chuyên viên tổ chức cán bộ", "recruitment", dt.date(2000, 9, 1), dt.date(2015, 6, 30), "125/QĐ"),
            ("Phó Giám đốc Sở Nội vụ", "appointment", dt.date(2015, 7, 1), None, "1234/QĐ-UBND"),
        ]
        assert list(Rating.objects.order_by("person__code", "year").values_list("person__code", "year", "level")) == [
            ("CB001", 2023, "good"), ("CB001", 2024, "excellent"), ("CB002", 2024, "completed")]
        d = Discipline.objects.get()
        assert (d.person, d.system, d.form, d.decided_on, d.decided_by, d.reason, d.blocks_until,
                d.appointment_blocked_until, d.grade_blocked_until) == (
            cuong, "party", "khien_trach", dt.date(2023, 10, 10), "Ủy ban Kiểm tra Thành ủy", "Vi phạm quy chế",
            dt.date(2024, 10, 9), dt.date(2024, 10, 9), None)
        # the same current post as the per-record service computes
        for person in (an, binh, cuong):
            kept = (person.unit_id, person.position_id, person.position_since)
            services.person_refresh_current(person)
            assert (person.unit_id, person.position_id, person.position_since) == kept
        record = ChangeRecord.objects.get(action="import")
        assert (record.actor, record.after) == (users["admin"], {
            "people": 3, "assignments": 5, "positions": 2, "ratings": 3, "disciplines": 1})

    def test_other_sheets_may_add_to_people_already_recorded(self, users, posts, make_person):
        # Given a person recorded earlier, in the staff post since 2018
        person = make_person(name="Phạm Thu Dung", post="snv_staff", since=dt.date(2018, 1, 1))
        # When a file adds a later post, a rating and a discipline for that code (no "Cán bộ" row)
        result = excel.people_import(actor=users["admin"], file=workbook(
            assignments=[[person.code, "SNV-TCBC", "Trưởng phòng Tổ chức, biên chế", "x", 2, "bổ nhiệm",
                          "01/06/2022", "", ""]],
            ratings=[[person.code, 2024, "hoàn thành tốt nhiệm vụ"]],
            disciplines=[[person.code, "hành chính", "cảnh cáo", "02/01/2024", "UBND Thành phố", ""]]))
        # Then they are added and the current post follows the latest open assignment
        assert result.errors == []
        assert result.counts == {"people": 0, "assignments": 1, "positions": 0, "ratings": 1, "disciplines": 1}
        person.refresh_from_db()
        assert (person.position, person.position_since) == (posts["snv_head"], dt.date(2022, 6, 1))
        assert person.ratings.get().level == "good"
        d = person.disciplines.get()
        assert (d.system, d.blocks_until, d.appointment_blocked_until, d.grade_blocked_until) == (
            "civil_service", dt.date(2025, 1, 1), dt.date(2025, 1, 1), dt.date(2025, 1, 1))

    def test_discipline_forms_not_in_force_are_refused_row_by_row_and_nothing_is_written(self, users, posts,
                                                                                       make_person):
        # Given a person recorded earlier: head of division until 30/06/2025, then staff
        person = make_person(name="Phạm Thu Dung", post="snv_head", since=dt.date(2018, 1, 1),
                             party_joined_on=dt.date(2024, 3, 15))
        services.assignment_add(actor=users["admin"], person=person, position=posts["snv_staff"],
                                kind="transfer", start=dt.date(2025, 7, 1))
        before = counts()
        # When a file gives forms that do not exist on their dates, or not for this person then
        result = excel.people_import(actor=users["admin"], file=workbook(
            people=[["CB777", "Ngô Văn Hải", "05/03/1980", "Nam", "", "", "", "", ""]],
            assignments=[["CB777", "SNV-TCBC", "Chuyên viên tổ chức cán bộ", "", 0, "tuyển dụng", "01/09/2005", "",
                          ""]],
            disciplines=[
                [person.code, "công chức", "hạ bậc lương", "30/06/2025", "UBND Thành phố", ""],   # kept: before
                [person.code, "công chức", "giáng chức", "30/06/2025", "UBND Thành phố", ""],     # a leader then
                [person.code, "công chức", "hạ bậc lương", "01/07/2025", "UBND Thành phố", ""],
                [person.code, "công chức", "cách chức", "01/07/2025", "UBND Thành phố", ""],      # staff by then
                [person.code, "Đảng", "cách chức", "14/03/2025", "UBKT Thành ủy", ""],             # probationary
                [person.code, "Đảng", "cách chức", "15/03/2025", "UBKT Thành ủy", ""],
                ["CB777", "viên chức", "cách chức", "01/02/2024", "Sở Nội vụ", ""],               # never a leader
                ["CB777", "cán bộ", "bãi nhiệm", "01/02/2024", "HĐND Thành phố", ""],
            ]))
        # Then each refused row is reported with its reason and source, and nothing is written
        assert [(e.sheet, e.row, e.column, e.message) for e in result.errors] == [
            ("Kỷ luật", 7, "Hình thức", "Từ ngày 01/07/2025 (Luật Cán bộ, công chức 2025 (Luật 80/2025/QH15); Nghị "
                                        "định 172/2025/NĐ-CP) công chức không còn hình thức kỷ luật hạ bậc lương."),
            ("Kỷ luật", 8, "Hình thức", "Hình thức cách chức chỉ áp dụng với công chức giữ chức vụ lãnh đạo, quản lý "
                                        "(Luật Cán bộ, công chức 2025 (Luật 80/2025/QH15); Nghị định 172/2025/NĐ-CP); "
                                        "ngày 01/07/2025 người này không giữ chức vụ lãnh đạo, quản lý."),
            ("Kỷ luật", 9, "Hình thức", "Ngày 14/03/2025 người này còn là đảng viên dự bị (vào Đảng ngày 15/03/2024, "
                                        "thời kỳ dự bị đến hết ngày 14/03/2025): đảng viên dự bị chỉ áp dụng hình thức "
                                        "khiển trách, cảnh cáo, không có hình thức cách chức (Điều lệ Đảng Cộng sản "
                                        "Việt Nam (2011), khoản 2 Điều 35)."),
            ("Kỷ luật", 11, "Hình thức", "Hình thức cách chức chỉ áp dụng với viên chức giữ chức vụ lãnh đạo, quản lý "
                                         "(Luật Viên chức 2010 (sửa đổi bởi Luật 52/2019/QH14), Điều 52); ngày "
                                         "01/02/2024 người này không giữ chức vụ lãnh đạo, quản lý."),
        ]
        assert result.counts["disciplines"] == 8
        assert counts() == before

    def test_every_error_is_reported_with_sheet_row_column_and_nothing_is_written(self, users, posts,
                                                                                   make_person):
        existing = make_person(name="Đỗ Văn Hùng")  # CB00001
        services.rating_set(actor=users["admin"], person=existing, year=2023, level="good")
        before = counts()
        ok = ["Nam", "", "", "", "", ""]
        result = excel.people_import(actor=users["admin"], file=workbook(
            people=[
                ["CB010", "Hoàng Văn Giang", "05/03/1975", *ok],                          # row 5: valid
                ["CB010", "Hoàng Văn Giang", "05/03/1975", *ok],                          # 6
                ["", "Vũ Thị Hạnh", "05/03/1975", "Nữ", "", "", "", "", ""],              # 7
                ["CB012", "Ngô Văn Kiên", "31/02/1975", *ok],                             # 8
                ["CB013", "Bùi Thị Lan", "05/03/1975", "X", "", "", "", "", ""],          # 9
                ["CB014", "Đặng Văn Minh", "05/03/1975", "Nam", "KHONGCO", "", "", "", ""],  # 10
                [existing.code, "Đỗ Văn Hùng", "20/05/1975", *ok],                       # 11
                ["CB015", "Lý Văn Nam", "05/03/1975", "Nam", "", "01/01/1970", "", "", "thu@"],  # 12
                ["CB016", "", "", *ok],                                                   # 13
            ],
            assignments=[
                ["CB010", "XYZ", "Chuyên viên", "", "", "tuyển dụng", "01/01/2000", "", ""],     # 5
                ["CB999", "SNV", "Chuyên viên", "", "", "tuyển dụng", "01/01/2000", "", ""],     # 6
                ["CB010", "SNV", "Chuyên viên", "", "", "tuyển dụng", "01/01/2020", "01/01/2019", ""],  # 7
                ["CB010", "SNV", "Chuyên viên", "", "", "thăng chức", "01/01/2021", "", ""],     # 8
                ["CB010", "SNV", "Chuyên viên", "có thể", 9, "bổ nhiệm", "01/01/2022", "", ""],  # 9
                ["CB010", "SNV", "Chuyên viên", "", "", "tuyển dụng", "01/01/1970", "", ""],     # 10
                [existing.code, "SNV", "Phó Giám đốc Sở Nội vụ", "x", 3, "bổ nhiệm", "01/07/2024", "", ""],  # 11
            ],
            ratings=[
                ["CB010", 2024, "hoàn thành tốt nhiệm vụ"],     # 5
                ["CB010", 2024, "hoàn thành xuất sắc nhiệm vụ"],  # 6
                ["CB010", 1980, "hoàn thành nhiệm vụ"],         # 7
                ["CB010", 2023, "giỏi"],                         # 8
                [existing.code, 2023, "hoàn thành nhiệm vụ"],   # 9
                ["CB010", "năm ngoái", "hoàn thành nhiệm vụ"],  # 10
            ],
            disciplines=[
                ["CB010", "công đoàn", "khiển trách", "10/10/2023", "UBKT", ""],  # 5
                ["CB010", "Đảng", "cảnh cáo", "", "", ""],                       # 6
                ["CB010", "Đảng", "phê bình", "10/10/2023", "UBKT", ""],         # 7
            ],
        ))
        assert [(e.sheet, e.row, e.column, e.message) for e in result.errors] == [
            ("Cán bộ", 6, "Mã hồ sơ", "Mã hồ sơ CB010 trùng với dòng 5."),
            ("Cán bộ", 7, "Mã hồ sơ", "Thiếu mã hồ sơ."),
            ("Cán bộ", 8, "Ngày sinh", "Ngày “31/02/1975” không hợp lệ; ghi dd/mm/yyyy, ví dụ 05/03/1975."),
            ("Cán bộ", 9, "Giới tính", "Giới tính “X” không hợp lệ; ghi Nam hoặc Nữ."),
            ("Cán bộ", 10, "Quê quán", "Không tìm thấy đơn vị “KHONGCO” (quê quán)."),
            ("Cán bộ", 11, "Mã hồ sơ", f"Mã hồ sơ {existing.code} đã có."),
            ("Cán bộ", 12, "Ngày vào Đảng", "Ngày vào Đảng phải sau ngày sinh."),
            ("Cán bộ", 12, "Email", "Địa chỉ thư điện tử “thu@” không hợp lệ."),
            ("Cán bộ", 13, "Họ và tên", "Thiếu họ và tên."),
            ("Cán bộ", 13, "Ngày sinh", "Thiếu ngày sinh."),
            ("Quá trình công tác", 5, "Mã đơn vị", "Không tìm thấy đơn vị mã “XYZ”."),
            ("Quá trình công tác", 6, "Mã hồ sơ",
             "Không tìm thấy mã hồ sơ CB999 trong sheet “Cán bộ” hoặc trong cơ sở dữ liệu."),
            ("Quá trình công tác", 7, "Đến ngày",
             "Ngày kết thúc (01/01/2019) không được trước ngày bắt đầu (01/01/2020)."),
            ("Quá trình công tác", 8, "Hình thức",
             "Hình thức “thăng chức” không hợp lệ; chọn một trong: tuyển dụng, bổ nhiệm, luân chuyển, điều động, "
             "chuyển đổi vị trí công tác, biệt phái."),
            ("Quá trình công tác", 9, "Lãnh đạo (x)", "Cột lãnh đạo ghi x hoặc để trống (“có thể”)."),
            ("Quá trình công tác", 9, "Cấp chức vụ",
             "Cấp chức vụ “9” không hợp lệ; ghi 0-5 hoặc tên cấp: chuyên viên; phó trưởng phòng và tương đương; "
             "trưởng phòng và tương đương; phó giám đốc sở và tương đương; giám đốc sở và tương đương; "
             "lãnh đạo thành phố."),
            ("Quá trình công tác", 10, "Từ ngày", "Ngày bắt đầu (01/01/1970) phải sau ngày sinh (05/03/1975)."),
            ("Xếp loại", 6, "Năm", "Năm 2024 của mã hồ sơ CB010 đã xếp loại ở dòng 5."),
            ("Xếp loại", 7, "Năm", f"Năm xếp loại phải từ 1990 đến {dt.date.today().year}."),
            ("Xếp loại", 8, "Xếp loại",
             "Xếp loại “giỏi” không hợp lệ; chọn một trong: hoàn thành xuất sắc nhiệm vụ; hoàn thành tốt nhiệm vụ; "
             "hoàn thành nhiệm vụ; không hoàn thành nhiệm vụ."),
            ("Xếp loại", 9, "Năm", f"Năm 2023 của mã hồ sơ {existing.code} đã có xếp loại."),
            ("Xếp loại", 10, "Năm", "Năm “năm ngoái” không hợp lệ."),
            ("Kỷ luật", 5, "Loại",
             "Loại kỷ luật “công đoàn” không hợp lệ; ghi Đảng, cán bộ, công chức hoặc viên chức."),
            ("Kỷ luật", 6, "Ngày quyết định", "Thiếu ngày quyết định."),
            ("Kỷ luật", 6, "Cơ quan quyết định", "Thiếu cơ quan quyết định kỷ luật."),
            ("Kỷ luật", 7, "Hình thức",
             "Hình thức kỷ luật “phê bình” không hợp lệ; chọn một trong: khiển trách, cảnh cáo, hạ bậc lương, "
             "giáng chức, cách chức, bãi nhiệm, khai trừ, buộc thôi việc."),
        ]
        assert counts() == before

    def test_one_bad_row_at_the_end_writes_nothing(self, users, posts):
        before = counts()
        rows = [[f"CB{i:03d}", "Nguyễn Văn An", "05/03/1975", "Nam", "", "", "", "", ""] for i in range(1, 40)]
        rows.append(["CB040", "Nguyễn Văn An", "05/13/1975", "Nam", "", "", "", "", ""])
        result = excel.people_import(actor=users["admin"], file=workbook(rows))
        assert [(e.sheet, e.row, e.column) for e in result.errors] == [("Cán bộ", 44, "Ngày sinh")]
        assert result.counts["people"] == 39  # valid rows found, none written
        assert counts() == before

    def test_not_a_workbook_and_no_header(self, users, posts):
        result = excel.people_import(actor=users["admin"], file=io.BytesIO(b"PK not really"))
        assert [e.message for e in result.errors] == ["Tệp không phải bảng tính Excel (.xlsx) hợp lệ."]
        wb = Workbook()
        wb.active.title = "Cán bộ"
        wb.active.append(["Tên", "Tuổi"])
        buffer = io.BytesIO()
        wb.save(buffer)
        buffer.seek(0)
        result = excel.people_import(actor=users["admin"], file=buffer)
        assert [(e.sheet, e.message) for e in result.errors] == [
            ("Cán bộ", "Không tìm thấy dòng tiêu đề có đủ các cột: Mã hồ sơ, Họ và tên, Ngày sinh, Giới tính.")]

    def test_a_large_import_refreshes_planner_statistics(self, users, posts, monkeypatch):
        monkeypatch.setattr(imports, "ANALYZE_FROM", 1)
        result = excel.people_import(actor=users["admin"], file=good_file())
        assert (result.ok, Person.objects.count()) == (True, 3)

    def test_dry_run_validates_and_writes_nothing(self, users, posts):
        before = counts()
        result = excel.people_import(actor=users["admin"], file=good_file(), dry_run=True)
        assert (result.ok, result.counts) == (True, {"people": 3, "assignments": 5, "positions": 2, "ratings": 3,
                                                     "disciplines": 1})
        assert counts() == before


class TestScope:
    def test_personnel_officer_is_refused_row_by_row_outside_their_subtree(self, users, hr, posts):
        before = counts()
        result = excel.people_import(actor=hr["stc"], file=workbook(
            people=[["CB001", "Nguyễn Văn An", "05/03/1975", "Nam", "", "", "", "", ""],
                    ["CB002", "Trần Thị Bình", "05/03/1980", "Nữ", "", "", "", "", ""],
                    ["CB003", "Lê Văn Cường", "05/03/1980", "Nam", "", "", "", "", ""]],
            assignments=[["CB001", "SNV", "Chuyên viên", "", "", "tuyển dụng", "01/01/2000", "", ""],
                         ["CB002", "STC", "Chuyên viên quản lý ngân sách", "", "", "tuyển dụng", "01/01/2005", "", ""],
                         ["CB002", "SNV-TCBC", "Chuyên viên tổ chức cán bộ", "", "", "điều động", "01/01/2010", "",
                          ""]]))
        assert [(e.sheet, e.row, e.column, e.message) for e in result.errors] == [
            ("Cán bộ", 7, "Mã hồ sơ",
             "Mã hồ sơ CB003 chưa có quá trình công tác tại đơn vị thuộc phạm vi quản lý của bạn."),
            ("Quá trình công tác", 5, "Mã đơn vị", "Đơn vị SNV ngoài phạm vi quản lý của bạn."),
            ("Quá trình công tác", 7, "Mã đơn vị", "Đơn vị SNV-TCBC ngoài phạm vi quản lý của bạn."),
        ]
        assert counts() == before

    def test_personnel_officer_imports_into_their_subtree(self, hr, posts, tree):
        result = excel.people_import(actor=hr["snv"], file=workbook(
            people=[["CB001", "Nguyễn Văn An", "05/03/1975", "Nam", "", "", "", "", ""]],
            assignments=[["CB001", "SNV-TCBC", "Chuyên viên tổ chức cán bộ", "", "", "tuyển dụng", "01/01/2000",
                          "", ""]]))
        assert result.errors == []
        assert Person.objects.visible_to(hr["snv"]).get().unit == tree["snv_division"]

    def test_people_the_officer_cannot_see_are_unknown_to_them(self, hr, posts, make_person):
        other = make_person(post="stc_staff")
        result = excel.people_import(actor=hr["snv"], file=workbook(
            ratings=[[other.code, 2024, "hoàn thành nhiệm vụ"]]))
        assert [(e.sheet, e.row, e.message) for e in result.errors] == [
            ("Xếp loại", 5, f"Không tìm thấy mã hồ sơ {other.code} trong sheet “Cán bộ” hoặc trong cơ sở dữ liệu.")]
        assert Rating.objects.count() == 0

    def test_the_office_may_not_write_phone_or_email(self, users, posts):
        # Given the standing office, which reads records with phone and e-mail masked
        before = counts()
        # When it imports a file with a phone on one row and an e-mail on another
        result = excel.people_import(actor=users["office"], file=workbook(
            people=[["CB001", "Nguyễn Văn An", "05/03/1975", "Nam", "", "", "", "0912345678", ""],
                    ["CB002", "Trần Thị Bình", "05/03/1980", "Nữ", "", "", "", "", "binh@example.vn"],
                    ["CB003", "Lê Văn Cường", "05/03/1980", "Nam", "", "", "", "", ""]]))
        # Then those cells are errors and nothing is written
        assert [(e.sheet, e.row, e.column, e.message) for e in result.errors] == [
            ("Cán bộ", 5, "Điện thoại", "Bạn không được ghi cột “Điện thoại” (thông tin nhạy cảm); để trống cột này."),
            ("Cán bộ", 6, "Email", "Bạn không được ghi cột “Email” (thông tin nhạy cảm); để trống cột này."),
        ]
        assert counts() == before
        # And without them the office's import goes through
        result = excel.people_import(actor=users["office"], file=workbook(
            people=[["CB003", "Lê Văn Cường", "05/03/1980", "Nam", "", "", "", "", ""]]))
        assert (result.errors, Person.objects.count()) == ([], 1)

    def test_a_value_longer_than_its_field_is_a_row_error(self, users, posts):
        # Given codes and titles longer than the model fields (32 and 200 characters)
        before = counts()
        result = excel.people_import(actor=users["admin"], file=workbook(
            people=[["C" * 40, "Nguyễn Văn An", "05/03/1975", "Nam", "", "", "", "", ""]],
            assignments=[["C" * 40, "SNV", "T" * 201, "", "", "tuyển dụng", "01/01/2000", "", ""]]))
        # Then each is an error on its row and column, and nothing is written
        assert [(e.sheet, e.row, e.column, e.message) for e in result.errors] == [
            ("Cán bộ", 5, "Mã hồ sơ", "Mã hồ sơ dài quá 32 ký tự."),
            ("Quá trình công tác", 5, "Mã hồ sơ", "Mã hồ sơ dài quá 32 ký tự."),
            ("Quá trình công tác", 5, "Chức danh", "Chức danh dài quá 200 ký tự."),
        ]
        assert counts() == before

    def test_others_may_not_import(self, users, posts):
        with pytest.raises(excel.PermissionDenied):
            excel.people_import(actor=users["snv"], file=good_file())
        assert Person.objects.count() == 0


def _snapshot() -> dict[str, list[tuple]]:
    return {
        "people": list(Person.objects.order_by("code").values_list(
            "code", "full_name", "birth_date", "gender", "hometown__code", "party_joined_on", "education", "phone",
            "email", "unit__code", "position__title", "position_since", "retirement_date", "sort_key")),
        "assignments": list(Assignment.objects.order_by("person__code", "start").values_list(
            "person__code", "position__unit__code", "position__title", "position__is_leader", "position__level",
            "kind", "start", "end", "decision")),
        "ratings": list(Rating.objects.order_by("person__code", "year").values_list("person__code", "year", "level")),
        "disciplines": list(Discipline.objects.order_by("person__code", "decided_on").values_list(
            "person__code", "system", "form", "decided_on", "decided_by", "reason", "blocks_until",
            "appointment_blocked_until", "grade_blocked_until")),
    }


class TestExport:
    def test_export_imports_back_into_an_empty_database(self, users, posts):
        assert excel.people_import(actor=users["admin"], file=good_file()).ok
        before = _snapshot()
        content = excel.people_export(user=users["admin"], qs=Person.objects.all())
        log = AccessLog.objects.get(action="export")
        assert (log.user, log.person, log.detail) == (users["admin"], None, "3 hồ sơ")
        Discipline.objects.all().delete()
        Rating.objects.all().delete()
        Assignment.objects.all().delete()
        Person.objects.all().delete()
        Position.objects.all().delete()
        result = excel.people_import(actor=users["admin"], file=io.BytesIO(content))
        assert result.errors == []
        assert result.counts == {"people": 3, "assignments": 5, "positions": 5, "ratings": 3, "disciplines": 1}
        assert _snapshot() == before

    def test_export_shows_each_system_and_the_three_bars_and_imports_back(self, users, posts, make_person):
        person = make_person(post="snv_head")
        for system, form, day in (("civil_service", "cach_chuc", dt.date(2025, 8, 1)),
                                  ("public_employee", "khien_trach", dt.date(2024, 2, 1)),
                                  ("party", "canh_cao", dt.date(2025, 11, 3)),
                                  ("cadre", "bai_nhiem", dt.date(2023, 5, 2))):
            services.discipline_add(actor=users["admin"], person=person, system=system, form=form, decided_on=day,
                                    decided_by="Cơ quan có thẩm quyền")
        before = _snapshot()
        content = excel.people_export(user=users["admin"], qs=Person.objects.all())
        ws = load_workbook(io.BytesIO(content))["Kỷ luật"]
        assert [c.value for c in ws[4]][2:] == ["Loại", "Hình thức", "Ngày quyết định", "Cơ quan quyết định", "Lý do",
                                               "Chưa quy hoạch đến", "Chưa bổ nhiệm chức vụ cao hơn đến",
                                               "Chưa nâng ngạch, nâng lương đến"]
        day = dt.datetime
        assert [(r[2], r[3], *r[7:]) for r in ws.iter_rows(min_row=5, values_only=True)] == [
            ("cán bộ", "bãi nhiệm", day(2025, 5, 1), day(2025, 5, 1), day(2025, 5, 1)),
            ("viên chức", "khiển trách", day(2025, 1, 31), day(2025, 1, 31), day(2025, 1, 31)),
            ("công chức", "cách chức", day(2027, 7, 31), day(2027, 7, 31), day(2027, 7, 31)),
            ("Đảng", "cảnh cáo", day(2026, 11, 2), day(2028, 11, 2), None),
        ]
        for model in (Discipline, Assignment, Person, Position):
            model.objects.all().delete()
        result = excel.people_import(actor=users["admin"], file=io.BytesIO(content))
        assert result.errors == []
        assert result.counts["disciplines"] == 4
        assert _snapshot() == before

    def test_office_export_leaves_out_phone_and_email(self, users, posts):
        assert excel.people_import(actor=users["admin"], file=good_file()).ok
        wb = load_workbook(io.BytesIO(excel.people_export(user=users["office"], qs=Person.objects.all())))
        ws = wb["Cán bộ"]
        assert [c.value for c in ws[4]] == ["STT", "Mã hồ sơ", "Họ và tên", "Ngày sinh", "Giới tính",
                                           "Cán bộ/Công chức/Viên chức", "Quê quán", "Ngày vào Đảng",
                                           "Trình độ chuyên môn"]
        assert [c.value for c in ws[5]][:5] == [1, "CB001", "Nguyễn Văn An", dt.datetime(1975, 3, 5), "Nam"]
        assert wb.sheetnames == ["Cán bộ", "Quá trình công tác", "Xếp loại", "Kỷ luật"]

    def test_export_is_what_the_officer_may_see(self, hr, make_person):
        make_person(name="Nguyễn Văn An", post="snv_staff")
        make_person(name="Trần Văn Bình", post="stc_staff")
        wb = load_workbook(io.BytesIO(excel.people_export(user=hr["snv"], qs=Person.objects.all())))
        assert [r[2] for r in wb["Cán bộ"].iter_rows(min_row=5, values_only=True)] == ["Nguyễn Văn An"]
        assert AccessLog.objects.get(action="export").detail == "1 hồ sơ"


class TestTemplate:
    def test_template_headers_are_recognized_and_its_example_imports(self, users, posts):
        content = excel.people_import_template()
        wb = load_workbook(io.BytesIO(content))
        assert wb.sheetnames[:4] == ["Cán bộ", "Quá trình công tác", "Xếp loại", "Kỷ luật"]
        assert wb["Cán bộ"]["A1"].value == "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC"
        result = excel.people_import(actor=users["admin"], file=io.BytesIO(content))
        assert result.errors == []
        assert result.counts == {"people": 1, "assignments": 2, "positions": 2, "ratings": 1, "disciplines": 0}
        person = Person.objects.get(code="CB00001")
        assert (person.full_name, person.birth_date, person.position.title, person.position_since) == (
            "Nguyễn Văn An", dt.date(1975, 3, 5), "Phó Giám đốc Sở", dt.date(2015, 7, 1))
        assert person.service_kind == "civil_servant"
        accepted = [r for r in wb["Danh mục mã"].iter_rows(values_only=True) if r[0] == "Cán bộ/Công chức/Viên chức"]
        assert [r[1] for r in accepted] == ["Cán bộ", "Công chức", "Viên chức"]


class TestServiceKind:
    HEADERS = ["STT", "Mã hồ sơ", "Họ và tên", "Ngày sinh", "Giới tính", "Cán bộ/Công chức/Viên chức"]

    def _file(self, rows: list[list[Any]]) -> io.BytesIO:
        wb = Workbook()
        wb.remove(wb.active)
        _sheet(wb, "Cán bộ", self.HEADERS, [[i, *row] for i, row in enumerate(rows, start=1)])
        buffer = io.BytesIO()
        wb.save(buffer)
        buffer.seek(0)
        return buffer

    def test_the_vietnamese_labels_are_read_and_a_blank_is_not_recorded(self, users):
        result = excel.people_import(actor=users["admin"], file=self._file([
            ["CB101", "Nguyễn Văn An", "05/03/1975", "Nam", "Cán bộ"],
            ["CB102", "Trần Thị Bình", "05/03/1980", "Nữ", "công chức"],
            ["CB103", "Lê Văn Cường", "05/03/1985", "Nam", "VIÊN CHỨC"],
            ["CB104", "Phạm Thị Dung", "05/03/1990", "Nữ", ""],
        ]))
        assert result.errors == []
        assert dict(Person.objects.values_list("code", "service_kind")) == {
            "CB101": "cadre", "CB102": "civil_servant", "CB103": "public_employee", "CB104": ""}

    def test_a_wrong_value_is_a_row_error_and_nothing_is_written(self, users):
        before = counts()
        result = excel.people_import(actor=users["admin"], file=self._file([
            ["CB101", "Nguyễn Văn An", "05/03/1975", "Nam", "Công chức"],
            ["CB102", "Trần Thị Bình", "05/03/1980", "Nữ", "hợp đồng"],
        ]))
        assert [(e.sheet, e.row, e.column, e.message) for e in result.errors] == [
            ("Cán bộ", 6, "Cán bộ/Công chức/Viên chức", "Cột cán bộ/công chức/viên chức ghi “hợp đồng” không hợp lệ; "
                                                        "ghi Cán bộ, Công chức hoặc Viên chức (để trống nếu chưa xác "
                                                        "định).")]
        assert counts() == before

    def test_the_export_writes_the_label_and_imports_back(self, users, make_person):
        make_person(name="Nguyễn Văn An", service_kind="public_employee")
        make_person(name="Trần Văn Bình")
        content = excel.people_export(user=users["admin"], qs=Person.objects.all())
        ws = load_workbook(io.BytesIO(content))["Cán bộ"]
        column = [c.value for c in ws[4]].index("Cán bộ/Công chức/Viên chức")
        assert [r[column] for r in ws.iter_rows(min_row=5, values_only=True)] == ["Viên chức", None]
        Person.objects.all().delete()
        assert excel.people_import(actor=users["admin"], file=io.BytesIO(content)).ok
        assert sorted(Person.objects.values_list("full_name", "service_kind")) == [
            ("Nguyễn Văn An", "public_employee"), ("Trần Văn Bình", "")]


class TestViews:
    def test_upload_with_errors_shows_the_table_with_422(self, client, users, posts):
        client.force_login(users["admin"])
        bad = workbook(people=[["CB001", "Nguyễn Văn An", "5/3/75", "Nam", "", "", "", "", ""]])
        response = client.post("/can-bo/nhap-excel/", {"file": SimpleUploadedFile("ds.xlsx", bad.getvalue())})
        assert response.status_code == 422
        html = response.content.decode()
        assert 'data-testid="import-errors"' in html
        assert "Ngày “5/3/75” không hợp lệ" in html
        assert Person.objects.count() == 0

    def test_good_upload_shows_counts(self, client, users, posts):
        client.force_login(users["admin"])  # the file has phones and e-mails: the office may not write them
        response = client.post("/can-bo/nhap-excel/",
                               {"file": SimpleUploadedFile("ds.xlsx", good_file().getvalue())})
        assert response.status_code == 200
        assert 'data-testid="count-people">3<' in response.content.decode()
        assert Person.objects.count() == 3

    def test_wrong_extension_is_refused(self, client, users, posts):
        client.force_login(users["admin"])
        response = client.post("/can-bo/nhap-excel/",
                               {"file": SimpleUploadedFile("ds.pdf", good_file().getvalue())})
        assert response.status_code == 422
        assert "Loại tệp .pdf không được phép. Cho phép: .xlsx." in response.content.decode()
        assert Person.objects.count() == 0

    def test_only_people_managers_import_and_export(self, client, users, posts):
        client.force_login(users["snv"])  # a lead officer of a program, not a personnel officer
        assert client.get("/can-bo/nhap-excel/").status_code == 403
        response = client.post("/can-bo/nhap-excel/", {"file": SimpleUploadedFile("ds.xlsx", good_file().getvalue())})
        assert response.status_code == 403
        assert client.get("/can-bo/xuat-excel/").status_code == 403
        assert (Person.objects.count(), AccessLog.objects.count()) == (0, 0)

    def test_template_download_and_filtered_export(self, client, users, make_person):
        make_person(name="Nguyễn Văn An")
        make_person(name="Trần Thị Bình")
        client.force_login(users["admin"])
        response = client.get("/can-bo/mau-nhap.xlsx")
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="mau-nhap-ho-so-can-bo.xlsx"'
        response = client.get("/can-bo/xuat-excel/", {"q": "nguyen  AN"})
        assert response.status_code == 200
        wb = load_workbook(io.BytesIO(response.content))
        assert [r[2] for r in wb["Cán bộ"].iter_rows(min_row=5, values_only=True)] == ["Nguyễn Văn An"]


class TestCommand:
    def test_bad_file_is_refused_and_nothing_written(self, users, posts, tmp_path, capsys):
        path = tmp_path / "ds.xlsx"
        path.write_bytes(workbook(GOOD_PEOPLE, [*GOOD_ASSIGNMENTS, ["CB009", "SNV", "Chuyên viên", "", "",
                                                                   "tuyển dụng", "01/01/2000", "", ""]]).getvalue())
        before = counts()
        with pytest.raises(CommandError, match="1 lỗi; chưa ghi dòng nào."):
            call_command("people", "import", str(path))
        assert "Quá trình công tác, dòng 10, cột Mã hồ sơ: Không tìm thấy mã hồ sơ CB009" in capsys.readouterr().err
        assert counts() == before

    def test_import_dry_run_template_export(self, users, posts, tmp_path, capsys):
        path = tmp_path / "ds.xlsx"
        path.write_bytes(good_file().getvalue())
        call_command("people", "import", str(path), "--dry-run")
        assert Person.objects.count() == 0
        call_command("people", "import", str(path))
        out = capsys.readouterr().out
        assert "Tệp hợp lệ (chưa ghi): 3 hồ sơ, 5 quá trình công tác, 2 chức danh mới, 3 xếp loại, 1 kỷ luật." in out
        assert "Đã nhập: 3 hồ sơ, 5 quá trình công tác, 2 chức danh mới, 3 xếp loại, 1 kỷ luật." in out
        assert Person.objects.count() == 3
        assert ChangeRecord.objects.get(action="import").actor is None
        call_command("people", "template", "-o", str(tmp_path / "mau.xlsx"))
        assert load_workbook(tmp_path / "mau.xlsx").sheetnames[:4] == ["Cán bộ", "Quá trình công tác", "Xếp loại",
                                                                        "Kỷ luật"]
        call_command("people", "export", "-o", str(tmp_path / "out.xlsx"), "--user", "admin")
        assert load_workbook(tmp_path / "out.xlsx")["Cán bộ"].max_row == 7


class TestReader:
    def test_fast_reader_agrees_with_openpyxl(self, db):
        data = good_file().getvalue()
        fast = Book(io.BytesIO(data))
        slow = load_workbook(io.BytesIO(data), read_only=True, data_only=True)

        def trimmed(rows):
            out = [list(r) for r in rows]
            for r in out:
                while r and r[-1] is None:
                    r.pop()
            return out

        assert [s.title for s in fast.worksheets] == slow.sheetnames
        for mine, theirs in zip(fast.worksheets, slow.worksheets, strict=True):
            assert trimmed(mine.iter_rows()) == trimmed(theirs.iter_rows(values_only=True))

    def test_shared_strings_date_styles_and_gaps_as_excel_writes_them(self, users, posts):
        """A workbook as Excel saves it: shared strings (one in rich text), a date-formatted serial number,
        a skipped row and a skipped column; the title is in a row merged across."""
        ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
        strings = ["DANH SÁCH", "Mã hồ sơ", "Họ và tên", "Ngày sinh", "Giới tính", "CB001", "Nam", "Nguyễn Văn "]
        sst = "".join(f"<si><t>{s}</t></si>" for s in strings[:-1])
        sst += '<si><r><t xml:space="preserve">Nguyễn Văn </t></r><r><rPr><b/></rPr><t>An</t></r></si>'
        sheet = (f'<worksheet {ns}><sheetData>'
                 '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
                 '<row r="3"><c r="A3" t="s"><v>1</v></c><c r="B3" t="s"><v>2</v></c><c r="C3" t="s"><v>3</v></c>'
                 '<c r="E3" t="s"><v>4</v></c></row>'
                 '<row r="4"><c r="A4" t="s"><v>5</v></c><c r="B4" t="s"><v>7</v></c><c r="C4" s="1"><v>27463</v></c>'
                 '<c r="E4" t="s"><v>6</v></c></row>'
                 '</sheetData><mergeCells count="1"><mergeCell ref="A1:E1"/></mergeCells></worksheet>')
        parts = {
            "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                                   '<Default Extension="xml" ContentType="application/xml"/></Types>',
            "xl/workbook.xml": f'<workbook {ns} xmlns:r="{rel}"><sheets><sheet name="Cán bộ" sheetId="1" r:id="rId1"/>'
                               '</sheets></workbook>',
            "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                                          'relationships"><Relationship Id="rId1" Target="worksheets/sheet1.xml" '
                                          f'Type="{rel}/worksheet"/></Relationships>',
            "xl/sharedStrings.xml": f"<sst {ns}>{sst}</sst>",
            "xl/styles.xml": f'<styleSheet {ns}><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>'
                             "</styleSheet>",
            "xl/worksheets/sheet1.xml": sheet,
        }
        buffer = io.BytesIO()
        import zipfile

        with zipfile.ZipFile(buffer, "w") as z:
            for name, text in parts.items():
                z.writestr(name, text)
        rows = list(Book(io.BytesIO(buffer.getvalue())).worksheets[0].iter_rows())
        assert rows == [("DANH SÁCH",), (), ("Mã hồ sơ", "Họ và tên", "Ngày sinh", None, "Giới tính"),
                        ("CB001", "Nguyễn Văn An", dt.datetime(1975, 3, 10), None, "Nam")]
        buffer.seek(0)
        result = excel.people_import(actor=users["admin"], file=buffer)
        assert result.errors == []
        person = Person.objects.get()
        assert (person.code, person.full_name, person.birth_date, person.gender) == (
            "CB001", "Nguyễn Văn An", dt.date(1975, 3, 10), "male")


def test_a_post_the_file_creates_employs_everyone_it_puts_in_it(users, tree):
    # Given three people placed now in one new post, and a fourth who left it
    people = [[f"CB10{i}", f"Nguyễn Văn {name}", "01/01/1985", "Nam", "", "", "", "", ""]
              for i, name in enumerate(["An", "Bình", "Cường", "Dũng"])]
    assignments = [[f"CB10{i}", "STP", "Chuyên viên hộ tịch", "", 0, "tuyển dụng", "01/01/2010",
                    "31/12/2015" if i == 3 else None, ""] for i in range(4)]
    # When the administrator imports them
    result = excel.people_import(actor=users["admin"], file=workbook(people, assignments))
    # Then the post employs the three holding it
    assert result.errors == []
    assert Position.objects.get(unit=tree["stp"], title="Chuyên viên hộ tịch").headcount == 3
