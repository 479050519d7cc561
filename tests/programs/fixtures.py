"""Programs fixtures (a pytest plugin, registered in tests/conftest.py): a year-end meeting of the shared test
program."""

import datetime as dt

import pytest

from chidao.core.models import User
from chidao.programs import services
from chidao.programs.models import Meeting, Program
from tests.conftest import at


def build_meeting(program: Program, users: dict[str, User]) -> Meeting:
    return services.meeting_create(
        actor=users["office"], program=program, kind=Meeting.Kind.YEAR_END,
        title="Hội nghị tổng kết công tác năm 2021", held_on=dt.date(2021, 12, 28),
        chair="Bí thư Thành ủy, Trưởng ban Chỉ đạo", location="Trụ sở Thành ủy",
        attendees="Thành viên Ban Chỉ đạo\nLãnh đạo các đơn vị chủ trì", at=at(2021, 12, 28, 17),
    )


@pytest.fixture
def meeting(program, users) -> Meeting:
    return build_meeting(program, users)
