"""Header rows under title rows, in one row or two (merged group labels above sub-labels)."""

from openpyxl import Workbook

from chidao.core.excel import find_header

ALIASES = {"code": ["Mã"], "start": ["Từ ngày"], "end": ["Đến ngày"]}


def test_a_one_row_header_under_title_rows_is_found():
    ws = Workbook().active
    ws.append(["ỦY BAN NHÂN DÂN"])
    ws.append([])
    ws.append(["Mã", "Tu ngay", "ĐẾN NGÀY"])
    header = find_header(ws, ALIASES, ["code", "start", "end"])
    assert header is not None and (header.row, header.columns) == (3, {"code": 0, "start": 1, "end": 2})


def test_a_two_row_header_takes_the_sub_labels_and_data_starts_below_both():
    ws = Workbook().active
    ws.append(["DANH SÁCH"])
    ws.append(["Mã", "Thời gian", None])
    ws.merge_cells("B2:C2")
    ws.append([None, "Từ ngày", "Đến ngày"])
    header = find_header(ws, ALIASES, ["code", "start", "end"])
    assert header is not None and (header.row, header.columns) == (3, {"code": 0, "start": 1, "end": 2})


def test_no_header_gives_none():
    ws = Workbook().active
    ws.append(["Mã", "Tên"])
    assert find_header(ws, ALIASES, ["code", "start"]) is None
