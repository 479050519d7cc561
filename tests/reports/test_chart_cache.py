"""The reports page's trajectory chart is drawn once per data and cut-off day (ADR 0015): a second request is
served from the cache, and a transition through the service (which changes the figures) makes the next request
draw the new chart; the key is the data drawn, so no process can serve a stale chart."""

import datetime as dt

import pytest
from django.core.cache import caches

from chidao.programs import services
from chidao.programs.models import Status
from chidao.reports import charts
from tests.conftest import at, pdf_file

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def drawn(monkeypatch):
    """The trajectories actually drawn (not served from the cache), in order."""
    caches["default"].clear()
    calls = []
    draw = charts.trajectory_chart

    def counting(trajectory, fmt="png"):
        calls.append((trajectory.total, trajectory.completed))
        return draw(trajectory, fmt)

    monkeypatch.setattr(charts, "trajectory_chart", counting)
    return calls


def _complete(users, d, day: D) -> None:
    for status, before in ((Status.IN_PROGRESS, 10), (Status.SUBMITTED, 5)):
        earlier = day - dt.timedelta(days=before)
        services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=status,
                                        at=at(earlier.year, earlier.month, earlier.day))
    approval = services.attachment_upload(actor=users["office"], deliverable=d, file=pdf_file())
    services.deliverable_transition(actor=users["office"], deliverable=d, to_status=Status.COMPLETED,
                                    doc_number="12/QĐ", doc_date=day, attachment=approval,
                                    at=at(day.year, day.month, day.day, 16))


def _chart(client, program, **params) -> str:
    page = client.get(f"/chuong-trinh/{program.pk}/bao-cao/", params).content.decode()
    return page.split('class="trajectory" src="', 1)[1].split('"', 1)[0]


def test_second_request_is_served_from_the_cache(client, users, program, make_deliverable, drawn):
    # Given a program of two deliverables and the reports page as of 31/12/2021
    make_deliverable(deadline=D(2021, 9, 30))
    make_deliverable(deadline=D(2021, 11, 30))
    client.force_login(users["office"])
    first = _chart(client, program, as_of="31/12/2021")
    # When the page is asked again
    second = _chart(client, program, as_of="31/12/2021")
    # Then the chart was drawn once, and the same chart is shown
    assert drawn == [(2, 0)]
    assert second == first
    # Another cut-off day is another chart
    _chart(client, program, as_of="30/11/2021")
    assert drawn == [(2, 0), (2, 0)]


def test_a_completion_through_the_service_shows_the_new_chart(client, users, program, make_deliverable, drawn):
    # Given the chart drawn and cached with nothing completed
    d = make_deliverable(deadline=D(2021, 9, 30))
    make_deliverable(deadline=D(2021, 11, 30))
    client.force_login(users["office"])
    before = _chart(client, program, as_of="31/12/2021")
    # When one deliverable is completed through the service (on 20/09/2021)
    _complete(users, d, D(2021, 9, 20))
    after = _chart(client, program, as_of="31/12/2021")
    # Then the next request draws the new figures (1 of 2 completed), not the cached chart
    assert drawn == [(2, 0), (2, 1)]
    assert after != before
    # And a request after that is served from the cache again
    assert _chart(client, program, as_of="31/12/2021") == after
    assert drawn == [(2, 0), (2, 1)]


@pytest.fixture
def computed(monkeypatch):
    """The stocktake figures actually computed (not served from the cache)."""
    from chidao.reports import figures

    calls = []
    compute = figures.stocktake_report

    def counting(**kwargs):
        calls.append(kwargs["as_of"])
        return compute(**kwargs)

    monkeypatch.setattr(figures, "stocktake_report", counting)
    return calls


def test_the_page_figures_are_computed_once_per_stamp_and_follow_the_writes(client, users, program, make_deliverable,
                                                                            computed):
    # Given the reports page as of 31/12/2021 of a program of two deliverables, opened twice
    d = make_deliverable(deadline=D(2021, 9, 30))
    make_deliverable(deadline=D(2021, 11, 30))
    client.force_login(users["office"])
    url = f"/chuong-trinh/{program.pk}/bao-cao/"
    first = client.get(url, {"as_of": "31/12/2021"}).context["trajectory"]
    again = client.get(url, {"as_of": "31/12/2021"}).context["trajectory"]
    # Then the figures were computed once
    assert computed == [D(2021, 12, 31)]
    assert (first.total, first.completed) == (again.total, again.completed) == (2, 0)

    # When one is completed through the service, the next request computes the new figures
    _complete(users, d, D(2021, 9, 20))
    after = client.get(url, {"as_of": "31/12/2021"}).context["trajectory"]
    assert (after.total, after.completed) == (2, 1)
    assert computed == [D(2021, 12, 31), D(2021, 12, 31)]

    # And a deliverable added to the program counts at once
    make_deliverable(deadline=D(2021, 12, 15))
    assert client.get(url, {"as_of": "31/12/2021"}).context["trajectory"].total == 3
