"""The report form: each kind's fields shown with that kind only, and a sensible default year and quarter
(Decree 09/2019 cut-offs: a quarter runs from the 15th of the month before it to the 14th of its last month)."""

import datetime as dt

import pytest
from django.utils import timezone

from chidao.reports.forms import ReportRequestForm, default_period, default_year

pytestmark = pytest.mark.django_db


def _defaults(program, today: dt.date) -> tuple[int, str]:
    form = ReportRequestForm(program=program, today=today)
    return form.fields["year"].initial, form.fields["period"].initial


@pytest.mark.parametrize(("today", "year", "period"), [
    (dt.date(2023, 5, 20), 2023, "2023-Q2"),   # 15/03–14/06: the second quarter runs
    (dt.date(2023, 6, 14), 2023, "2023-Q2"),   # its cut-off day
    (dt.date(2023, 6, 15), 2023, "2023-Q3"),   # the next day, the third
    (dt.date(2023, 12, 20), 2023, "2023-Q4"),  # after 14/12 the year's fourth quarter has ended: that one
    (dt.date(2030, 3, 1), 2025, "2025-Q4"),    # after the program (2021–2025): its last year and quarter
    (dt.date(2019, 7, 1), 2021, "2021-Q1"),    # before it: its first
])
def test_the_default_year_and_quarter(program, today, year, period):
    assert _defaults(program, today) == (year, period)


def test_each_field_shows_with_its_kind_only(program):
    form = ReportRequestForm(program=program, today=dt.date(2023, 5, 20))
    assert 'data-show-when="kind=year_end"' in str(form["year"])
    assert 'data-show-when="kind=periodic"' in str(form["period"])
    assert 'data-show-when="kind=year_end,stocktake,dispatch"' in str(form["as_of"])
    assert 'data-show-when="kind=dispatch"' in str(form["unit"])
    # The default quarter is the one selected, labelled with its dates in dd/mm/yyyy
    assert '<option value="2023-Q2" selected>quý II năm 2023 (từ 15/03/2023 đến 14/06/2023)</option>' in str(
        form["period"])


def test_only_the_chosen_kinds_fields_are_sent(program):
    form = ReportRequestForm({"kind": "periodic", "format": "docx", "year": "2022", "period": "2023-Q2",
                              "as_of": "01/06/2023"}, program=program)
    assert form.is_valid(), form.errors
    assert form.params() == {"period": "2023-Q2"}


def test_the_page_offers_the_defaults(client, users, program):
    client.force_login(users["office"])
    page = client.get(f"/chuong-trinh/{program.pk}/bao-cao/").content.decode()
    today = timezone.localdate()
    assert f'name="year" value="{default_year(program, today)}"' in page
    assert f'<option value="{default_period(program, today)}" selected>' in page
