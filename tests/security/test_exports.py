"""Exports never fail on stored text: characters a worksheet cannot hold are dropped (core.excel.safe_cell)."""

import datetime as dt
from decimal import Decimal

import pytest

from chidao.indicators import services

from .helpers import body_text

pytestmark = pytest.mark.django_db


def test_an_export_drops_control_characters_a_worksheet_cannot_hold(client, users, units):
    # Given an indicator whose name carries a vertical tab and a unit separator (pasted from Word)
    services.indicator_create(actor=users["admin"], code="CS09", name="Chỉ số\x0b hài\x1f lòng", unit_of_measure="%",
                              baseline_value=Decimal("80"), baseline_date=dt.date(2020, 12, 31),
                              responsible_unit=units["snv"])
    client.force_login(users["auditor"])
    # When the indicators are exported
    response = client.get("/chi-so/xuat-excel/")
    # Then the workbook is made, with the name less the characters it cannot hold
    assert response.status_code == 200
    assert "Chỉ số hài lòng" in body_text(response)
