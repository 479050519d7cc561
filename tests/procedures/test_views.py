"""Registry pages: everyone logged in reads, the reform office writes; list and counts pages run a number
of queries that does not grow with the data."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chidao.core.models import ChangeRecord
from chidao.procedures import services
from chidao.procedures.models import DecisionItem, ItemAction, Procedure, PublicationDecision

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def login(client, proc_users):
    def as_(key: str):
        client.force_login(proc_users[key])
        return client

    return as_


@pytest.fixture
def published(make_procedure, make_decision):
    a = make_procedure(name="Cấp giấy phép hoạt động đối với phòng khám đa khoa")
    b = make_procedure(name="Đăng ký khai sinh có yếu tố nước ngoài", field="Hộ tịch", unit="ward", level="commune")
    c = make_procedure(name="Cấp lại giấy phép hoạt động đối với bệnh viện")
    make_decision("1/QĐ-UBND", D(2020, 3, 1), [(a, ItemAction.NEW, None), (b, ItemAction.NEW, None)])
    make_decision("2/QĐ-UBND", D(2021, 6, 1), [(c, ItemAction.REPLACED, a)])
    return {"a": a, "b": b, "c": c}


def test_list_search_ignores_diacritics_and_shows_status(login, published):
    page = login("snv").get("/thu-tuc/", {"q": "khai sinh"})
    assert page.status_code == 200
    assert [p.code for p, _s in page.context["rows"]] == [published["b"].code]
    rows = login("snv").get("/thu-tuc/").context["rows"]
    assert [(p.code, s) for p, s in rows] == [
        (published["a"].code, "replaced"), (published["b"].code, "in_force"), (published["c"].code, "in_force")]
    on_2020 = login("snv").get("/thu-tuc/", {"status": "in_force", "status_on": "31/12/2020"}).context["rows"]
    assert [p.code for p, _s in on_2020] == [published["a"].code, published["b"].code]
    assert "Đăng ký khai sinh có yếu tố nước ngoài" in login("auditor").get("/thu-tuc/?q=DANG+KY").content.decode()
    partial = login("snv").get("/thu-tuc/", {"q": "khai sinh"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Đăng ký khai sinh" in partial and "<html" not in partial


def test_detail_shows_status_and_history(login, published):
    page = login("office").get(f"/thu-tuc/{published['a'].pk}/")
    html = page.content.decode()
    assert page.context["status"].code == "replaced"
    assert "đã bị thay thế" in html and "2/QĐ-UBND" in html and "01/06/2021" in html
    assert [i.decision.number for i in page.context["history"].items] == ["1/QĐ-UBND", "2/QĐ-UBND"]


def test_reform_office_records_a_decision_from_lines(login, published, proc_units, make_procedure):
    d = make_procedure(name="Cấp giấy phép hoạt động đối với trạm y tế")
    response = login("reform").post("/thu-tuc/quyet-dinh/them-moi/", {
        "number": "3/QĐ-UBND", "title": "Công bố", "signed_on": "01/02/2022", "effective_on": "01/02/2022",
        "issuer": proc_units["ubnd"].pk,
        "items": f"{d.code} new\n\n{published['c'].code} abolished\n",
    })
    decision = PublicationDecision.objects.get(number="3/QĐ-UBND")
    assert response.status_code == 302 and response["Location"] == f"/thu-tuc/quyet-dinh/{decision.pk}/"
    assert list(decision.items.values_list("procedure__code", "action")) == [
        (d.code, "new"), (published["c"].code, "abolished")]


def test_decision_form_reports_errors_per_line_and_writes_nothing(login, published, proc_units):
    before = (PublicationDecision.objects.count(), DecisionItem.objects.count())
    response = login("reform").post("/thu-tuc/quyet-dinh/them-moi/", {
        "number": "3/QĐ-UBND", "signed_on": "01/02/2022", "effective_on": "01/02/2022",
        "issuer": proc_units["ubnd"].pk,
        "items": f"{published['b'].code} abolished\n\n{published['a'].code} abolished\n",
    })
    assert response.status_code == 422
    assert response.context["form"].errors["items"] == [
        f"Dòng 3: Mục 2 ({published['a'].code}): thủ tục không có hiệu lực vào ngày 01/02/2022."]
    bad = login("reform").post("/thu-tuc/quyet-dinh/them-moi/", {
        "number": "3/QĐ-UBND", "signed_on": "01/02/2022", "effective_on": "01/02/2022",
        "issuer": proc_units["ubnd"].pk, "items": "X.1 new\n" + published["b"].code + " remove",
    })
    assert bad.context["form"].errors["items"] == [
        "Dòng 1: không có thủ tục mã X.1.",
        "Dòng 2: nội dung “remove” không hợp lệ (new, amended, replaced, abolished)."]
    assert (PublicationDecision.objects.count(), DecisionItem.objects.count()) == before


@pytest.mark.parametrize("role", ["office", "snv"])
def test_office_and_lead_officer_read_but_may_not_write(role, login, published, proc_units):
    client = login(role)
    before = (Procedure.objects.count(), PublicationDecision.objects.count(), ChangeRecord.objects.count())
    for url in ["/thu-tuc/", f"/thu-tuc/{published['a'].pk}/", "/thu-tuc/quyet-dinh/", "/thu-tuc/thong-ke/?year=2021",
                "/thu-tuc/ra-soat/"]:
        assert client.get(url).status_code == 200, url
    assert "Nhập quyết định công bố" not in client.get("/thu-tuc/quyet-dinh/").content.decode()
    assert client.get("/thu-tuc/quyet-dinh/them-moi/").status_code == 403
    assert client.post("/thu-tuc/quyet-dinh/them-moi/", {
        "number": "9/QĐ", "signed_on": "01/02/2022", "effective_on": "01/02/2022", "issuer": proc_units["ubnd"].pk,
        "items": f"{published['b'].code} abolished"}).status_code == 403
    assert client.post("/thu-tuc/them-moi/", {"code": "X", "name": "X", "level": "province", "field": "Y tế",
                                              "unit": proc_units["syt"].pk}).status_code == 403
    assert client.post(f"/thu-tuc/{published['b'].pk}/sua/", {"name": "Đổi"}).status_code == 403
    assert (Procedure.objects.count(), PublicationDecision.objects.count(), ChangeRecord.objects.count()) == before
    assert Procedure.objects.get(pk=published["b"].pk).name == "Đăng ký khai sinh có yếu tố nước ngoài"


def test_reform_office_edits_a_procedure(login, published, proc_units):
    b = published["b"]
    response = login("reform").post(f"/thu-tuc/{b.pk}/sua/", {
        "code": "ignored", "name": "Đăng ký khai sinh có yếu tố nước ngoài (sửa)", "level": "commune",
        "field": "Hộ tịch", "unit": proc_units["ward"].pk, "time_limit_days": "5"})
    assert response.status_code == 302
    b.refresh_from_db()
    assert (b.code, b.name, b.time_limit_days, b.versions.count()) == (
        published["b"].code, "Đăng ký khai sinh có yếu tố nước ngoài (sửa)", 5, 1)


def test_counts_page(login, published, proc_units):
    page = login("steering").get("/thu-tuc/thong-ke/", {"year": "2021"})
    assert page.context["counts"] == {"published": 0, "amended": 0, "replaced": 1, "abolished": 0, "in_force": 2}
    quarter = login("steering").get("/thu-tuc/thong-ke/", {"period": "2021-Q2"})
    assert quarter.context["label"] == "quý II năm 2021 (từ 15/03/2021 đến 14/06/2021)"
    assert quarter.context["counts"]["replaced"] == 1
    assert [(r.label, r.counts["replaced"], r.counts["in_force"]) for r in quarter.context["by_unit"]] == [
        ("Phường Ba Đình", 0, 1), ("Sở Y tế", 1, 1)]
    bad = login("steering").get("/thu-tuc/thong-ke/", {"period": "2021-Q7"})
    assert bad.status_code == 422 and "counts" not in bad.context


def _bulk(n: int, proc_units, reform_user) -> None:
    """n more procedures, a decision bringing them in and one abolishing a tenth of them."""
    start = Procedure.objects.count()
    procs = Procedure.objects.bulk_create([
        Procedure(code=f"9.{start + i:06d}", name=f"Thủ tục thử {start + i}", level="province",
                  field=["Y tế", "Hộ tịch", "Xây dựng"][i % 3], unit=proc_units[["syt", "sgd", "ward"][i % 3]],
                  search_text=f"9.{start + i:06d} thu tuc thu {start + i}") for i in range(n)])
    kw = {"issuer": proc_units["ubnd"], "created_by": reform_user, "title": ""}
    first = PublicationDecision.objects.create(number=f"N{start}", signed_on=D(2021, 2, 1),
                                               effective_on=D(2021, 2, 1), **kw)
    second = PublicationDecision.objects.create(number=f"A{start}", signed_on=D(2021, 8, 1),
                                                effective_on=D(2021, 8, 1), **kw)
    DecisionItem.objects.bulk_create(
        [DecisionItem(decision=first, procedure=p, action="new", effective_on=first.effective_on) for p in procs]
        + [DecisionItem(decision=second, procedure=p, action="abolished", effective_on=second.effective_on)
           for p in procs[::10]])


@pytest.mark.parametrize("url", ["/thu-tuc/", "/thu-tuc/?q=thu+tuc&status=in_force", "/thu-tuc/thong-ke/?year=2021",
                                 "/thu-tuc/thong-ke/?period=2021-Q3&unit={ubnd}", "/thu-tuc/quyet-dinh/"])
def test_pages_run_the_same_number_of_queries_at_10_and_100_procedures(url, login, proc_units, reform_user):
    client = login("admin")
    url = url.format(ubnd=proc_units["ubnd"].pk)
    _bulk(10, proc_units, reform_user)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _bulk(90, proc_units, reform_user)
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(small.captured_queries) == len(large.captured_queries)


def test_a_decisions_file_is_downloaded_through_the_page_never_from_a_storage_url(login, proc_units,
                                                                                   make_procedure, reform_user):
    # Given a decision recorded with its scanned file
    content = b"%PDF-1.4\n%quyet-dinh\n"
    decision = services.decision_create(
        actor=reform_user, number="9/QĐ-UBND", title="Công bố (thử)", signed_on=dt.date(2022, 1, 3),
        effective_on=dt.date(2022, 1, 3), issuer=proc_units["ubnd"],
        file=SimpleUploadedFile("qd-9.pdf", content, content_type="application/pdf"),
        items=[(make_procedure(), ItemAction.NEW, None)])
    client = login("office")
    # When a signed-in user opens the decision and follows its link
    page = client.get(f"/thu-tuc/quyet-dinh/{decision.pk}/").content.decode()
    got = client.get(f"/thu-tuc/quyet-dinh/{decision.pk}/tep/")
    # Then the link is the permission-checked view, which streams the stored bytes
    assert f'href="/thu-tuc/quyet-dinh/{decision.pk}/tep/"' in page and "/media/" not in page
    assert (got.status_code, b"".join(got.streaming_content)) == (200, content)
    assert got["Content-Disposition"].startswith('attachment; filename="qd-9')
    # And the API gives the same address
    assert client.get(f"/api/v1/procedures/decisions/{decision.pk}").json()["file"] == (
        f"/thu-tuc/quyet-dinh/{decision.pk}/tep/")
    # And nobody signed out gets it
    client.logout()
    assert client.get(f"/thu-tuc/quyet-dinh/{decision.pk}/tep/").status_code == 302
