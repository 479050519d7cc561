"""The rotation plan's own number: taken from the register when it is published (KH for a periodic change plan,
QĐ for a rotation decision), apart from the approving decision's number."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chidao.core import register
from chidao.core.models import OutgoingDocument
from chidao.rotation import plan
from chidao.rotation.models import RotationRound, RoundKind, RoundState

pytestmark = pytest.mark.django_db
EFFECTIVE = dt.date(2025, 7, 1)


@pytest.fixture
def approved(world, users):
    plan.plan_request(actor=users["office"], round=world.round)
    plan.plan_approve(actor=users["office"], round=world.round, decision_number="125/QĐ-SNV")
    world.round.refresh_from_db()
    return world.round


def test_an_approved_plan_is_a_draft_with_a_blank_number(approved):
    assert plan._plan_number_context(approved) == {
        "doc_format": "state", "number": "Số: " + "\u00a0" * 6 + "/KH-HN", "number_value": None, "draft": True,
        "signer": None}
    context = plan._document_context(approved, [])
    assert (context["doc_format"], context["draft"], context["number"].endswith("/KH-HN")) == ("state", True, True)


def test_publishing_takes_the_plans_own_number_and_keeps_the_decision(approved, users):
    issuer = plan._plan_issuer(actor=users["admin"], rnd=approved)
    head = register.signer_create(actor=users["admin"], issuer=issuer, form="K/T", body="", title="CHỦ TỊCH",
                                  deputy_title="PHÓ CHỦ TỊCH", name="Trần Văn Dũng")
    plan.plan_publish(actor=users["office"], round=approved, effective_on=EFFECTIVE)
    rnd = RotationRound.objects.get(pk=approved.pk)
    doc = OutgoingDocument.objects.get()
    assert (rnd.state, rnd.decision_number, rnd.document) == (RoundState.PUBLISHED, "125/QĐ-SNV", doc)
    assert (doc.number_text, doc.type_code, doc.signer, doc.title) == (
        "Số: 1/KH-HN", "KH", head, "Kế hoạch chuyển đổi vị trí công tác năm 2025")
    context = plan._document_context(rnd, [])
    assert {k: context[k] for k in ("number", "draft", "signer")} == {
        "number": "Số: 1/KH-HN", "draft": False,
        "signer": {"form": "K/T", "body": "", "title": "CHỦ TỊCH", "deputy_title": "PHÓ CHỦ TỊCH",
                   "name": "Trần Văn Dũng"}}


def test_a_rotation_decision_is_numbered_qd(approved, users):
    RotationRound.objects.filter(pk=approved.pk).update(kind=RoundKind.ROTATION)
    approved.refresh_from_db()
    plan.plan_publish(actor=users["office"], round=approved, effective_on=EFFECTIVE)
    assert OutgoingDocument.objects.get().number_text == "Số: 1/QĐ-HN"


def test_a_refused_publication_takes_no_number(approved, users):
    with pytest.raises(ValidationError):
        plan.plan_publish(actor=users["office"], round=approved, effective_on=dt.date(2025, 5, 31))
    assert OutgoingDocument.objects.count() == 0
    assert RotationRound.objects.get(pk=approved.pk).document is None


def test_the_page_and_the_api_show_the_plans_own_number(approved, users, client):
    plan.plan_publish(actor=users["office"], round=approved, effective_on=EFFECTIVE)
    client.force_login(users["office"])
    page = client.get(f"/luan-chuyen/{approved.pk}/phuong-an/").content.decode()
    assert 'data-testid="plan-document-number">Số: 1/KH-HN<' in page
    body = client.get(f"/api/v1/rotation/rounds/{approved.pk}/plan").json()
    assert (body["document_number"], body["decision_number"]) == ("Số: 1/KH-HN", "125/QĐ-SNV")
