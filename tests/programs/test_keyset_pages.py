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


def _bearer(user) -> dict[str, str]:
    from chidao.core.tokens import api_token_create

    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=user, name='test', scope='read')[1]}"}


def test_api_deliverables_and_change_records_go_on_after_a_cursor(client, users, program, make_deliverable):
    # Given five deliverables (and the change records of their creation)
    for _ in range(5):
        make_deliverable()
    headers = _bearer(users["admin"])
    url = f"/api/v1/programs/{program.pk}/deliverables"
    first = client.get(url, {"page_size": 2}, **headers).json()
    second = client.get(url, {"page_size": 2, "after": first["next"]}, **headers).json()
    third = client.get(url, {"page_size": 2, "after": second["next"]}, **headers).json()
    assert [[d["code"] for d in page["items"]] for page in (first, second, third)] == [["01", "02"], ["03", "04"],
                                                                                      ["05"]]
    assert third["next"] is None
    # And the change log, newest first, goes on the same way
    from chidao.core.models import ChangeRecord

    newest = list(ChangeRecord.objects.order_by("-at", "-id").values_list("pk", flat=True))
    page = client.get("/api/v1/change-records", {"page_size": 3}, **headers).json()
    after = client.get("/api/v1/change-records", {"page_size": 3, "after": page["next"]}, **headers).json()
    assert [r["id"] for r in page["items"]] + [r["id"] for r in after["items"]] == newest[:6]


def test_change_log_page_goes_on_by_cursor(client, users, make_deliverable, settings, monkeypatch):
    settings.CHIDAO_PAGE_SIZE = 2
    monkeypatch.setattr(keyset, "NUMBERED_PAGES", 1)
    for _ in range(3):
        make_deliverable()
    from chidao.core.models import ChangeRecord

    newest = list(ChangeRecord.objects.order_by("-at", "-id").values_list("pk", flat=True))
    client.force_login(users["admin"])
    first = client.get("/quan-tri/nhat-ky-thay-doi/")
    second = client.get("/quan-tri/nhat-ky-thay-doi/" + _link(first, "pager-next"))
    assert [e["record"].pk for e in first.context["entries"]] == newest[:2]
    assert [e["record"].pk for e in second.context["entries"]] == newest[2:4]
    assert client.get("/quan-tri/nhat-ky-thay-doi/", {"sau": "bad"}).status_code == 400
