"""Trajectory, forecast and the stocktake's red/amber/green, on items whose state is given."""

import datetime as dt

import pytest

from chidao.core.ratings import Rating
from chidao.programs.models import Status
from chidao.programs.selectors import ItemState
from chidao.reports.figures import trajectory_build, unit_rating

D = dt.date
AS_OF = D(2021, 12, 28)


def item(n: int, status: str, deadline: dt.date, completed_on: dt.date | None = None,
         original: dt.date | None = None) -> ItemState:
    return ItemState(pk=n, code=f"{n:02d}", title=f"Đề án {n}", kind="de_an", lead_unit_id=1,
                     lead_unit_name="Sở Nội vụ", status=status, deadline=deadline, completed_on=completed_on,
                     original_deadline=original or deadline)


def test_trajectory_counts_planned_and_actual_at_each_month_end():
    items = [
        item(1, Status.COMPLETED, D(2021, 6, 30), D(2021, 6, 20)),
        item(2, Status.COMPLETED, D(2021, 9, 30), D(2021, 10, 10)),
        item(3, Status.IN_PROGRESS, D(2022, 3, 31)),
        item(4, Status.SUBMITTED, D(2022, 6, 30)),
        item(5, Status.CANCELLED, D(2021, 8, 31)),  # cancelled: in neither line
    ]
    t = trajectory_build(name="x", items=items, as_of=AS_OF, start=D(2021, 3, 17))
    points = {p.day: (p.planned, p.actual) for p in t.points}
    assert points[D(2021, 3, 31)] == (0, 0)
    assert points[D(2021, 6, 30)] == (1, 1)
    assert points[D(2021, 9, 30)] == (2, 1)
    assert points[D(2021, 10, 31)] == (2, 2)
    assert points[D(2021, 12, 31)] == (2, 2)  # the cut-off's month counts up to the cut-off
    assert points[D(2022, 1, 31)] == (2, None)  # after the cut-off nothing is known
    assert points[D(2022, 6, 30)] == (4, None)
    # The window is the 180 days after 01/07/2021: the June completion is outside it.
    assert (t.total, t.completed, t.remaining, t.recent_completions) == (4, 2, 2, 1)
    # 2 left at 1 per 180 days: 360 days after the cut-off, later than the last deadline.
    assert t.forecast == AS_OF + dt.timedelta(days=360) == D(2022, 12, 23)
    assert t.latest_deadline == D(2022, 6, 30)
    assert t.forecast_misses
    assert t.forecast_text == "Dự báo hoàn thành: 23/12/2022 (theo nhịp 1 nội dung trong 180 ngày qua)."


def test_no_recent_completion_means_no_forecast(settings):
    settings.CHIDAO_REPORTING = {**settings.CHIDAO_REPORTING, "forecast_window_days": 30}
    items = [item(1, Status.COMPLETED, D(2021, 6, 30), D(2021, 6, 20)), item(2, Status.IN_PROGRESS, D(2022, 6, 30))]
    t = trajectory_build(name="x", items=items, as_of=AS_OF, start=D(2021, 3, 17))
    assert (t.recent_completions, t.forecast) == (0, None)
    assert t.forecast_text == "Chưa dự báo được: không có nội dung hoàn thành trong 30 ngày qua."


def test_all_done_forecasts_the_last_completion():
    items = [item(1, Status.COMPLETED, D(2021, 6, 30), D(2021, 6, 20)),
             item(2, Status.COMPLETED, D(2021, 9, 30), D(2021, 9, 1))]
    t = trajectory_build(name="x", items=items, as_of=AS_OF, start=D(2021, 3, 17))
    assert (t.remaining, t.forecast, t.forecast_text) == (0, D(2021, 9, 1), "Đã hoàn thành tất cả.")


PACE = [item(10 + n, Status.COMPLETED, D(2021, 12, 1), D(2021, 7 + n, 2)) for n in range(6)]  # 6 in 180 days


def _rate(items):
    t = trajectory_build(name="x", items=items, as_of=AS_OF, start=D(2021, 3, 17))
    return unit_rating(items=items, trajectory=t, as_of=AS_OF)


@pytest.mark.parametrize(
    ("items", "rating", "reasons"),
    [
        pytest.param([], Rating.GREY, ["Không có nội dung để đánh giá."], id="nothing"),
        pytest.param([item(1, Status.CANCELLED, D(2021, 6, 30))], Rating.GREY, ["Không có nội dung để đánh giá."],
                     id="only-cancelled"),
        pytest.param([item(1, Status.COMPLETED, D(2021, 6, 30), D(2021, 7, 2))], Rating.GREEN,
                     ["Đã hoàn thành tất cả nội dung."], id="all-done"),
        pytest.param([item(1, Status.IN_PROGRESS, D(2021, 12, 27))], Rating.RED, ["1 nội dung quá hạn."],
                     id="overdue-by-one-day"),
        pytest.param([item(1, Status.COMPLETED, D(2021, 12, 1), D(2021, 12, 1)),
                      item(2, Status.IN_PROGRESS, D(2022, 2, 28)), item(3, Status.IN_PROGRESS, D(2022, 3, 31))],
                     Rating.RED, ["Dự báo hoàn thành 23/12/2022, sau thời hạn cuối 31/03/2022."],
                     id="forecast-misses"),
        pytest.param([*PACE, item(2, Status.IN_PROGRESS, D(2022, 1, 27))], Rating.AMBER,
                     ["1 nội dung đến hạn trong 30 ngày tới mà chưa hoàn thành dự thảo."], id="due-in-30-days"),
        pytest.param([*PACE, item(2, Status.SUBMITTED, D(2022, 1, 27))], Rating.GREEN,
                     ["Các nội dung còn lại trong hạn; dự báo kịp thời hạn."], id="due-soon-but-submitted"),
        pytest.param([*PACE, item(2, Status.IN_PROGRESS, D(2022, 1, 28))], Rating.GREEN,
                     ["Các nội dung còn lại trong hạn; dự báo kịp thời hạn."], id="due-in-31-days"),
        pytest.param([item(1, Status.IN_PROGRESS, D(2022, 6, 30))], Rating.GREY,
                     ["Chưa có nội dung hoàn thành gần đây để dự báo; các nội dung còn trong hạn."],
                     id="no-pace-to-judge"),
    ],
)
def test_unit_rating(items, rating, reasons):
    assert _rate(items) == (rating, reasons)
