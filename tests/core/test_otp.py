"""Second factor (TOTP with recovery codes): enrolment, the code after the password, recovery codes, wrong codes
and the lockout, the roles that must enrol, and the administrator's reset (core.otp, core.signin)."""

import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import authenticate
from django.test import Client, RequestFactory
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from chidao.core.models import ChangeRecord, User
from chidao.core.otp import otp_reset, otp_verify, totp_enrol_confirm, totp_enrol_start
from chidao.core.signin import PENDING_KEY

LOGIN = "/dang-nhap/"
VERIFY = "/dang-nhap/xac-thuc/"
ENROL = "/tai-khoan/xac-thuc-hai-lop/"
WRONG_CODE = "Mã xác thực không đúng hoặc đã được dùng."


@pytest.fixture(autouse=True)
def _required_roles(settings):
    settings.CHIDAO_OTP_REQUIRED_ROLES = ["admin", "personnel"]
    settings.CHIDAO_PASSWORD_LOGIN = True


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """The app's code now (steps_ahead=1: the next 30-second step, which the device still accepts)."""
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=steps_ahead):06d}"


def next_code(device: TOTPDevice) -> str:
    """A code the device accepts now and has not seen: the first step after the last one used, inside the window
    the device allows around now (django-otp learns the app's clock drift at each verification)."""
    device.refresh_from_db()
    now = int((time.time() - device.t0) // device.step)
    step = max(now + device.drift, device.last_t + 1)
    return code_for(device, step - now)


def enrolled(user: User) -> tuple[TOTPDevice, list[str]]:
    device = totp_enrol_start(actor=user)
    return totp_enrol_confirm(actor=user, code=code_for(device))


def records(user: User, action: str) -> list[ChangeRecord]:
    return list(ChangeRecord.objects.filter(action=action, object_id=str(user.pk)).order_by("pk"))


def password_login(client: Client, user: User, password: str = "pw"):
    return client.post(LOGIN, {"username": user.username, "password": password})


# --- Enrolment --------------------------------------------------------------------------------------------


def test_enrolment_shows_a_qr_code_and_the_secret_then_confirms_and_shows_ten_recovery_codes_once(client, users):
    user = users["snv"]
    client.force_login(user)
    # Given the page before enrolment: a button, no device
    page = client.get(ENROL)
    assert page.status_code == 200
    assert 'data-testid="otp-start"' in page.content.decode()
    assert not TOTPDevice.objects.filter(user=user).exists()
    # When the user starts
    response = client.post(ENROL, {"action": "start"})
    # Then an unconfirmed device exists and the page shows its QR code (inline SVG) and its secret as text
    assert response.status_code == 302 and response["Location"] == ENROL
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    page = client.get(ENROL).content.decode()
    assert '<svg' in page and 'data-testid="otp-qr"' in page
    from chidao.core.otp import totp_secret
    assert totp_secret(device) in page
    assert [r.after for r in records(user, "otp_enrol_start")] == [{"device": "Ứng dụng xác thực"}]
    # When the user confirms with the app's code
    response = client.post(ENROL, {"action": "confirm", "code": code_for(device)})
    # Then the device is confirmed, ten recovery codes exist and are on this answer, and the session is verified
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed is True
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == 10
    body = response.content.decode()
    assert all(c in body for c in codes)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert [r.after for r in records(user, "otp_enrol")] == [{"device": "Ứng dụng xác thực", "recovery_codes": 10}]
    # And the codes are never shown again
    again = client.get(ENROL).content.decode()
    assert not any(c in again for c in codes)
    assert "Còn 10 mã dự phòng chưa dùng." in again


def test_a_wrong_code_at_enrolment_is_refused_and_nothing_is_confirmed(client, users):
    user = users["snv"]
    client.force_login(user)
    client.post(ENROL, {"action": "start"})
    device = TOTPDevice.objects.get(user=user)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"action": "confirm", "code": wrong})
    assert response.status_code == 422
    assert "Mã xác thực không đúng hoặc đã hết hạn." in response.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False
    assert not StaticDevice.objects.filter(user=user).exists()
    assert records(user, "otp_enrol") == []


def test_enrolling_again_while_enrolled_is_refused(users):
    user = users["snv"]
    enrolled(user)
    from chidao.core.errors import ValidationError
    with pytest.raises(ValidationError):
        totp_enrol_start(actor=user)
    assert TOTPDevice.objects.filter(user=user).count() == 1


