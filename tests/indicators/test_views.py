"""Pages: everyone signed in reads; the reform office edits; a lead officer reports their unit's actuals."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from chidao.core.models import ChangeRecord
from chidao.indicators import services
from chidao.indicators.models import Actual, Indicator, Target
from chidao.procedures.models import Procedure

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


@pytest.fixture
def rate(make_indicator):
    return make_indicator(unit="stc", targets=[(D(2021, 12, 31), "85"), (D(2022, 1, 31), "95")],
                          actuals=[(D(2021, 11, 30), "74.6"), (D(2021, 12, 31), "90.2")])


def test_pages_need_a_login(client, rate):
    assert client.get("/chi-so/").status_code == 302
    assert client.get(f"/chi-so/{rate.pk}/").status_code == 302
    assert client.get("/to-cong-tac/").status_code == 302


@pytest.mark.parametrize("who", ["steering", "office", "auditor", "snv", "stc", "admin"])
def test_everyone_reads_the_list_and_the_detail(login, users, rate, who):
    client = login(users[who])
    page = client.get("/chi-so/").content.decode()
    assert 'data-testid="rating-CS01"' in page
    assert "90,2 %" in page  # the latest actual, with a decimal comma
    assert "31/12/2021" in page
    detail = client.get(f"/chi-so/{rate.pk}/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert 'class="rag green"' in html
    assert 'src="data:image/svg+xml;base64,' in html
    assert ("target-form" in html) is (who == "admin")
    assert ("actual-form" in html) is (who in {"admin", "stc"})


def test_reform_office_sets_a_target_with_a_decimal_comma(login, reform, rate):
    response = login(reform).post(f"/chi-so/{rate.pk}/chi-tieu/", {
        "target-period_end": "30/06/2021", "target-value": "45,5", "target-note": "6 tháng"})
    assert response.status_code == 302
    assert rate.targets.get(period_end=D(2021, 6, 30)).value == Decimal("45.50")


def test_invalid_target_shows_the_errors(login, reform, rate):
    response = login(reform).post(f"/chi-so/{rate.pk}/chi-tieu/", {"target-period_end": "", "target-value": "120"})
    assert response.status_code == 422
    assert "Tỷ lệ phần trăm phải từ 0 đến 100." in response.content.decode()
    assert rate.targets.count() == 2


@pytest.mark.parametrize("who", ["office", "steering", "auditor", "stc", "snv"])
def test_others_may_not_edit_403_and_nothing_written(login, users, units, rate, who):
    client = login(users[who])
    before = (Target.objects.count(), ChangeRecord.objects.count(), rate.name)
    assert client.post(f"/chi-so/{rate.pk}/chi-tieu/", {
        "target-period_end": "30/06/2021", "target-value": "45"}).status_code == 403
    assert client.post(f"/chi-so/{rate.pk}/sua/", {"name": "Đổi tên"}).status_code == 403
    assert client.get("/chi-so/tao-moi/").status_code == 403
    rate.refresh_from_db()
    assert (Target.objects.count(), ChangeRecord.objects.count(), rate.name) == before


@pytest.mark.parametrize("who", ["office", "steering", "snv"])
def test_only_the_responsible_units_officer_reports_actuals(login, users, rate, who):
    before = (Actual.objects.count(), ChangeRecord.objects.count())
    response = login(users[who]).post(f"/chi-so/{rate.pk}/bao-cao/", {
        "actual-as_of": "15/01/2022", "actual-value": "92", "actual-source": "x"})
    assert response.status_code == 403
    assert (Actual.objects.count(), ChangeRecord.objects.count()) == before


def test_the_responsible_units_officer_reports(login, users, units, rate):
    response = login(users["stc"]).post(f"/chi-so/{rate.pk}/bao-cao/", {
        "actual-as_of": "15/01/2022", "actual-value": "92,75", "actual-source": "Sở Tài chính báo cáo ngày 16/01/2022"})
    assert response.status_code == 302
    actual = rate.actuals.get(as_of=D(2022, 1, 15))
    assert (actual.value, actual.reported_by, actual.reporting_unit) == (Decimal("92.75"), users["stc"], units["stc"])


def test_reform_office_creates_and_edits_an_indicator(login, reform, units):
    client = login(reform)
    assert client.get("/chi-so/tao-moi/").status_code == 200
    response = client.post("/chi-so/tao-moi/", {
        "code": "PCI", "name": "Chỉ số PCI", "unit_of_measure": "điểm", "higher_is_better": "on",
        "baseline_value": "69,78", "baseline_date": "31/12/2020", "responsible_unit": units["stc"].pk})
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="PCI")
    assert (indicator.baseline_value, indicator.higher_is_better) == (Decimal("69.78"), True)
    response = client.post(f"/chi-so/{indicator.pk}/sua/", {
        "code": "PCI", "name": "Chỉ số năng lực cạnh tranh cấp tỉnh", "unit_of_measure": "điểm",
        "baseline_value": "69,78", "baseline_date": "31/12/2020", "responsible_unit": units["stc"].pk})
    assert response.status_code == 302
    indicator.refresh_from_db()
    assert (indicator.name, indicator.higher_is_better) == ("Chỉ số năng lực cạnh tranh cấp tỉnh", False)


def test_excel_export_has_one_sheet_per_table(login, users, rate):
    response = login(users["steering"]).get("/chi-so/xuat-excel/")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["Chỉ số", "Chỉ tiêu", "Thực hiện"]
    targets = [r for r in wb["Chỉ tiêu"].iter_rows(min_row=5, values_only=True) if r[0]]
    assert [(r[0], r[4].date(), r[5]) for r in targets] == [("CS01", D(2021, 12, 31), 85),
                                                             ("CS01", D(2022, 1, 31), 95)]
    actuals = [r for r in wb["Thực hiện"].iter_rows(min_row=5, values_only=True) if r[0]]
    assert [(r[2].date(), r[3]) for r in actuals] == [(D(2021, 11, 30), 74.6), (D(2021, 12, 31), 90.2)]
    first = next(r for r in wb["Chỉ số"].iter_rows(min_row=5, values_only=True) if r[0])
    assert first[0] == "CS01" and first[10] == "Xanh: đúng tiến độ"


def test_task_force_pages(login, users, units, reform, make_deliverable):
    proc = Procedure.objects.create(code="1.009", name="Thẩm định dự án", level="province", field="Đầu tư",
                                    unit=units["stc"])
    deliverable = make_deliverable(lead="stc", title="Đề án giải ngân")
    tf = services.task_force_create(actor=reform, name="Tổ công tác đặc biệt", remit="Tháo gỡ vướng mắc",
                                    members=[{"full_name": "Giám đốc Sở Tài chính", "role": "Tổ phó"}],
                                    projects=[{"name": "Dự án A", "capital": Decimal("1250.5")}])
    services.task_force_link_procedures(actor=reform, task_force=tf, procedures=[proc])
    services.task_force_link_deliverables(actor=reform, task_force=tf, deliverables=[deliverable])
    client = login(users["stc"])
    listing = client.get("/to-cong-tac/")
    assert listing.status_code == 200 and "Tổ công tác đặc biệt" in listing.content.decode()
    page = client.get(f"/to-cong-tac/{tf.pk}/").content.decode()
    assert f'href="/thu-tuc/{proc.pk}/"' in page
    assert f'href="/noi-dung/{deliverable.pk}/"' in page
    assert "Giám đốc Sở Tài chính" in page and "1.250,5" in page
    # Another unit's officer sees the task force but not a deliverable outside their scope
    other = login(users["snv"]).get(f"/to-cong-tac/{tf.pk}/").content.decode()
    assert f'href="/noi-dung/{deliverable.pk}/"' not in other
    assert client.get("/to-cong-tac/99999/").status_code == 404
