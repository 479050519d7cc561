"""Counts on the pages carry the Vietnamese thousands separator (1.234, not 1234); years and codes do not."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from chidao.indicators.selectors import _number
from chidao.programs.models import Deliverable, Kind
from tests.conftest import at

pytestmark = pytest.mark.django_db

MANY = 1234


@pytest.fixture
def many(program, units):
    """A program with 1,234 deliverables, all led by Sở Nội vụ, all assigned on 30/03/2021."""
    when = at(2021, 3, 30)
    Deliverable.objects.bulk_create(
        Deliverable(program=program, code=f"{n:04d}", kind=Kind.TASK, title=f"Nhiệm vụ số {n}",
                    lead_unit=units["snv"], original_deadline=dt.date(2030, 12, 31), deadline=dt.date(2030, 12, 31),
                    created_at=when, updated_at=when)
        for n in range(1, MANY + 1))
    return program


def test_the_list_and_the_dashboard_count_with_the_thousands_separator(client, users, many):
    # Given 1,234 deliverables; when the standing office opens the list and the dashboard
    client.force_login(users["office"])
    listing = client.get(reverse("deliverable_list", args=[many.pk])).content.decode()
    dashboard = client.get(reverse("program_dashboard", args=[many.pk])).content.decode()

    # Then the counts read 1.234
    assert "1.234 nội dung" in listing
    assert 'data-testid="count-total">1.234<' in dashboard
    assert 'data-testid="count-not-started">1.234<' in dashboard
    assert "triển khai thực hiện 1.234 nhiệm vụ." in dashboard
    # And neither the list nor the dashboard groups the year of the program or a code
    assert "2.021" not in dashboard and "17/03/2021" in dashboard
    assert ">0001<" in listing and "Nhiệm vụ số 1<" in listing


def test_indicator_figures_group_thousands_and_keep_the_decimal_comma():
    assert [_number(Decimal(v)) for v in ("91.30", "12345.5", "1000", "0.25")] == ["91,3", "12.345,5", "1.000", "0,25"]
