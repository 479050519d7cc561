"""Account administration services (chidao.core.accounts): creation with its onboarding, every validation, the
role/unit-kind rule, changes, deactivation (sessions and tokens end), reactivation, extra grants, the last
administrator guard, password resets by an administrator, the list, and the Excel import."""

import datetime as dt
import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode

from chidao.core import accounts
from chidao.core.accounts import role_fits_unit
from chidao.core.accounts_import import users_import, users_import_template
from chidao.core.accounts_selectors import UserFilters, user_get, user_list
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import ApiToken, ChangeRecord, Role, RoleGrant, Unit, UnitKind, UnitLevel, User
from chidao.core.tokens import api_token_create
from tests.core.accounts_fixtures import users_workbook

pytestmark = pytest.mark.django_db
LINK = re.compile(r"https://chidao\.example\.vn/mat-khau/dat-lai/(?P<uid>[^/]+)/(?P<token>[^/]+)/")


def _state() -> tuple[object, ...]:
    return (sorted(User.objects.values_list("username", "email", "role", "unit_id", "is_active", "password",
                                            "session_epoch")),
            sorted(RoleGrant.objects.values_list("user_id", "role", "unit_id")),
            sorted(ApiToken.objects.values_list("pk", "revoked_at")), ChangeRecord.objects.count())


def _messages(exc: pytest.ExceptionInfo) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- The rule: which role fits which kind of unit ------------------------------------------------------------


@pytest.mark.parametrize(("role", "kind", "fits"), [
    (Role.REFORM, UnitKind.PEOPLES_COMMITTEE, True),
    (Role.REFORM, UnitKind.DEPARTMENT, True),
    (Role.REFORM, UnitKind.PARTY_COMMITTEE, False),
    (Role.REFORM, UnitKind.COMMUNE, False),
    (Role.REFORM, None, False),
    (Role.PERSONNEL, UnitKind.PARTY_BODY, True),
    (Role.PERSONNEL, UnitKind.COMMUNE, True),
    (Role.PERSONNEL, UnitKind.DISTRICT, True),
    (Role.PERSONNEL, UnitKind.LOCALITY, True),
    (Role.PERSONNEL, UnitKind.SCHOOL, False),
    (Role.PERSONNEL, UnitKind.PEOPLES_COUNCIL, False),
    (Role.LEAD_OFFICER, UnitKind.SCHOOL, True),
    (Role.LEAD_OFFICER, UnitKind.PARTY_CELL, True),
    (Role.LEAD_OFFICER, UnitKind.LOCALITY, False),
    (Role.LEAD_OFFICER, None, False),
    (Role.STEERING, UnitKind.PARTY_COMMITTEE, True),
    (Role.STEERING, UnitKind.DEPARTMENT, False),
    (Role.STEERING, None, True),
    (Role.OFFICE, UnitKind.PARTY_BODY, True),
    (Role.OFFICE, UnitKind.COMMUNE, False),
    (Role.AUDITOR, UnitKind.PEOPLES_COUNCIL, True),
    (Role.AUDITOR, UnitKind.MASS_ORGANIZATION, False),
    (Role.ADMIN, None, True),
    (Role.ADMIN, UnitKind.DEPARTMENT, True),
    (Role.ADMIN, UnitKind.SCHOOL, False),
    ("nobody", UnitKind.DEPARTMENT, False),
])
def test_role_fits_unit(role, kind, fits):
    assert role_fits_unit(role, kind) is fits


def test_every_role_has_its_row_in_the_table():
    assert set(accounts.ROLE_UNIT_KINDS) == set(Role.values)


# --- Creation and onboarding ---------------------------------------------------------------------------------


