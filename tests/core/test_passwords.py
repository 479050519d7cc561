"""Passwords: change one's own, forgot password by an emailed link (once, in time, no hint, rate-limited), and the
first-login change forced by `must_change_password`."""

import re

import pytest
from django.core import mail
from django.core.cache import caches

from chidao.core.models import ChangeRecord, User
from chidao.core.tokens import api_token_create

pytestmark = pytest.mark.django_db

CHANGE = "/tai-khoan/mat-khau/"
FORGOT = "/mat-khau/quen/"
SENT = "/mat-khau/quen/da-gui/"
NEW = "Sông Hồng chảy 2025!"


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    settings.CHIDAO_SITE_URL = "https://chidao.example.gov.vn"
    caches["limits"].clear()
    yield
    caches["limits"].clear()


@pytest.fixture
def officer(users):
    user = users["snv"]
    user.email = "can.bo@snv.example.vn"
    user.full_name = "Nguyễn Văn An"
    user.save()
    return user


def _password_of(user: User) -> str:
    return User.objects.values_list("password", flat=True).get(pk=user.pk)


def _link(message) -> str:
    found = re.search(r"https://chidao\.example\.gov\.vn(/mat-khau/dat-lai/[^/\s]+/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


# --- Changing one's own ---------------------------------------------------------------------------------------


def test_a_user_changes_their_own_password_and_stays_signed_in(client, officer):
    # Given a signed-in officer
    client.force_login(officer)
    # When they give their old password and a good new one twice
    response = client.post(CHANGE, {"old_password": "pw", "new_password1": NEW, "new_password2": NEW})
    # Then the password is changed, they stay signed in, and the change log says so (never the password)
    assert (response.status_code, response["Location"]) == (302, "/")
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    assert client.get("/thong-bao/").status_code == 200
    record = ChangeRecord.objects.get(content_type__model="user", object_id=str(officer.pk))
    assert (record.actor_id, record.action, record.after) == (officer.pk, "update", {"password": "Tự đổi mật khẩu"})


def test_a_wrong_old_password_changes_nothing(client, officer):
    client.force_login(officer)
    before = _password_of(officer)
    response = client.post(CHANGE, {"old_password": "sai", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "old_password": ["Mật khẩu cũ không chính xác. Hãy nhập lại lần nữa"]}
    assert _password_of(officer) == before
    assert ChangeRecord.objects.count() == 0


def test_a_weak_new_password_is_refused_in_vietnamese(client, officer):
    client.force_login(officer)
    before = _password_of(officer)
    response = client.post(CHANGE, {"old_password": "pw", "new_password1": "12345", "new_password2": "12345"})
    assert response.context["form"].errors == {"new_password2": [
        "Mật khẩu quá ngắn: cần ít nhất 10 ký tự.", "Mật khẩu này quá phổ biến.",
        "Mật khẩu này hoàn toàn là số."]}
    assert _password_of(officer) == before


def test_the_change_page_needs_a_login(client):
    response = client.get(CHANGE)
    assert (response.status_code, response["Location"]) == (302, "/dang-nhap/?next=/tai-khoan/mat-khau/")


# --- Forgot password ----------------------------------------------------------------------------------------


def test_the_login_page_links_to_forgot_password(client):
    html = client.get("/dang-nhap/").content.decode()
    assert '<a href="/mat-khau/quen/" data-testid="forgot-password">Quên mật khẩu?</a>' in html


def test_the_reset_link_works_once(client, officer, settings):
    # Given an officer who forgot their password asks with their address (in other capitals), through a request
    # whose Host header someone forged (a server that accepts any host)
    settings.ALLOWED_HOSTS = ["*"]
    response = client.post(FORGOT, {"email": "Can.Bo@SNV.example.vn"}, HTTP_HOST="evil.example.com")
    assert (response.status_code, response["Location"]) == (302, SENT)
    # Then one Vietnamese mail is sent, its link on the configured site (never the request's host)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.to, message.subject) == (["can.bo@snv.example.vn"], "Đặt lại mật khẩu Chidao")
    assert "Kính gửi Nguyễn Văn An," in message.body
    assert "Tên đăng nhập của bạn: officer_snv" in message.body
    assert "Liên kết chỉ dùng được một lần và hết hạn sau 72 giờ." in message.body
    assert "evil.example.com" not in message.body
    link = _link(message)
    # When they open the link and set a new password
    opened = client.get(link)
    assert opened.status_code == 302  # to the form without the token in the address
    form_url = opened["Location"]
    assert client.get(form_url).context["validlink"] is True
    done = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    assert (done.status_code, done["Location"]) == (302, "/mat-khau/xong/")
    officer.refresh_from_db()
    assert officer.check_password(NEW)
    assert "Mật khẩu mới đã được lưu." in client.get("/mat-khau/xong/").content.decode()
    # And the same link a second time is refused, and changes nothing
    before = _password_of(officer)
    again = client.get(link)
    assert again.status_code == 200 and again.context["validlink"] is False
    assert "Liên kết đặt mật khẩu này đã hết hạn hoặc đã được dùng. Mật khẩu không thay đổi." in again.content.decode()
    assert client.post(link, {"new_password1": "Một mật khẩu khác 99", "new_password2": "Một mật khẩu khác 99"}
                       ).status_code == 200
    assert _password_of(officer) == before


def test_an_expired_link_is_refused(client, officer, settings):
    client.post(FORGOT, {"email": officer.email})
    link = _link(mail.outbox[0])
    before = _password_of(officer)
    # When the link is older than PASSWORD_RESET_TIMEOUT (here: made older than 0 seconds allow)
    settings.PASSWORD_RESET_TIMEOUT = -1
    response = client.get(link)
    # Then it is refused with a clear message and nothing changes
    assert response.status_code == 200 and response.context["validlink"] is False
    assert 'data-testid="invalid-link"' in response.content.decode()
    assert _password_of(officer) == before


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, officer):
    known = client.post(FORGOT, {"email": officer.email})
    unknown = client.post(FORGOT, {"email": "khong.co@example.vn"})
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == (302, SENT)
    assert [m.to for m in mail.outbox] == [[officer.email]]
    page = client.get(SENT).content.decode()
    assert "Nếu địa chỉ bạn nhập thuộc về một tài khoản đang hoạt động" in page


def test_the_request_only_enqueues_the_address_known_or_not(client, officer, settings):
    # Given the production queue (a worker sends the mail, not the request)
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # When a known and an unknown address are asked for
    client.post(FORGOT, {"email": officer.email})
    client.post(FORGOT, {"email": "khong.co@example.vn"})
    # Then nothing is mailed during the request, and each is queued the same way, with no secret in the queue
    assert mail.outbox == []
    assert [(r.task_path, r.args_kwargs) for r in DBTaskResult.objects.order_by("enqueued_at")] == [
        ("chidao.core.password_mail.password_reset_mail_task",
         {"args": [], "kwargs": {"email": officer.email, "language": "vi"}}),
        ("chidao.core.password_mail.password_reset_mail_task",
         {"args": [], "kwargs": {"email": "khong.co@example.vn", "language": "vi"}}),
    ]


def test_the_mail_follows_the_pages_language(client, officer, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the page's language is the one the user switched to
    client.post(FORGOT, {"email": officer.email})
    assert mail.outbox[0].subject == "Reset your Chidao password"
    assert "Dear Nguyễn Văn An," in mail.outbox[0].body


def test_an_inactive_user_gets_no_mail(client, officer):
    User.objects.filter(pk=officer.pk).update(is_active=False)
    assert client.post(FORGOT, {"email": officer.email})["Location"] == SENT
    assert mail.outbox == []


def test_a_new_user_without_a_password_yet_gets_a_link(client, officer):
    officer.set_unusable_password()
    officer.save()
    client.post(FORGOT, {"email": officer.email})
    assert len(mail.outbox) == 1


def test_five_requests_an_hour_per_address_then_nothing_is_sent(client, officer):
    # Given five requests for the officer's address from five different clients
    for n in range(5):
        r = client.post(FORGOT, {"email": officer.email}, REMOTE_ADDR=f"10.0.0.{n + 1}")
        assert r["Location"] == SENT
    assert len(mail.outbox) == 5
    # When a sixth comes, from yet another client
    sixth = client.post(FORGOT, {"email": officer.email}, REMOTE_ADDR="10.0.0.99")
    # Then the answer is the same, and nothing is sent
    assert (sixth.status_code, sixth["Location"]) == (302, SENT)
    assert len(mail.outbox) == 5


def test_five_requests_an_hour_per_client_then_nothing_is_sent(client, officer):
    for n in range(5):
        client.post(FORGOT, {"email": f"ai.do.{n}@example.vn"}, REMOTE_ADDR="10.0.0.7")
    # The sixth from the same client, for a real address: the same answer, nothing sent
    sixth = client.post(FORGOT, {"email": officer.email}, REMOTE_ADDR="10.0.0.7")
    assert sixth["Location"] == SENT
    assert mail.outbox == []
    # Another client is not held back
    client.post(FORGOT, {"email": officer.email}, REMOTE_ADDR="10.0.0.8")
    assert len(mail.outbox) == 1


def test_with_password_login_off_the_reset_pages_are_404(client, officer, settings):
    settings.CHIDAO_PASSWORD_LOGIN = False
    for url in (FORGOT, SENT, "/mat-khau/dat-lai/MQ/abc/", "/mat-khau/xong/"):
        assert client.get(url).status_code == 404, url
    assert client.post(FORGOT, {"email": officer.email}).status_code == 404
    assert mail.outbox == []


# --- First login: a temporary password must be changed ------------------------------------------------------------


def test_a_temporary_password_must_be_changed_first(client, officer):
    # Given an officer whose password was set by an administrator
    User.objects.filter(pk=officer.pk).update(must_change_password=True)
    client.force_login(officer)
    # Then every page sends them to the change page, but that page, signing out and static files stay open
    response = client.get("/thong-bao/")
    assert (response.status_code, response["Location"]) == (302, CHANGE)
    assert client.get("/tai-khoan/ma-truy-cap/")["Location"] == CHANGE
    page = client.get(CHANGE)
    assert page.status_code == 200
    assert "Bạn cần đổi mật khẩu tạm thời trước khi dùng hệ thống." in page.content.decode()
    assert client.get("/static/chidao/app.css").status_code in (200, 404)  # never redirected
    # htmx is told where to go
    assert client.get("/thong-bao/", HTTP_HX_REQUEST="true")["HX-Redirect"] == CHANGE
    # The API with the session: 403 and a message
    api = client.get("/api/v1/me")
    assert (api.status_code, api.json()) == (403, {"detail": "Bạn cần đổi mật khẩu tạm thời trước khi dùng hệ thống."})
    # When they change it
    client.post(CHANGE, {"old_password": "pw", "new_password1": NEW, "new_password2": NEW})
    # Then the flag is cleared and the pages open again
    officer.refresh_from_db()
    assert officer.must_change_password is False
    assert client.get("/thong-bao/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_a_token_is_not_held_back_by_a_temporary_password(client, officer):
    _token, raw = api_token_create(user=officer, name="Báo cáo", scope="read")
    User.objects.filter(pk=officer.pk).update(must_change_password=True)
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert (response.status_code, response.json()["username"]) == (200, "officer_snv")


def test_signing_out_stays_open(client, officer):
    User.objects.filter(pk=officer.pk).update(must_change_password=True)
    client.force_login(officer)
    response = client.post("/dang-xuat/")
    assert (response.status_code, response["Location"]) == (302, "/dang-nhap/")


def test_a_reset_link_clears_the_temporary_password_flag(client, officer):
    User.objects.filter(pk=officer.pk).update(must_change_password=True)
    client.post(FORGOT, {"email": officer.email})
    form_url = client.get(_link(mail.outbox[0]))["Location"]
    client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
    officer.refresh_from_db()
    assert (officer.must_change_password, officer.check_password(NEW)) == (False, True)
