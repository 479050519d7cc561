"""The daily reminders job: who gets what, once a day, in the app and by email."""

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from chidao.core.models import Notification, Role, User
from chidao.programs import services
from chidao.programs.models import Status
from chidao.programs.reminders import reminders_send
from chidao.programs.tasks import reminders_send_task
from tests.conftest import at, pdf_file

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2021, 7, 12)


@pytest.fixture(autouse=True)
def _mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.DEFAULT_FROM_EMAIL = "chidao@example.vn"
    settings.CHIDAO_REMINDER_DAYS_AHEAD = 7


@pytest.fixture
def emails(users):
    for key in ("snv", "stc", "stp"):
        users[key].email = f"{users[key].username}@example.vn"
        users[key].save()
    return users


def _complete(users, d):
    for status in (Status.IN_PROGRESS, Status.SUBMITTED):
        d = services.deliverable_transition(actor=users["snv"], deliverable=d, to_status=status, at=at(2021, 5, 20))
    attachment = services.attachment_upload(actor=users["office"], deliverable=d, file=pdf_file())
    return services.deliverable_transition(
        actor=users["office"], deliverable=d, to_status=Status.COMPLETED, doc_number="45/QĐ-UBND",
        doc_date=dt.date(2021, 6, 1), attachment=attachment, at=at(2021, 6, 1),
    )


def test_digest_lists_overdue_then_due_soon_and_leaves_out_the_rest(emails, make_deliverable):
    # Given the Sở Nội vụ leads deliverables overdue, due soon, due later, completed and cancelled
    soon = make_deliverable(lead="snv", deadline=dt.date(2021, 7, 15), title="Kế hoạch sắp đến hạn")
    edge = make_deliverable(lead="snv", deadline=dt.date(2021, 7, 19), title="Đề án hạn cuối cửa sổ")
    make_deliverable(lead="snv", deadline=dt.date(2021, 7, 20), title="Đề án còn xa")
    late = make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title="Đề án quá hạn")
    today = make_deliverable(lead="snv", deadline=MONDAY, title="Đề án đến hạn hôm nay")
    _complete(emails, make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title="Đã xong"))
    cancelled = make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30), title="Đã dừng")
    services.deliverable_transition(actor=emails["office"], deliverable=cancelled, to_status=Status.CANCELLED,
                                    reason="Không còn phù hợp", at=at(2021, 7, 1))
    # When the job runs on 12/07/2021 with a 7-day window
    run = reminders_send(on=MONDAY)
    # Then the unit's officer gets one digest: overdue first, then by deadline
    assert (run.digests_created, run.emails_sent, run.skipped_existing, run.recipients) == (1, 1, 0, ["officer_snv"])
    n = Notification.objects.get(kind="reminder_digest")
    assert (n.user, n.kind, n.day, n.read_at) == (emails["snv"], "reminder_digest", MONDAY, None)
    assert n.subject == "Nhắc việc ngày 12/07/2021: 1 nội dung quá hạn, 3 nội dung sắp đến hạn"
    assert [i["deliverable_id"] for i in n.items] == [late.pk, today.pk, soon.pk, edge.pk]
    assert n.items[0] == {
        "deliverable_id": late.pk, "program_number": "01-CTr/TU", "code": late.code, "title": "Đề án quá hạn",
        "deadline": "2021-06-30", "days_overdue": 12, "days_left": 0,
    }
    assert n.body.splitlines()[2:6] == [
        f"- {late.code}. Đề án quá hạn (Chương trình số 01-CTr/TU): hạn 30/06/2021, quá hạn 12 ngày",
        f"- {today.code}. Đề án đến hạn hôm nay (Chương trình số 01-CTr/TU): hạn 12/07/2021, đến hạn hôm nay",
        f"- {soon.code}. Kế hoạch sắp đến hạn (Chương trình số 01-CTr/TU): hạn 15/07/2021, còn 3 ngày",
        f"- {edge.code}. Đề án hạn cuối cửa sổ (Chương trình số 01-CTr/TU): hạn 19/07/2021, còn 7 ngày",
    ]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.from_email, message.subject, message.body) == (
        ["officer_snv@example.vn"], "chidao@example.vn", n.subject, n.body)
    assert n.emailed_at is not None