def test_create_with_an_email_sends_a_one_time_link(users, units, password_urls):
    # When the administrator creates an account with an e-mail address
    onboarding = accounts.user_create(actor=users["admin"], username="  nguyenvana ", full_name=" Nguyễn  Văn An ",
                                      email="an.nv@hanoi.gov.vn", phone="0912 345 678", role=Role.LEAD_OFFICER,
                                      unit=units["snv"])
    # Then the account exists, without a usable password, and the link went by e-mail, in Vietnamese
    user = User.objects.get(username="nguyenvana")
    assert (user.full_name, user.email, user.phone, user.role, user.unit, user.is_active) == (
        "Nguyễn Văn An", "an.nv@hanoi.gov.vn", "0912 345 678", Role.LEAD_OFFICER, units["snv"], True)
    assert not user.has_usable_password() and not user.must_change_password
    assert (onboarding.user, onboarding.temporary_password, onboarding.link_sent_to) == (
        user, None, "an.nv@hanoi.gov.vn")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.subject, message.to) == ("Tài khoản Chidao của bạn", ["an.nv@hanoi.gov.vn"])
    assert "Kính gửi Nguyễn Văn An," in message.body and "Tên đăng nhập: nguyenvana" in message.body
    found = LINK.search(message.body)
    assert found is not None
    assert force_str(urlsafe_base64_decode(found["uid"])) == str(user.pk)
    assert default_token_generator.check_token(user, found["token"])
    # The link works once: after the password is set it no longer does
    user.set_password("Mat-khau-moi-2026")
    user.save()
    assert not default_token_generator.check_token(user, found["token"])
    # And one change record, without any password
    record = ChangeRecord.objects.get(content_type__model="user", object_id=str(user.pk))
    assert (record.action, record.actor) == ("create", users["admin"])
    assert record.after == {"username": "nguyenvana", "full_name": "Nguyễn Văn An", "email": "an.nv@hanoi.gov.vn",
                            "phone": "0912 345 678", "role": "lead_officer", "unit": "Sở Nội vụ",
                            "is_active": True, "must_change_password": False}


def test_create_without_an_email_gives_a_temporary_password_once(users, units):
    onboarding = accounts.user_create(actor=users["admin"], username="tranthib", full_name="Trần Thị Bình",
                                      role=Role.PERSONNEL, unit=units["stc"])
    user = User.objects.get(username="tranthib")
    password = onboarding.temporary_password
    assert password is not None and len(password) == 14 and password.isalnum()
    assert user.check_password(password) and user.must_change_password
    assert mail.outbox == [] and onboarding.link_sent_to is None
    # Never stored in clear, never logged
    assert password not in user.password
    for record in ChangeRecord.objects.all():
        assert password not in str(record.before) + str(record.after) + record.reason
        assert user.password not in str(record.after)