# --- Sign-in with the code ----------------------------------------------------------------------------------


def test_password_then_code_logs_in_and_not_before(client, users):
    user = users["snv"]
    device, _codes = enrolled(user)
    # When the password is right
    response = password_login(client, user)
    # Then the code is asked and nobody is logged in yet
    assert response.status_code == 302 and response["Location"] == VERIFY
    assert "_auth_user_id" not in client.session
    assert client.get("/thong-bao/").status_code == 302
    page = client.get(VERIFY)
    assert page.status_code == 200 and 'name="code"' in page.content.decode()
    # When the app's code is entered (the next step: the one of enrolment is spent)
    response = client.post(VERIFY, {"code": next_code(device)})
    # Then the user is logged in, verified by the device, and sent on
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert PENDING_KEY not in client.session
    assert client.get("/thong-bao/").status_code == 200


def test_the_same_code_cannot_be_used_twice(users):
    user = users["snv"]
    device, _codes = enrolled(user)
    code = next_code(device)
    assert otp_verify(user=user, code=code) == device
    assert otp_verify(user=user, code=code) is None


def test_a_recovery_code_works_once(client, users):
    user = users["snv"]
    _device, codes = enrolled(user)
    # Given a recovery code, typed in capitals with a space
    code = codes[3]
    password_login(client, user)
    response = client.post(VERIFY, {"code": f"{code[:4].upper()} {code[4:].upper()}"})
    # Then it logs in, is spent, and its use is logged
    assert response.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    assert StaticToken.objects.filter(device__user=user).count() == 9
    assert not StaticToken.objects.filter(device__user=user, token=code).exists()
    assert [r.after for r in records(user, "otp_recovery_used")] == [{"recovery_left": 9}]
    # When it is used again
    client.logout()
    password_login(client, user)
    response = client.post(VERIFY, {"code": code})
    # Then it is refused and nothing changes
    assert response.status_code == 422
    assert WRONG_CODE in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert StaticToken.objects.filter(device__user=user).count() == 9
    assert len(records(user, "otp_recovery_used")) == 1


def test_a_wrong_code_is_refused_counts_toward_the_lockout_and_changes_nothing(client, users):
    user = users["snv"]
    device, _codes = enrolled(user)
    device.refresh_from_db()
    password_login(client, user)
    changes = ChangeRecord.objects.count()
    wrong = f"{(int(next_code(device)) + 500_000) % 1_000_000:06d}"
    # When a wrong code is entered
    response = client.post(VERIFY, {"code": wrong})
    # Then the page says so, nobody is logged in, nothing is written but the failure count
    assert response.status_code == 422
    assert WRONG_CODE in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert ChangeRecord.objects.count() == changes
    assert TOTPDevice.objects.get(pk=device.pk).confirmed is True
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == 1