def test_the_current_deadline_counts_not_the_original(users, emails, make_deliverable):
    # Given an overdue deliverable whose deadline was extended to the end of the year
    d = make_deliverable(lead="snv", deadline=dt.date(2021, 6, 30))
    services.deliverable_extend_deadline(actor=users["office"], deliverable=d, new_deadline=dt.date(2021, 12, 31),
                                         reason="Chờ ý kiến Trung ương", approved_by="Thường trực Thành ủy",
                                         approved_on=dt.date(2021, 6, 25))
    # When the job runs, then nobody is reminded
    run = reminders_send(on=MONDAY)
    digests = Notification.objects.filter(kind="reminder_digest").count()
    assert (run.digests_created, digests, len(mail.outbox)) == (0, 0, 0)


def test_officers_of_other_units_and_other_roles_get_nothing(emails, make_deliverable):
    # Given only the Sở Tài chính has a due deliverable, coordinated by the Sở Nội vụ
    make_deliverable(lead="stc", deadline=dt.date(2021, 7, 13), coordinating=["snv"])
    office = emails["office"]
    office.email = "office@example.vn"
    office.save()
    # When the job runs
    run = reminders_send(on=MONDAY)
    # Then only the lead unit's officer is reminded
    assert run.recipients == ["officer_stc"]
    assert list(Notification.objects.values_list("user__username", flat=True)) == ["officer_stc"]
    assert [m.to for m in mail.outbox] == [["officer_stc@example.vn"]]


def test_every_active_officer_of_the_unit_gets_their_own_digest(emails, units, make_deliverable):
    # Given two more officers of the Sở Nội vụ: one active without email, one inactive
    User.objects.create_user("officer_snv2", role=Role.LEAD_OFFICER, unit=units["snv"])
    User.objects.create_user("officer_snv_old", email="old@example.vn", role=Role.LEAD_OFFICER, unit=units["snv"],
                             is_active=False)
    make_deliverable(lead="snv", deadline=dt.date(2021, 7, 1))
    # When the job runs
    run = reminders_send(on=MONDAY)
    # Then both active officers have the digest in the app; only the one with an address gets mail
    assert (run.digests_created, run.emails_sent, run.recipients) == (2, 1, ["officer_snv", "officer_snv2"])
    digests = Notification.objects.order_by("user__username")
    assert [(n.user.username, n.emailed_at is None) for n in digests] == [
        ("officer_snv", False), ("officer_snv2", True)]
    assert [m.to for m in mail.outbox] == [["officer_snv@example.vn"]]


def test_reminders_are_sent_once(emails, make_deliverable):
    # Given a due deliverable of the Sở Nội vụ
    make_deliverable(lead="snv", deadline=dt.date(2021, 7, 14))
    # When the job runs twice on the same day
    first = reminders_send(on=MONDAY)
    second = reminders_send(on=MONDAY)
    # Then one digest and exactly one email
    assert (first.digests_created, first.emails_sent) == (1, 1)
    assert (second.digests_created, second.emails_sent, second.skipped_existing) == (0, 0, 1)
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1
    # And the next day brings a new digest
    third = reminders_send(on=MONDAY + dt.timedelta(days=1))
    assert (third.digests_created, third.emails_sent) == (1, 1)
    assert list(Notification.objects.order_by("day").values_list("day", flat=True)) == [
        MONDAY, MONDAY + dt.timedelta(days=1)]
    assert len(mail.outbox) == 2
    assert mail.outbox[1].subject == "Nhắc việc ngày 13/07/2021: 1 nội dung sắp đến hạn"