def test_a_mail_that_fails_falls_back_to_a_temporary_password(users, units, password_urls, monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(accounts, "send_mail", refuse)
    onboarding = accounts.user_create(actor=users["admin"], username="lethic", email="c@hanoi.gov.vn",
                                      role=Role.LEAD_OFFICER, unit=units["snv"])
    assert onboarding.mail_failed and onboarding.link_sent_to is None
    assert onboarding.user.check_password(onboarding.temporary_password)
    assert User.objects.get(username="lethic").must_change_password


@pytest.mark.parametrize(("values", "errors"), [
    ({"username": "  "}, {"username": ["Cần nhập tên đăng nhập."]}),
    ({"username": "nguyen van a"},
     {"username": ["Tên đăng nhập chỉ gồm chữ cái, chữ số và các dấu . _ - (không có dấu cách)."]}),
    ({"username": "an@hn"},
     {"username": ["Tên đăng nhập chỉ gồm chữ cái, chữ số và các dấu . _ - (không có dấu cách)."]}),
    ({"username": "x" * 151}, {"username": ["Tên đăng nhập tối đa 150 ký tự."]}),
    ({"username": "OFFICER_SNV"},
     {"username": ["Tên đăng nhập “OFFICER_SNV” trùng với tài khoản “officer_snv” (không phân biệt hoa thường, "
                   "dấu)."]}),
    ({"username": "dũng"},
     {"username": ["Tên đăng nhập “dũng” trùng với tài khoản “Dung” (không phân biệt hoa thường, dấu)."]}),
    ({"email": "khong-phai-thu"}, {"email": ["Địa chỉ thư điện tử “khong-phai-thu” không hợp lệ."]}),
    ({"email": "DUNG@Hanoi.gov.vn"},
     {"email": ["Địa chỉ thư điện tử “DUNG@Hanoi.gov.vn” đã dùng cho tài khoản “Dung”."]}),
    ({"email": "dung@hànội.gov.vn"},
     {"email": ["Địa chỉ thư điện tử “dung@hànội.gov.vn” đã dùng cho tài khoản “Dung”."]}),
    ({"phone": "gọi tôi"},
     {"phone": ["Số điện thoại chỉ gồm chữ số (có thể có dấu +, dấu cách, dấu chấm, gạch ngang), 6-32 ký tự."]}),
    ({"full_name": "A" * 151}, {"full_name": ["Họ và tên tối đa 150 ký tự."]}),
    ({"role": "boss"}, {"role": ["Vai trò “boss” không hợp lệ; chọn một trong: Quản trị hệ thống, Thành viên Ban "
                                 "Chỉ đạo, Cơ quan thường trực, Cán bộ đơn vị chủ trì, Cán bộ tổ chức, Cơ quan cải "
                                 "cách hành chính, Kiểm tra, giám sát."]}),
    ({"role": Role.REFORM, "unit": "tu"},
     {"role": ["Vai trò “Cơ quan cải cách hành chính” không phù hợp với loại đơn vị “Cấp ủy đảng” (Thành ủy Hà "
               "Nội)."]}),
    ({"role": Role.LEAD_OFFICER, "unit": "city"},
     {"role": ["Vai trò “Cán bộ đơn vị chủ trì” không phù hợp với loại đơn vị “Tỉnh, thành phố” (Thành phố Hà "
               "Nội)."]}),
    ({"unit": None}, {"unit": ["Vai trò “Cán bộ đơn vị chủ trì” phải gắn với một đơn vị."]}),
    ({"unit": "old"}, {"unit": ["Đơn vị “Sở Bưu chính, Viễn thông” không còn hiệu lực."]}),
])
def test_every_invalid_account_is_refused_and_nothing_changes(users, units, values, errors):
    # Given an account "Dung" with an e-mail address, and a unit no longer in force
    User.objects.create(username="Dung", email="dung@hanoi.gov.vn", role=Role.LEAD_OFFICER, unit=units["snv"])
    old = Unit.objects.create(code="SBCVT", name="Sở Bưu chính, Viễn thông", kind=UnitKind.DEPARTMENT,
                              level=UnitLevel.PROVINCE, valid_to=dt.date(2008, 3, 31))
    unit_of = {**units, "old": old, None: None}
    data = {"username": "moi", "full_name": "Người Mới", "email": "", "phone": "", "role": Role.LEAD_OFFICER,
            "unit": units["snv"]}
    data.update({k: unit_of[v] if k == "unit" else v for k, v in values.items()})
    before = _state()
    # When the administrator creates it
    with pytest.raises(ValidationError) as exc:
        accounts.user_create(actor=users["admin"], **data)
    # Then it is refused with the message, and nothing changed (no mail either)
    assert _messages(exc) == errors
    assert _state() == before and mail.outbox == []


def test_only_administrators_create_accounts(users, units):
    before = _state()
    for key in ("office", "steering", "auditor", "snv"):
        with pytest.raises(PermissionDenied):
            accounts.user_create(actor=users[key], username="x", role=Role.LEAD_OFFICER, unit=units["snv"])
    assert _state() == before


def test_a_superuser_is_an_administrator(users, units):
    root = User.objects.create(username="root", is_superuser=True, role=Role.LEAD_OFFICER, unit=units["snv"])
    onboarding = accounts.user_create(actor=root, username="x", role=Role.AUDITOR)
    assert onboarding.user.role == Role.AUDITOR and onboarding.user.unit is None


# --- Changes and the last administrator ---------------------------------------------------------------------


def test_update_changes_the_fields_and_records_them(users, units):
    user = users["snv"]
    accounts.user_update(actor=users["admin"], user=user, full_name="Phạm Văn Đức", phone="024.3826.1234",
                         role=Role.PERSONNEL, unit=units["stc"], reason="Điều động")
    user.refresh_from_db()
    assert (user.full_name, user.phone, user.role, user.unit) == (
        "Phạm Văn Đức", "024.3826.1234", Role.PERSONNEL, units["stc"])
    record = ChangeRecord.objects.get(content_type__model="user", action="update")
    assert record.reason == "Điều động"
    assert sorted(record.changed_fields()) == [("full_name", "officer_snv", "Phạm Văn Đức"),
                                       ("phone", "", "024.3826.1234"), ("role", "lead_officer", "personnel"),
                                       ("unit", "Sở Nội vụ", "Sở Tài chính")]


def test_update_keeps_its_own_email_and_refuses_another(users, units):
    users["snv"].email, users["stc"].email = "snv@hanoi.gov.vn", "stc@hanoi.gov.vn"
    users["snv"].save()
    users["stc"].save()
    accounts.user_update(actor=users["admin"], user=users["snv"], email="SNV@hanoi.gov.vn")
    before = _state()
    with pytest.raises(ValidationError) as exc:
        accounts.user_update(actor=users["admin"], user=users["snv"], email="stc@hanoi.gov.vn")
    assert _messages(exc) == {"email": ["Địa chỉ thư điện tử “stc@hanoi.gov.vn” đã dùng cho tài khoản "
                                        "“officer_stc”."]}
    assert _state() == before


def test_update_refuses_unknown_fields(users):
    with pytest.raises(ValidationError) as exc:
        accounts.user_update(actor=users["admin"], user=users["snv"], username="moi", password="x")
    assert _messages(exc) == {"__all__": ["Không sửa được: password, username."]}


LAST = ["Đây là tài khoản quản trị hệ thống cuối cùng còn hoạt động; hãy giao quyền quản trị cho người khác trước."]


def test_the_last_administrator_cannot_demote_or_stop_themselves(users, units):
    admin = users["admin"]
    before = _state()
    with pytest.raises(ValidationError) as exc:
        accounts.user_update(actor=admin, user=admin, role=Role.AUDITOR)
    assert _messages(exc) == {"role": LAST}
    with pytest.raises(ValidationError) as exc:
        accounts.user_deactivate(actor=admin, user=admin)
    assert _messages(exc) == {"__all__": LAST}
    assert _state() == before
    assert User.objects.get(pk=admin.pk).role == Role.ADMIN


def test_with_a_second_administrator_the_first_may_step_down(users, units):
    admin = users["admin"]
    other = accounts.user_create(actor=admin, username="qt2", role=Role.ADMIN).user
    accounts.user_update(actor=admin, user=admin, role=Role.AUDITOR)
    assert User.objects.get(pk=admin.pk).role == Role.AUDITOR
    # And now `other` is the last one
    with pytest.raises(ValidationError):
        accounts.user_deactivate(actor=other, user=other)


def test_an_inactive_administrator_does_not_count(users):
    admin = users["admin"]
    User.objects.create(username="qt_cu", role=Role.ADMIN, is_active=False)
    with pytest.raises(ValidationError) as exc:
        accounts.user_deactivate(actor=admin, user=admin)
    assert _messages(exc) == {"__all__": LAST}


def test_the_last_administrators_admin_grant_cannot_be_removed(users, units):
    # Given a lead officer who is an administrator only through an extra grant, and the only active one
    admin = users["admin"]
    x = users["snv"]
    grant = accounts.role_grant_add(actor=admin, user=x, role=Role.ADMIN)
    accounts.user_deactivate(actor=x, user=admin)
    before = _state()
    # When they take their own administrator grant away
    with pytest.raises(ValidationError) as exc:
        accounts.role_grant_remove(actor=x, grant=grant)
    # Then it is refused and the grant stays
    assert _messages(exc) == {"__all__": LAST}
    assert _state() == before


# --- Deactivation and reactivation ---------------------------------------------------------------------------


def test_deactivation_ends_sessions_and_tokens_and_keeps_records(client, users, units, program):
    officer = users["snv"]
    _token, raw = api_token_create(user=officer, name="đồng bộ", scope="write")
    api_token_create(user=officer, name="cũ", scope="read")
    client.force_login(officer)
    assert client.get("/thong-bao/").status_code == 200
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    written = ChangeRecord.objects.filter(actor=officer).count()
    # When the administrator stops the account
    accounts.user_deactivate(actor=users["admin"], user=officer, reason="Nghỉ hưu")
    # Then it is inactive, its epoch moved, every token is revoked
    officer.refresh_from_db()
    assert (officer.is_active, officer.session_epoch) == (False, 1)
    assert ApiToken.objects.filter(user=officer, revoked_at__isnull=True).count() == 0
    assert ApiToken.objects.filter(user=officer).count() == 2  # the rows stay for the record
    # The signed-in browser is sent to the login page, the token is refused
    response = client.get("/thong-bao/")
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    # What the account wrote stays; the stop is recorded with its reason
    assert ChangeRecord.objects.filter(actor=officer).count() == written
    record = ChangeRecord.objects.filter(content_type__model="user", object_id=str(officer.pk)).latest("id")
    assert (record.before, record.after, record.reason) == (
        {"is_active": True}, {"is_active": False, "tokens_revoked": 2}, "Nghỉ hưu")


def test_the_session_epoch_alone_ends_a_session(client, users):
    # The hash of the session moves with the epoch (deactivation bumps it even if the account came back at once)
    client.force_login(users["snv"])
    accounts.user_deactivate(actor=users["admin"], user=users["snv"])
    accounts.user_reactivate(actor=users["admin"], user=users["snv"])
    assert client.get("/thong-bao/").status_code == 302


def test_reactivation_lets_the_user_in_and_keeps_old_tokens_revoked(client, users):
    officer = users["snv"]
    _token, raw = api_token_create(user=officer, name="đồng bộ", scope="read")
    accounts.user_deactivate(actor=users["admin"], user=officer)
    accounts.user_reactivate(actor=users["admin"], user=officer)
    officer.refresh_from_db()
    assert officer.is_active
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    response = client.post("/dang-nhap/", {"username": "officer_snv", "password": "pw"})
    assert response.status_code == 302 and client.get("/thong-bao/").status_code == 200


def test_deactivating_twice_or_reactivating_an_active_account_is_refused(users):
    accounts.user_deactivate(actor=users["admin"], user=users["snv"])
    before = _state()
    with pytest.raises(ValidationError) as exc:
        accounts.user_deactivate(actor=users["admin"], user=users["snv"])
    assert _messages(exc) == {"__all__": ["Tài khoản “officer_snv” đã ngừng sử dụng."]}
    with pytest.raises(ValidationError) as exc:
        accounts.user_reactivate(actor=users["admin"], user=users["stc"])
    assert _messages(exc) == {"__all__": ["Tài khoản “officer_stc” đang hoạt động."]}
    assert _state() == before


def test_only_administrators_stop_accounts(users):
    before = _state()
    with pytest.raises(PermissionDenied):
        accounts.user_deactivate(actor=users["office"], user=users["snv"])
    assert _state() == before


# --- Extra grants ----------------------------------------------------------------------------------------------


def test_grant_add_and_remove(users, units):
    officer = users["snv"]
    grant = accounts.role_grant_add(actor=users["admin"], user=officer, role=Role.PERSONNEL, unit=units["stc"])
    assert officer.grants() == [(Role.LEAD_OFFICER, units["snv"].pk), (Role.PERSONNEL, units["stc"].pk)]
    record = ChangeRecord.objects.get(content_type__model="rolegrant", action="create")
    assert record.after == {"user": "officer_snv", "role": "personnel", "unit": "Sở Tài chính"}
    accounts.role_grant_remove(actor=users["admin"], grant=grant)
    assert not RoleGrant.objects.exists()
    assert ChangeRecord.objects.get(content_type__model="rolegrant", action="delete").before == record.after


@pytest.mark.parametrize(("role", "unit", "errors"), [
    (Role.LEAD_OFFICER, "snv", {"role": ["Tài khoản đã có vai trò này tại đơn vị này."]}),
    (Role.PERSONNEL, "stc", {"role": ["Tài khoản đã có vai trò này tại đơn vị này."]}),
    (Role.REFORM, "btc", {"role": ["Vai trò “Cơ quan cải cách hành chính” không phù hợp với loại đơn vị “Ban, cơ "
                                   "quan tham mưu của cấp ủy” (Ban Tổ chức Thành ủy)."]}),
    (Role.PERSONNEL, None, {"unit": ["Vai trò “Cán bộ tổ chức” phải gắn với một đơn vị."]}),
    ("x", "stc", {"role": ["Vai trò “x” không hợp lệ; chọn một trong: Quản trị hệ thống, Thành viên Ban Chỉ đạo, "
                           "Cơ quan thường trực, Cán bộ đơn vị chủ trì, Cán bộ tổ chức, Cơ quan cải cách hành "
                           "chính, Kiểm tra, giám sát."]}),
])
def test_a_wrong_grant_is_refused(users, units, role, unit, errors):
    accounts.role_grant_add(actor=users["admin"], user=users["snv"], role=Role.PERSONNEL, unit=units["stc"])
    before = _state()
    with pytest.raises(ValidationError) as exc:
        accounts.role_grant_add(actor=users["admin"], user=users["snv"], role=role,
                                unit=units[unit] if unit else None)
    assert _messages(exc) == errors
    assert _state() == before


def test_only_administrators_grant_roles(users, units):
    before = _state()
    with pytest.raises(PermissionDenied):
        accounts.role_grant_add(actor=users["snv"], user=users["snv"], role=Role.ADMIN)
    assert _state() == before


# --- Password resets by an administrator -----------------------------------------------------------------------


def test_reset_sends_a_new_link_and_keeps_the_password(users, password_urls):
    officer = users["snv"]
    officer.email = "snv@hanoi.gov.vn"
    officer.save()
    onboarding = accounts.user_password_reset_by_admin(actor=users["admin"], user=officer)
    assert (onboarding.link_sent_to, onboarding.temporary_password) == ("snv@hanoi.gov.vn", None)
    assert mail.outbox[0].subject == "Đặt lại mật khẩu Chidao"
    officer.refresh_from_db()
    assert officer.check_password("pw")
    assert LINK.search(mail.outbox[0].body)


def test_reset_to_a_temporary_password_ends_the_old_one(client, users):
    officer = users["snv"]
    client.force_login(officer)
    onboarding = accounts.user_password_reset_by_admin(actor=users["admin"], user=officer, temporary=True)
    officer.refresh_from_db()
    assert officer.check_password(onboarding.temporary_password) and not officer.check_password("pw")
    assert officer.must_change_password
    assert client.get("/thong-bao/").status_code == 302  # the old session ended with the old password
    record = ChangeRecord.objects.get(content_type__model="user")
    assert (record.after, record.reason) == ({"must_change_password": True}, "Cấp mật khẩu tạm thời")
    assert onboarding.temporary_password not in str(record.after)


def test_reset_of_a_stopped_account_is_refused(users):
    accounts.user_deactivate(actor=users["admin"], user=users["snv"])
    before = _state()
    with pytest.raises(ValidationError):
        accounts.user_password_reset_by_admin(actor=users["admin"], user=users["snv"], temporary=True)
    with pytest.raises(PermissionDenied):
        accounts.user_password_reset_by_admin(actor=users["office"], user=users["stc"], temporary=True)
    assert _state() == before


# --- The list --------------------------------------------------------------------------------------------------


def test_list_sorts_by_given_name_and_filters(users, units):
    admin = users["admin"]
    for username, name, email in [("a1", "Nguyễn Văn Bình", "binh@x.vn"), ("a2", "Trần Thị An", ""),
                                  ("a3", "Lê Văn Ánh", "anh@x.vn")]:
        accounts.user_create(actor=admin, username=username, full_name=name, email="", role=Role.LEAD_OFFICER,
                             unit=units["stc"])
        User.objects.filter(username=username).update(email=email)
    names = [u.full_name for u in user_list(actor=admin, filters=UserFilters(unit=units["stc"].pk))]
    assert names == ["Trần Thị An", "Lê Văn Ánh", "Nguyễn Văn Bình", "officer_stc"]
    assert [u.username for u in user_list(actor=admin, filters=UserFilters(q="anh"))] == ["a3"]
    assert [u.username for u in user_list(actor=admin, filters=UserFilters(q="BINH x.vn"))] == ["a1"]
    accounts.role_grant_add(actor=admin, user=users["snv"], role=Role.PERSONNEL, unit=units["stc"])
    assert [u.username for u in user_list(actor=admin, filters=UserFilters(role=Role.PERSONNEL))] == [
        "officer_snv"]
    accounts.user_deactivate(actor=admin, user=users["stp"])
    assert [u.username for u in user_list(actor=admin, filters=UserFilters(active=False))] == ["officer_stp"]
    assert len(user_list(actor=admin, filters=UserFilters(active=True))) == User.objects.count() - 1


def test_only_administrators_read_accounts(users):
    for key in ("office", "auditor", "snv"):
        with pytest.raises(PermissionDenied):
            user_list(actor=users[key], filters=UserFilters())
        with pytest.raises(PermissionDenied):
            user_get(actor=users[key], pk=users["snv"].pk)


# --- The import --------------------------------------------------------------------------------------------------


def test_import_creates_every_account_with_one_record_and_onboards_after_the_commit(users, units, password_urls):
    file = users_workbook([
        ["nguyenvana", "Nguyễn Văn A", "a@hanoi.gov.vn", "0912345678", "Cán bộ đơn vị chủ trì", "SNV"],
        ["tranthib", "Trần Thị B", "", "", "personnel", "Sở Tài chính"],
        ["levanc", "Lê Văn C", "", "", "Kiểm tra, giám sát", ""],
    ])
    result = users_import(actor=users["admin"], file=file)
    assert result.ok and result.counts == {"created": 3}
    created = {u.username: u for u in User.objects.filter(username__in=["nguyenvana", "tranthib", "levanc"])}
    assert (created["nguyenvana"].role, created["nguyenvana"].unit, created["nguyenvana"].phone) == (
        Role.LEAD_OFFICER, units["snv"], "0912345678")
    assert (created["tranthib"].role, created["tranthib"].unit) == (Role.PERSONNEL, units["stc"])
    assert (created["levanc"].role, created["levanc"].unit) == (Role.AUDITOR, None)
    # One change record for the whole import
    record = ChangeRecord.objects.get()
    assert (record.action, record.after) == ("import", {"created": 3,
                                                        "usernames": ["nguyenvana", "tranthib", "levanc"]})
    # The link went to the one with an address; the others have a temporary password, shown once
    assert [m.to for m in mail.outbox] == [["a@hanoi.gov.vn"]]
    shown = {o.user.username: (o.temporary_password, o.link_sent_to) for o in result.onboarding}
    assert shown["nguyenvana"] == (None, "a@hanoi.gov.vn")
    for name in ("tranthib", "levanc"):
        assert created[name].check_password(shown[name][0]) and created[name].must_change_password
        assert shown[name][0] not in str(record.after)


def test_import_is_all_or_nothing_and_finds_duplicates_ignoring_case_and_diacritics(users, units):
    User.objects.create(username="Dung", email="dung@hanoi.gov.vn", role=Role.LEAD_OFFICER, unit=units["snv"])
    file = users_workbook([
        ["nguyenvana", "Nguyễn Văn A", "", "", "Cán bộ đơn vị chủ trì", "SNV"],  # valid
        ["dũng", "Phạm Dũng", "", "", "Cán bộ đơn vị chủ trì", "SNV"],  # same as "Dung"
        ["NguyenVanA", "Nguyễn Văn A", "", "", "Cán bộ đơn vị chủ trì", "SNV"],  # same as row 2
        ["moi", "", "DUNG@hanoi.gov.vn", "", "Cán bộ đơn vị chủ trì", "SNV"],
        ["cchc", "", "", "", "Cơ quan cải cách hành chính", "TU"],
        ["khong", "", "", "", "Giám đốc", "XYZ"],
        ["", "Không tên", "", "", "", ""],
    ])
    before = _state()
    result = users_import(actor=users["admin"], file=file)
    assert not result.ok and result.counts == {"created": 0} and result.onboarding == []
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (3, "Tên đăng nhập", "Tên đăng nhập “dũng” trùng với tài khoản “Dung” (không phân biệt hoa thường, dấu)."),
        (4, "Tên đăng nhập", "Tên đăng nhập “NguyenVanA” trùng với dòng 2."),
        (5, "Thư điện tử", "Địa chỉ thư điện tử “DUNG@hanoi.gov.vn” đã dùng cho tài khoản “Dung”."),
        (6, "Vai trò", "Vai trò “Cơ quan cải cách hành chính” không phù hợp với loại đơn vị “Cấp ủy đảng” (Thành ủy "
                       "Hà Nội)."),
        (7, "Vai trò", "Vai trò “Giám đốc” không hợp lệ; chọn một trong: Quản trị hệ thống, Thành viên Ban Chỉ đạo, "
                       "Cơ quan thường trực, Cán bộ đơn vị chủ trì, Cán bộ tổ chức, Cơ quan cải cách hành chính, "
                       "Kiểm tra, giám sát."),
        (7, "Đơn vị", "Không tìm thấy đơn vị “XYZ”."),
        (8, "Tên đăng nhập", "Thiếu tên đăng nhập."),
        (8, "Vai trò", "Vai trò “” không hợp lệ; chọn một trong: Quản trị hệ thống, Thành viên Ban Chỉ đạo, Cơ "
                       "quan thường trực, Cán bộ đơn vị chủ trì, Cán bộ tổ chức, Cơ quan cải cách hành chính, Kiểm "
                       "tra, giám sát."),
    ]
    assert _state() == before and mail.outbox == []


