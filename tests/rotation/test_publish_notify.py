"""A published rotation plan reaches the personnel officers of the units its people leave and join (issue 15)."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from chidao.core.models import EmailState, Notification, Role, RoleGrant, User
from chidao.rotation import plan

EFFECTIVE = dt.date(2025, 7, 1)
KEY_OF = "rotation_published:round:{}"


@pytest.fixture
def officers(hr, tree, users):
    """tccb_snv (Sở Nội vụ) and tccb_stc (Sở Tài chính) from `hr`; a city-wide personnel officer; the Sở Tư pháp's
    lead officer who also holds a personnel grant there (an extra grant); a personnel officer of an unrelated
    commune-level unit; all with addresses."""
    city = User.objects.create_user("tccb_city", email="tccb_city@example.vn", role=Role.PERSONNEL, unit=tree["city"])
    RoleGrant.objects.create(user=users["stp"], role=Role.PERSONNEL, unit=tree["stp"])
    other = User.objects.create_user("tccb_tu", email="tccb_tu@example.vn", role=Role.PERSONNEL, unit=tree["tu"])
    for u in (hr["snv"], hr["stc"], users["stp"]):
        u.email = f"{u.username}@example.vn"
        u.save()
    return {"snv": hr["snv"], "stc": hr["stc"], "city": city, "stp": users["stp"], "tu": other}


@pytest.fixture
def approved(world, users):
    """The plan world's round, solved and approved: An SNV division -> Ban Tổ chức, Bình STC -> STP, Cường STP ->
    SNV division; Hà unplaced."""
    plan.plan_request(actor=users["office"], round=world.round)
    plan.plan_approve(actor=users["office"], round=world.round, decision_number="125/QĐ-SNV")
    world.round.refresh_from_db()
    return world


def _rows(rnd):
    return {n.user.username: n for n in Notification.objects.filter(event_key=KEY_OF.format(rnd.pk))
            .select_related("user")}


def test_publishing_tells_each_officer_what_is_theirs_once(approved, officers, users,
                                                           django_capture_on_commit_callbacks):
    rnd, people = approved.round, approved.people
    # When the office publishes the plan
    with django_capture_on_commit_callbacks(execute=True):
        plan.plan_publish(actor=users["office"], round=rnd, effective_on=EFFECTIVE)
    # Then the officers of the units the people leave and join are told, each once; the office (the actor) and the
    # unrelated officer are not
    rows = _rows(rnd)
    assert sorted(rows) == ["officer_stp", "tccb_city", "tccb_snv", "tccb_stc"]
    assert {r.kind for r in rows.values()} == {"rotation_published"}
    subject = f"Phương án “{rnd.name}” đã được công khai"
    assert {r.subject for r in rows.values()} == {subject}
    # The city-wide officer sees the round: the plan, with its page
    city = rows["tccb_city"]
    assert city.link == reverse("rotation_plan", kwargs={"pk": rnd.pk})
    assert city.body == (
        f"Phương án của đợt “{rnd.name}” đã được công khai, có hiệu lực từ ngày 01/07/2025: 3 người được bố trí vị "
        "trí công tác mới. Đề nghị đơn vị thông báo cho người có tên và chuẩn bị bàn giao.")
    # The officers of the agencies (the round is city-wide, outside their scope) read only their units' moves
    head = (f"Phương án của đợt “{rnd.name}” đã được công khai, có hiệu lực từ ngày 01/07/2025. Người thuộc đơn vị "
            "đồng chí quản lý được bố trí:")
    assert rows["tccb_snv"].body.splitlines() == [
        head,
        "- Nguyễn Văn An: từ Chuyên viên tổ chức cán bộ (Phòng Tổ chức, biên chế) sang Chuyên viên Ban Tổ chức "
        "(Ban Tổ chức Thành ủy)",
        "- Lê Văn Cường: từ Chuyên viên phổ biến pháp luật (Sở Tư pháp) sang Chuyên viên tổ chức cán bộ "
        "(Phòng Tổ chức, biên chế)",
    ]
    # An is in Sở Nội vụ now, so its officer may open his record; Cường is not yet
    assert rows["tccb_snv"].link == reverse("person_detail", kwargs={"pk": people["an"].pk})
    assert [line.split(":")[0] for line in rows["tccb_stc"].body.splitlines()[1:]] == ["- Trần Thị Bình"]
    assert rows["tccb_stc"].link == reverse("person_detail", kwargs={"pk": people["binh"].pk})
    assert [line.split(":")[0] for line in rows["officer_stp"].body.splitlines()[1:]] == [
        "- Trần Thị Bình", "- Lê Văn Cường"]
    # And each got one email
    assert sorted(m.to[0] for m in mail.outbox) == [
        "officer_stp@example.vn", "tccb_city@example.vn", "tccb_snv@example.vn", "tccb_stc@example.vn"]
    assert {r.email_state for r in rows.values()} == {EmailState.SENT}


def test_a_second_notify_of_the_same_publication_adds_nothing(approved, officers, users,
                                                             django_capture_on_commit_callbacks):
    from chidao.rotation.events import plan_published_notify

    rnd = approved.round
    with django_capture_on_commit_callbacks(execute=True):
        plan.plan_publish(actor=users["office"], round=rnd, effective_on=EFFECTIVE)
    rnd.refresh_from_db()
    # When the event is told again (a retried step)
    with django_capture_on_commit_callbacks(execute=True):
        plan_published_notify(actor=users["office"], round=rnd)
    # Then nobody has a second row or a second email
    assert Notification.objects.filter(event_key=KEY_OF.format(rnd.pk)).count() == 4
    assert len(mail.outbox) == 4


def test_a_refused_publication_tells_nobody(approved, officers, users):
    rnd = approved.round
    with pytest.raises(ValidationError):
        plan.plan_publish(actor=users["office"], round=rnd, effective_on=dt.date(2025, 5, 1))
    assert Notification.objects.count() == 0
    assert mail.outbox == []