def test_an_existing_digest_for_the_day_stops_a_second_email(emails, make_deliverable):
    # Given another worker already created today's digest (the row exists, its email is on its way)
    make_deliverable(lead="snv", deadline=dt.date(2021, 7, 14))
    Notification.objects.create(user=emails["snv"], kind="reminder_digest", day=MONDAY, subject="s", body="b")
    # When this worker runs, then it neither creates nor emails anything
    run = reminders_send(on=MONDAY)
    assert (run.digests_created, run.emails_sent, run.skipped_existing) == (0, 0, 1)
    assert (Notification.objects.count(), len(mail.outbox)) == (1, 0)


def test_nobody_is_reminded_when_nothing_is_due(emails, make_deliverable):
    make_deliverable(lead="snv", deadline=dt.date(2021, 9, 30))
    run = reminders_send(on=MONDAY, days_ahead=30)
    assert (run.digests_created, Notification.objects.count(), len(mail.outbox)) == (0, 0, 0)
    # A wider window reaches it
    assert reminders_send(on=MONDAY, days_ahead=80).digests_created == 1


def test_the_task_runs_the_job_with_json_arguments(emails, make_deliverable):
    make_deliverable(lead="snv", deadline=dt.date(2021, 7, 14))
    result = reminders_send_task.enqueue(on_iso="2021-07-12", days_ahead=3)
    assert result.return_value == {
        "on": "2021-07-12", "days_ahead": 3, "digests_created": 1, "emails_sent": 1, "emails_failed": 0,
        "skipped_existing": 0, "recipients": ["officer_snv"], "notifications_sent": 0,
    }
    assert len(mail.outbox) == 1


def test_command_prints_the_result_and_is_idempotent(emails, units, make_deliverable):
    User.objects.create_user("officer_snv2", role=Role.LEAD_OFFICER, unit=units["snv"])
    make_deliverable(lead="snv", deadline=dt.date(2021, 7, 14))
    make_deliverable(lead="stc", deadline=dt.date(2021, 7, 1))
    first, second = io.StringIO(), io.StringIO()
    call_command("reminders", "--date", "12/07/2021", stdout=first)
    call_command("reminders", "--date", "12/07/2021", stdout=second)
    assert first.getvalue().strip() == (
        "Nhắc việc ngày 12/07/2021: đã tạo 3 bản nhắc việc, gửi 2 thư; 0 người đã nhận trước đó.")
    assert second.getvalue().strip() == (
        "Nhắc việc ngày 12/07/2021: đã tạo 0 bản nhắc việc, gửi 0 thư; 3 người đã nhận trước đó.")
    assert (Notification.objects.count(), len(mail.outbox)) == (3, 2)


def test_command_days_option_narrows_the_window(emails, make_deliverable):
    make_deliverable(lead="snv", deadline=dt.date(2021, 7, 16))
    out = io.StringIO()
    call_command("reminders", "--date", "12/07/2021", "--days", "3", stdout=out)
    assert "đã tạo 0 bản nhắc việc" in out.getvalue()
    assert Notification.objects.count() == 0


def test_command_enqueue_runs_through_the_task_backend(emails, make_deliverable):
    make_deliverable(lead="snv", deadline=dt.date(2021, 7, 14))
    out = io.StringIO()
    call_command("reminders", "--date", "12/07/2021", "--enqueue", stdout=out)
    assert out.getvalue().startswith("Đã đưa việc nhắc việc ngày 12/07/2021 vào hàng đợi (mã ")
    # The tests' task backend runs at once
    assert Notification.objects.get().day == MONDAY
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("bad", ["2021/07/12", "31/02/2021", "hôm nay"])
def test_command_rejects_a_bad_date_and_writes_nothing(emails, make_deliverable, bad):
    make_deliverable(lead="snv", deadline=dt.date(2021, 7, 14), created=at(2021, 3, 30))
    with pytest.raises(CommandError) as exc:
        call_command("reminders", "--date", bad)
    assert str(exc.value) == f"Ngày “{bad}” không hợp lệ; hãy nhập theo dạng dd/mm/yyyy, ví dụ 05/07/2021."
    assert (Notification.objects.count(), len(mail.outbox)) == (0, 0)
