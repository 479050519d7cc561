"""Before an irreversible step on a rotation plan the page asks, stating the consequences with the plan's real
figures: approving ("bố trí 3/4 người"), publishing, applying. The step itself is unchanged (the service decides)."""

import datetime as dt
import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from chidao.rotation import plan
from chidao.rotation.models import RoundState

pytestmark = pytest.mark.django_db


def _confirm(body: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}" hx-confirm="([^"]*)"', body)
    assert match, f"no confirmation on {testid}"
    return match.group(1)


def _plan(client, user, rnd) -> str:
    client.force_login(user)
    response = client.get(reverse("rotation_plan", args=[rnd.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_approving_asks_with_the_placed_and_due_counts(proposed, client, users):
    # Given the world's proposed plan: 3 of the 4 people in it are placed (tests/rotation/test_plan.py)
    body = _plan(client, users["office"], proposed.round)
    # Then the approve button asks first, with the real figures and what approval means
    assert _confirm(body, "plan-approve-form") == (
        "Phê duyệt phương án bố trí 3/4 người; sau khi phê duyệt không sửa được phương án.")


def test_publishing_and_applying_ask_with_the_number_of_people_moved(proposed, client, users):
    # Given the plan approved
    plan.plan_approve(actor=users["office"], round=proposed.round, decision_number="125/QĐ-SNV")
    body = _plan(client, users["office"], proposed.round)
    assert _confirm(body, "plan-publish-form") == (
        "Công khai phương án: 3 người được điều động và đơn vị của họ nhận thông báo; "
        "sau khi công khai không sửa được phương án.")
    # And once published with a date already come, applying asks too
    plan.plan_publish(actor=users["office"], round=proposed.round, effective_on=dt.date(2025, 7, 1))
    body = _plan(client, users["office"], proposed.round)
    assert _confirm(body, "plan-apply-form") == (
        "Ghi 3 điều động vào quá trình công tác của cán bộ? Việc này không hoàn tác được.")


def test_the_counts_have_vietnamese_thousands_separators(proposed, users):
    # Given a city-wide plan of 2,614 placed out of 3,000 (the view object as the page receives it)
    view = plan.PlanView(round=proposed.round, moves=[], placed=2614, unplaced=386, with_violations=0,
                         due_included=3000, can_approve=True)
    request = RequestFactory().get("/")
    request.user = users["office"]
    body = render_to_string("rotation/plan_partial.html", {"plan": view, "round": proposed.round}, request=request)
    assert _confirm(body, "plan-approve-form") == (
        "Phê duyệt phương án bố trí 2.614/3.000 người; sau khi phê duyệt không sửa được phương án.")


def test_the_confirmation_changes_nothing_on_the_server(proposed, client, users):
    # The question is asked in the browser; a post that does come approves, as before
    client.force_login(users["office"])
    response = client.post(reverse("rotation_plan_approve", args=[proposed.round.pk]),
                           {"decision_number": "125/QĐ-SNV"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    proposed.round.refresh_from_db()
    assert (proposed.round.state, proposed.round.decision_number) == (RoundState.APPROVED, "125/QĐ-SNV")