def test_import_dry_run_writes_and_sends_nothing(users, units):
    file = users_workbook([["nguyenvana", "Nguyễn Văn A", "", "", "lead_officer", "SNV"]])
    before = _state()
    result = users_import(actor=users["admin"], file=file, dry_run=True)
    assert result.ok and result.dry_run and result.counts == {"created": 1} and result.onboarding == []
    assert _state() == before


def test_import_by_a_non_administrator_is_refused(users):
    before = _state()
    with pytest.raises(PermissionDenied):
        users_import(actor=users["office"], file=users_workbook([["x", "", "", "", "lead_officer", "SNV"]]))
    assert _state() == before


def test_the_template_imports_as_is(users, units):
    import io

    from openpyxl import load_workbook

    content = users_import_template()
    wb = load_workbook(io.BytesIO(content))
    assert wb.sheetnames == ["Người dùng", "Vai trò", "Danh mục đơn vị"]
    result = users_import(actor=users["admin"], file=io.BytesIO(content), dry_run=True)
    assert result.ok and result.counts == {"created": 1}


# --- The command ---------------------------------------------------------------------------------------------------


def test_create_admin_makes_the_first_administrator_only(db, capsys, password_urls):
    call_command("users", "create-admin", "--username", "quantri", "--email", "qt@hanoi.gov.vn",
                 "--full-name", "Quản trị viên")
    user = User.objects.get(username="quantri")
    assert (user.role, user.email, user.full_name, user.has_usable_password()) == (
        Role.ADMIN, "qt@hanoi.gov.vn", "Quản trị viên", False)
    out = capsys.readouterr().out
    assert "Đã tạo tài khoản quản trị quantri." in out and LINK.search(out)
    assert mail.outbox[0].to == ["qt@hanoi.gov.vn"]
    record = ChangeRecord.objects.get()
    assert (record.actor, record.reason) == (None, "Tạo tài khoản quản trị đầu tiên từ dòng lệnh")
    # A second one needs an administrator acting
    with pytest.raises(CommandError, match="Đã có tài khoản quản trị hệ thống"):
        call_command("users", "create-admin", "--username", "quantri2")
    assert User.objects.count() == 1


