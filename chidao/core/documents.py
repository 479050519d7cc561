"""Shared document concepts: the default Word templates (reports, dispatches, rotation plans) and the long
date a document is signed with. Apps above core fill the templates; core only knows where they are."""

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# The default Word templates (docxtpl), one per kind: chidao/core/data/<kind>.docx
# (written by scripts/make_report_templates.py; an administrator may replace one, see reports.builders).
DEFAULT_TEMPLATES = Path(__file__).resolve().parent / "data"


def vn_long_date(day: dt.date) -> str:
    """"ngày 05 tháng 01 năm 2022": days under 10 and months 1-2 take a leading zero
    (Decree 30/2020/NĐ-CP, Appendix I, on the place and date of a document)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


PARTY = "party"
STATE = "state"
# Units whose documents follow the Party's format (Hướng dẫn 36-HD/VPTW of 03/4/2018): Party committees, their
# boards and offices (a board under a committee, e.g. a steering committee of the Thành ủy, counts as one), cells.
PARTY_KINDS = frozenset({"party_committee", "party_body", "party_cell"})


def document_format(unit_kind: str) -> str:
    """"party" for a Party body (Hướng dẫn 36-HD/VPTW: "ĐẢNG CỘNG SẢN VIỆT NAM", the number as "Số 12-BC/BCĐ"),
    "state" for a State body (Decree 30/2020/NĐ-CP: the national motto, the number as "Số: 12/BC-UBND"). A committee
    with no unit of its own is judged by the body it works under (its superior)."""
    return PARTY if unit_kind in PARTY_KINDS else STATE


def number_text(fmt: str, number: int | None, type_code: str, issuer_code: str) -> str:
    """The document's number line: Party "Số 12-BC/BCĐ" (Hướng dẫn 36-HD/VPTW, Part II), State "Số: 12/BC-UBND"
    (Decree 30/2020/NĐ-CP, Appendix I); an unissued draft leaves the number blank ("Số       -BC/BCĐ")."""
    shown = str(number) if number else "\u00a0" * 6
    if fmt == PARTY:
        return f"Số {shown}-{type_code}/{issuer_code}"
    return f"Số: {shown}/{type_code}-{issuer_code}"


# The head of an issuer when the document names no signer: the generic title of the unit's head.
HEAD_TITLES = {"party_committee": "BÍ THƯ", "party_cell": "BÍ THƯ", "party_body": "TRƯỞNG BAN",
               "peoples_committee": "CHỦ TỊCH", "peoples_council": "CHỦ TỊCH", "department": "GIÁM ĐỐC"}
GENERIC_HEAD = "THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ"
# How each format writes the signing forms: Party "T/M", "K/T", "T/L" (Hướng dẫn 36-HD/VPTW); State "TM.", "KT.",
# "TL." (Decree 30/2020/NĐ-CP, Appendix I).
SIGN_FORMS = {PARTY: {"T/M": "T/M", "K/T": "K/T", "T/L": "T/L"}, STATE: {"T/M": "TM.", "K/T": "KT.", "T/L": "TL."}}


def blank_number(fmt: str, type_code: str, issuer_code: str) -> str:
    """The number line of an unnumbered document. A State letter (công văn, "CV") carries no type code
    ("Số:       /BCĐ", Decree 30/2020 Appendix I); a Party letter does ("Số       -CV/BCĐ")."""
    if fmt == STATE and type_code in ("", "CV"):
        return f"Số: {chr(0xA0) * 6}/{issuer_code}"
    return number_text(fmt, None, type_code, issuer_code)


def signer_lines(fmt: str, signer: Mapping[str, str]) -> tuple[str, str, str]:
    """(authority line, title line, name) of the signing block. "T/M BAN CHỈ ĐẠO" / "TRƯỞNG BAN"; for K/T the
    head's title then the deputy's ("K/T TRƯỞNG BAN" / "PHÓ TRƯỞNG BAN"); with no form, the title alone."""
    form = SIGN_FORMS[fmt].get(signer.get("form") or "", "")
    title = (signer.get("title") or "").upper()
    if form and signer.get("form") == "K/T":
        return f"{form} {title}", (signer.get("deputy_title") or "").upper(), signer.get("name") or ""
    if form:
        return f"{form} {(signer.get('body') or '').upper()}".strip(), title, signer.get("name") or ""
    return "", title, signer.get("name") or ""


def document_fields(*, doc_format: str, type_code: str, issuer_code: str, head_title: str,
                    given: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The heading and signing fields every document prints, from what the caller gives (`doc_format`, `number`,
    `draft`, `signer`: the register fills them) and the issuer's defaults: its format, the blank number of that
    format, draft when unnumbered ("DỰ THẢO", the number left blank) and the head's title with no name."""
    given = given or {}
    fmt = given.get("doc_format") or doc_format
    number = given.get("number") or ""
    draft = bool(given["draft"]) if given.get("draft") is not None else not number
    signer = {"form": "", "body": "", "title": head_title, "deputy_title": "", "name": "",
              **(given.get("signer") or {})}
    signer_for, signer_title, signer_name = signer_lines(fmt, signer)
    return {"doc_format": fmt, "number": blank_number(fmt, type_code, issuer_code) if draft or not number else number,
            "draft": draft, "signer": signer, "signer_for": signer_for, "signer_title": signer_title,
            "signer_name": signer_name}
