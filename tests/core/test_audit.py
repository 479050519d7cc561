import datetime as dt

import pytest

from chidao.core.audit import action_label, change_records_for, change_rows
from chidao.programs import services
from chidao.programs.models import Deliverable, Status

pytestmark = pytest.mark.django_db


def test_change_records_read_as_people_read_them(make_deliverable, users):
    d = make_deliverable(deadline=dt.date(2021, 9, 30))
    services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=Status.IN_PROGRESS,
                                    reason="Bắt đầu")
    services.deliverable_extend_deadline(actor=users["office"], deliverable=d, new_deadline=dt.date(2021, 12, 31),
                                         reason="Chờ số liệu", approved_by="Trưởng ban",
                                         approved_on=dt.date(2021, 9, 1))
    extend, transition, create = change_records_for(d)
    assert (action_label(transition.action), transition.actor, transition.reason) == (
        "chuyển trạng thái", users["snv"], "Bắt đầu")
    assert change_rows(transition, Deliverable) == [("trạng thái", "chưa triển khai", "đang thực hiện")]
    assert change_rows(extend, Deliverable) == [("thời hạn hiện hành", "30/09/2021", "31/12/2021")]
    assert ("đơn vị chủ trì", "∅", "Sở Nội vụ") in change_rows(create, Deliverable)
