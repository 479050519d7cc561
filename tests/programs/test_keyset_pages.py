"""The deliverable list goes past its numbered pages by cursor on (code, id) (core.keyset, ADR 0015)."""

import html
import re

import pytest

from chidao.core import keyset

pytestmark = pytest.mark.django_db


def _link(response, testid: str) -> str:
    found = re.search(rf'href="(\?[^"]*)" data-testid="{testid}"', response.content.decode())
    return html.unescape(found.group(1)) if found else ""


def _codes(response) -> list[str]:
    return [d.code for d in response.context["page"]]


def test_deliverable_list_goes_on_by_cursor_in_code_order(client, users, program, make_deliverable, settings,
                                                          monkeypatch):
    # Given five deliverables (codes 01..05), two a page, one numbered page
    settings.CHIDAO_PAGE_SIZE = 2
    monkeypatch.setattr(keyset, "NUMBERED_PAGES", 1)
    for _ in range(5):
        make_deliverable()
    client.force_login(users["office"])
    url = f"/chuong-trinh/{program.pk}/noi-dung/"
    first = client.get(url)
    assert _codes(first) == ["01", "02"]
    # When the office follows "Trang sau" twice
    second = client.get(url + _link(first, "pager-next"))
    third = client.get(url + _link(second, "pager-next"))
    # Then exactly the next rows in code order, and the end
    assert (_codes(second), _codes(third), _link(third, "pager-next")) == (["03", "04"], ["05"], "")
    # And a cursor of another program's list is refused with a message
    other = keyset.cursor_make(first.context["page"][0], keys=("code", "id"), name=f"deliverables-{program.pk + 1}")
    refused = client.get(url, {"sau": other})
    assert refused.status_code == 400
    assert "Liên kết trang không hợp lệ hoặc đã bị sửa." in refused.content.decode()
