"""Vietnamese is the source language; English comes from chidao/locale/en (django.po compiled to django.mo)."""

import ast
import gettext
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import translation

pytestmark = pytest.mark.django_db

CATALOG = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


@pytest.fixture(autouse=True)
def _restore_language():
    # LocaleMiddleware activates the request's language on this thread and leaves it active;
    # put the previous one back so later tests keep seeing Vietnamese.
    with translation.override(translation.get_language()):
        yield


@pytest.fixture
def office_client(client, users):
    client.force_login(users["office"])
    return client


def _list_page(client, program) -> str:
    response = client.get(f"/chuong-trinh/{program.pk}/noi-dung/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_default_interface_is_vietnamese(office_client, program, make_deliverable):
    make_deliverable()
    make_deliverable()
    html = _list_page(office_client, program)
    assert '<html lang="vi">' in html
    for text in ("Danh sách nội dung", "Nội dung Chương trình số 01-CTr/TU", "Xuất Excel", "Tên nội dung",
                 "Đơn vị chủ trì", "2 nội dung", "chưa triển khai"):
        assert text in html, text
    assert "not started" not in html
    assert "Export to Excel" not in html


def test_the_language_cookie_switches_to_english(office_client, program, make_deliverable):
    make_deliverable()
    make_deliverable()
    office_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _list_page(office_client, program)
    assert '<html lang="en">' in html
    for text in ("List of deliverables", "Deliverables of Program No. 01-CTr/TU", "Export to Excel",
                 "Deliverable title", "Lead unit", "2 deliverables", "not started", "Log out"):
        assert text in html, text
    for text in ("chưa triển khai", "Xuất Excel", "Danh sách nội dung", "Đăng xuất"):
        assert text not in html, text


def test_a_browser_set_to_english_still_gets_vietnamese_pages(office_client, program, make_deliverable):
    # given an official whose browser asks for English and who never switched the language
    make_deliverable()
    # when they open a page
    response = office_client.get(f"/chuong-trinh/{program.pk}/noi-dung/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    # then it is in Vietnamese
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Đăng xuất" in html and "Log out" not in html


def test_english_plural_for_a_single_deliverable(office_client, program, make_deliverable):
    make_deliverable()
    office_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _list_page(office_client, program)
    assert "1 deliverable<" in html
    assert "1 deliverables" not in html


def test_api_errors_follow_accept_language(office_client, make_deliverable):
    d = make_deliverable()
    url = f"/api/v1/deliverables/{d.pk}/transition"
    body = {"to_status": "completed", "version": d.version}

    english = office_client.post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 422
    assert english.json()["detail"] == "Cannot change the status from “not started” to “completed”."

    vietnamese = office_client.post(url, body, content_type="application/json")
    assert vietnamese.status_code == 422
    assert vietnamese.json()["detail"] == "Không thể chuyển từ “chưa triển khai” sang “đã hoàn thành”."


def _po_entries(path: Path) -> list[dict[str, Any]]:
    """A small .po reader: each entry's flags, msgid, msgid_plural and msgstr / msgstr[n]."""
    entries: list[dict[str, Any]] = []
    entry: dict[str, Any] = {"flags": set()}
    key = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#,"):
            if "msgid" in entry:
                entries.append(entry)
                entry = {"flags": set()}
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _sep, value = line.partition(" ")
            if key == "msgid" and "msgid" in entry:
                entries.append(entry)
                entry = {"flags": set()}
            entry[key] = ast.literal_eval(value)
    entries.append(entry)
    return entries


def test_english_catalog_is_complete_and_compiled():
    entries = [e for e in _po_entries(CATALOG / "django.po") if e["msgid"]]
    assert entries
    untranslated = [e["msgid"] for e in entries
                    if "fuzzy" in e["flags"] or not all(v for k, v in e.items() if k.startswith("msgstr"))]
    assert untranslated == []
    with (CATALOG / "django.mo").open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    for e in entries:
        if "msgid_plural" in e:
            assert compiled.ngettext(e["msgid"], e["msgid_plural"], 1) == e["msgstr[0]"]
            assert compiled.ngettext(e["msgid"], e["msgid_plural"], 2) == e["msgstr[1]"]
        else:
            assert compiled.gettext(e["msgid"]) == e["msgstr"], "django.mo is older than django.po"