def test_create_admin_without_email_prints_a_temporary_password(db, capsys):
    call_command("users", "create-admin", "--username", "quantri")
    out = capsys.readouterr().out
    password = re.search(r"mật khẩu tạm thời: (\S+)", out)[1]
    assert User.objects.get(username="quantri").check_password(password)


def test_the_import_command(users, units, capsys, tmp_path):
    path = tmp_path / "tk.xlsx"
    path.write_bytes(users_workbook([["nguyenvana", "Nguyễn Văn A", "", "", "lead_officer", "SNV"]]).getvalue())
    call_command("users", "import", str(path), "--actor", "admin")
    assert "Đã nhập: 1 tài khoản." in capsys.readouterr().out
    assert User.objects.filter(username="nguyenvana", must_change_password=True).exists()
    with pytest.raises(CommandError, match="Tệp có 1 lỗi"):
        call_command("users", "import", str(path), "--actor", "admin")


def test_an_account_in_a_unit_that_ceased_keeps_it_until_moved(users, units):
    # Given a lead officer whose department ceased
    Unit.objects.filter(pk=units["stp"].pk).update(valid_to=dt.date(2025, 2, 28))
    officer = users["stp"]
    # When only the phone changes, it is saved; moving the officer to a unit in force is too
    accounts.user_update(actor=users["admin"], user=officer, phone="0912000111")
    with pytest.raises(ValidationError) as exc:
        accounts.user_update(actor=users["admin"], user=officer, role=Role.PERSONNEL)
    assert _messages(exc) == {"unit": ["Đơn vị “Sở Tư pháp” không còn hiệu lực."]}
    accounts.user_update(actor=users["admin"], user=officer, unit=units["snv"])
    officer.refresh_from_db()
    assert (officer.phone, officer.unit) == ("0912000111", units["snv"])