def test_five_wrong_codes_lock_the_account_out_even_for_the_right_code(client, users, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # only the lockout counts here, not django-otp's own delay
    user = users["snv"]
    device, _codes = enrolled(user)
    password_login(client, user)
    wrong = f"{(int(next_code(device)) + 500_000) % 1_000_000:06d}"
    for _ in range(4):
        assert client.post(VERIFY, {"code": wrong}).status_code == 422
    # When the fifth wrong code comes
    response = client.post(VERIFY, {"code": wrong})
    # Then the lockout page shows, and the right password then the right code are refused too
    assert response.status_code == 429
    assert "Tài khoản tạm khóa" in response.content.decode()
    assert password_login(client, user).status_code == 429
    response = client.post(VERIFY, {"code": next_code(device)})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_the_pending_step_expires(client, users):
    user = users["snv"]
    device, _codes = enrolled(user)
    password_login(client, user)
    session = client.session
    session[PENDING_KEY] = {**session[PENDING_KEY], "at": time.time() - 301}
    session.save()
    response = client.post(VERIFY, {"code": next_code(device)})
    assert response.status_code == 302 and response["Location"] == LOGIN
    assert "_auth_user_id" not in client.session


def test_a_user_without_a_device_in_an_optional_role_logs_in_with_the_password_alone(client, users):
    user = users["snv"]
    response = password_login(client, user)
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert client.get("/thong-bao/").status_code == 200


# --- Roles that must enrol ----------------------------------------------------------------------------------


def test_a_required_role_without_a_device_reaches_only_enrolment_until_enrolled(client, users):
    admin = users["admin"]
    # When the administrator logs in with the password
    response = password_login(client, admin)
    # Then they are sent to enrolment and every other page and the API send them back there
    assert response.status_code == 302 and response["Location"] == ENROL
    assert client.get("/thong-bao/")["Location"] == ENROL
    assert client.get("/tai-khoan/ma-truy-cap/")["Location"] == ENROL
    assert client.get("/api/v1/me").status_code == 403
    htmx = client.get("/thong-bao/", headers={"HX-Request": "true"})
    assert (htmx.status_code, htmx["HX-Redirect"]) == (204, ENROL)
    page = client.get(ENROL)
    assert page.status_code == 200 and 'data-testid="otp-required"' in page.content.decode()
    # When they enrol
    client.post(ENROL, {"action": "start"})
    device = TOTPDevice.objects.get(user=admin)
    client.post(ENROL, {"action": "confirm", "code": code_for(device)})
    # Then everything opens
    assert client.get("/thong-bao/").status_code == 200
    assert client.get("/api/v1/me").status_code == 200


def test_a_superuser_counts_as_an_administrator(client, users):
    boss = User(username="sep", role="lead_officer", is_superuser=True)
    boss.set_password("pw")
    boss.save()
    assert password_login(client, boss)["Location"] == ENROL


def test_a_session_opened_otherwise_is_not_restricted(client, users):
    client.force_login(users["admin"])
    assert client.get("/thong-bao/").status_code == 200


# --- Administrator's reset ----------------------------------------------------------------------------------


def test_the_administrator_resets_a_users_second_factor_and_ends_their_sessions(client, users):
    user, admin = users["snv"], users["admin"]
    device, _codes = enrolled(user)
    theirs = Client()
    password_login(theirs, user)
    theirs.post(VERIFY, {"code": next_code(device)})
    assert theirs.get("/thong-bao/").status_code == 200
    epoch = user.session_epoch
    # When the administrator resets it
    client.force_login(admin)
    response = client.post(f"/quan-tri/nguoi-dung/{user.pk}/dat-lai-xac-thuc/")
    # Then the devices are gone, the epoch moved, the reset is logged and the user's session is over
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    user.refresh_from_db()
    assert user.session_epoch == epoch + 1
    [record] = records(user, "otp_reset")
    assert (record.actor, record.before, record.after) == (admin, {"devices": 2}, {"devices": 0})
    assert theirs.get("/thong-bao/").status_code == 302
    # And the next sign-in is the password alone (an optional role)
    assert password_login(theirs, user)["Location"] == "/"


def test_only_an_administrator_may_reset_and_a_refusal_changes_nothing(client, users):
    user = users["snv"]
    enrolled(user)
    epoch = User.objects.get(pk=user.pk).session_epoch
    for role in ("office", "auditor", "stc"):
        client.force_login(users[role])
        assert client.post(f"/quan-tri/nguoi-dung/{user.pk}/dat-lai-xac-thuc/").status_code == 403
        assert client.post(f"/api/v1/users/{user.pk}/otp-reset").status_code == 403
    assert TOTPDevice.objects.filter(user=user, confirmed=True).count() == 1
    assert StaticDevice.objects.filter(user=user).count() == 1
    assert User.objects.get(pk=user.pk).session_epoch == epoch
    assert records(user, "otp_reset") == []
    from chidao.core.errors import PermissionDenied
    with pytest.raises(PermissionDenied):
        otp_reset(actor=users["office"], user=user)


def test_the_api_resets_a_users_second_factor(client, users):
    user = users["snv"]
    enrolled(user)
    client.force_login(users["admin"])
    response = client.post(f"/api/v1/users/{user.pk}/otp-reset")
    assert response.status_code == 200
    assert response.json() == {"user_id": user.pk, "devices_removed": 2}
    assert len(records(user, "otp_reset")) == 1
    assert client.post("/api/v1/users/999999/otp-reset").status_code == 404


# --- Password login switched off ----------------------------------------------------------------------------


def test_with_password_login_off_the_form_is_hidden_and_passwords_are_refused(client, users, settings):
    settings.CHIDAO_PASSWORD_LOGIN = False
    user = users["snv"]
    page = client.get(LOGIN).content.decode()
    assert 'name="password"' not in page
    response = password_login(client, user)
    assert response.status_code == 403
    assert "Đăng nhập bằng mật khẩu đã tắt" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # And any other caller of the password backends is refused too
    assert authenticate(RequestFactory().post(LOGIN), username=user.username, password="pw") is None
