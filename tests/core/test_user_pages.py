"""The account administration pages (/quan-tri/nguoi-dung/): administrators only; the list with its filters,
creation (temporary password shown once, never cached), the account page (edit, grants, stop/restart, password),
the import with its template, and the navigation link."""

import io

import pytest
from django.core import mail
from openpyxl import load_workbook

from chidao.core import accounts
from chidao.core.models import ChangeRecord, Role, RoleGrant, User
from tests.core.accounts_fixtures import users_workbook

pytestmark = pytest.mark.django_db
LIST = "/quan-tri/nguoi-dung/"


@pytest.fixture
def admin_client(client, users):
    client.force_login(users["admin"])
    return client


def test_the_list_and_the_nav_link_are_for_administrators_only(client, users):
    client.force_login(users["office"])
    assert client.get(LIST).status_code == 403
    assert 'data-testid="users-link"' not in client.get("/thong-bao/").content.decode()
    client.force_login(users["admin"])
    html = client.get("/thong-bao/").content.decode()
    assert f'<a href="{LIST}" data-testid="users-link">Tài khoản</a>' in html


def test_the_list_filters_and_pages(admin_client, users, units, settings):
    settings.CHIDAO_PAGE_SIZE = 3
    response = admin_client.get(LIST, {"q": "SNV"})
    assert response.status_code == 200
    assert [u.username for u in response.context["page"]] == ["officer_snv"]
    response = admin_client.get(LIST, {"role": "lead_officer", "active": "1"})
    assert [u.username for u in response.context["page"]] == ["officer_snv", "officer_stc", "officer_stp"]
    response = admin_client.get(LIST)
    assert response.context["page"].paginator.num_pages == 3  # seven accounts, three a page
    assert 'data-testid="user-create"' in response.content.decode()
    # htmx asks for the results only
    partial = admin_client.get(LIST, {"unit": units["stc"].pk}, HTTP_HX_REQUEST="true")
    assert "<h1>" not in partial.content.decode() and "officer_stc" in partial.content.decode()


def test_create_without_email_shows_the_temporary_password_once(admin_client, units):
    response = admin_client.post(LIST + "them/", {"username": "tranthib", "full_name": "Trần Thị B", "email": "",
                                                  "phone": "", "role": "personnel", "unit": units["stc"].pk})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    user = User.objects.get(username="tranthib")
    password = response.context["onboarding"].temporary_password
    assert f'<code data-testid="password">{password}</code>' in response.content.decode()
    assert user.check_password(password) and user.must_change_password
    # The account page does not show it again
    assert password not in admin_client.get(f"{LIST}{user.pk}/").content.decode()


def test_create_with_email_sends_the_link_and_goes_to_the_account(admin_client, units, password_urls):
    response = admin_client.post(LIST + "them/", {"username": "nguyenvana", "email": "a@hanoi.gov.vn",
                                                  "role": "lead_officer", "unit": units["snv"].pk})
    user = User.objects.get(username="nguyenvana")
    assert (response.status_code, response["Location"]) == (302, f"{LIST}{user.pk}/")
    assert mail.outbox[0].to == ["a@hanoi.gov.vn"]


def test_a_wrong_account_shows_the_form_again_with_422(admin_client, units):
    response = admin_client.post(LIST + "them/", {"username": "nguyen van a", "role": "reform",
                                                  "unit": units["tu"].pk})
    assert response.status_code == 422
    assert response.context["form"].errors == {
        "username": ["Tên đăng nhập chỉ gồm chữ cái, chữ số và các dấu . _ - (không có dấu cách)."],
        "role": ["Vai trò “Cơ quan cải cách hành chính” không phù hợp với loại đơn vị “Cấp ủy đảng” (Thành ủy Hà "
                 "Nội)."]}
    assert not User.objects.filter(username="nguyen van a").exists()


def test_the_account_page_edits_the_account(admin_client, users, units):
    url = f"{LIST}{users['snv'].pk}/"
    page = admin_client.get(url)
    assert page.status_code == 200 and page.context["account"] == users["snv"]
    response = admin_client.post(url, {"full_name": "Phạm Văn Đức", "email": "duc@hanoi.gov.vn", "phone": "",
                                       "role": "personnel", "unit": units["snv"].pk}, HTTP_HX_REQUEST="true")
    assert (response.status_code, response["HX-Redirect"]) == (204, url)
    users["snv"].refresh_from_db()
    assert (users["snv"].full_name, users["snv"].role) == ("Phạm Văn Đức", Role.PERSONNEL)


def test_the_last_administrator_cannot_stop_themselves_on_the_page(admin_client, users):
    url = f"{LIST}{users['admin'].pk}/"
    response = admin_client.post(url + "ngung/", follow=True)
    assert "cuối cùng còn hoạt động" in response.content.decode()
    assert User.objects.get(pk=users["admin"].pk).is_active


def test_stop_and_restart_on_the_page(admin_client, users):
    url = f"{LIST}{users['snv'].pk}/"
    assert admin_client.post(url + "ngung/", {"reason": "Nghỉ hưu"}).status_code == 302
    assert not User.objects.get(pk=users["snv"].pk).is_active
    assert ChangeRecord.objects.get(content_type__model="user").reason == "Nghỉ hưu"
    assert 'data-testid="reactivate"' in admin_client.get(url).content.decode()
    assert admin_client.post(url + "dung-lai/").status_code == 302
    assert User.objects.get(pk=users["snv"].pk).is_active


def test_grants_on_the_page(admin_client, users, units):
    url = f"{LIST}{users['snv'].pk}/"
    response = admin_client.post(url + "vai-tro/", {"grant-role": "personnel", "grant-unit": units["stc"].pk})
    assert response.status_code == 302
    grant = RoleGrant.objects.get(user=users["snv"])
    assert (grant.role, grant.unit) == (Role.PERSONNEL, units["stc"])
    refused = admin_client.post(url + "vai-tro/", {"grant-role": "reform", "grant-unit": units["btc"].pk})
    assert refused.status_code == 422 and list(refused.context["grant_form"].errors) == ["role"]
    assert admin_client.post(f"{url}vai-tro/{grant.pk}/bo/").status_code == 302
    assert not RoleGrant.objects.exists()


def test_a_temporary_password_from_the_account_page(admin_client, users):
    response = admin_client.post(f"{LIST}{users['snv'].pk}/mat-khau/", {"temporary": "1"})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    users["snv"].refresh_from_db()
    assert users["snv"].check_password(response.context["onboarding"].temporary_password)


def test_the_import_page_shows_new_passwords_once(admin_client, users, units):
    file = users_workbook([["nguyenvana", "Nguyễn Văn A", "", "", "lead_officer", "SNV"]])
    response = admin_client.post(LIST + "nhap/", {"file": file})
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    password = response.context["result"].onboarding[0].temporary_password
    assert f'<code data-testid="password-nguyenvana">{password}</code>' in response.content.decode()
    assert User.objects.get(username="nguyenvana").check_password(password)


def test_the_import_page_refuses_a_wrong_file_with_422(admin_client, users):
    file = users_workbook([["officer_snv", "", "", "", "lead_officer", "SNV"]])
    response = admin_client.post(LIST + "nhap/", {"file": file})
    assert response.status_code == 422
    assert 'data-testid="import-errors"' in response.content.decode()


def test_the_import_template_downloads(admin_client):
    response = admin_client.get(LIST + "mau-nhap.xlsx")
    assert response.status_code == 200
    assert load_workbook(io.BytesIO(response.content)).sheetnames == ["Người dùng", "Vai trò", "Danh mục đơn vị"]


def test_every_page_is_refused_to_others(client, users, units):
    grant = accounts.role_grant_add(actor=users["admin"], user=users["snv"], role=Role.PERSONNEL, unit=units["stc"])
    client.force_login(users["office"])
    pk = users["snv"].pk
    for url in (LIST, LIST + "them/", LIST + "nhap/", LIST + "mau-nhap.xlsx", f"{LIST}{pk}/"):
        assert client.get(url).status_code == 403, url
    for url in (f"{LIST}{pk}/ngung/", f"{LIST}{pk}/dung-lai/", f"{LIST}{pk}/mat-khau/", f"{LIST}{pk}/vai-tro/",
                f"{LIST}{pk}/vai-tro/{grant.pk}/bo/"):
        assert client.post(url).status_code == 403, url
    assert User.objects.get(pk=pk).is_active and RoleGrant.objects.count() == 1


def test_the_account_page_resets_the_second_factor(admin_client, users):
    # Given an officer with an authenticator app and ten recovery codes
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from chidao.core.otp import totp_enrol_confirm, totp_enrol_start
    from tests.core.test_otp import code_for

    officer = users["snv"]
    totp_enrol_confirm(actor=officer, code=code_for(totp_enrol_start(actor=officer)))
    page = f"{LIST}{officer.pk}/"
    html = admin_client.get(page).content.decode()
    assert "Đã đăng ký ứng dụng xác thực" in html and "còn 10 mã dự phòng" in html
    assert 'data-testid="otp-reset"' in html
    # When the administrator resets it from the account page
    response = admin_client.post(f"{page}dat-lai-xac-thuc/", {"next": page})
    # Then the devices are gone, the page says so, and the reset is in the change log
    assert response.status_code == 302 and response["Location"] == page
    assert TOTPDevice.objects.filter(user=officer).count() == 0
    html = admin_client.get(page).content.decode()
    assert "Chưa đăng ký" in html and 'data-testid="otp-reset"' not in html
    assert ChangeRecord.objects.filter(action="otp_reset", object_id=str(officer.pk)).count() == 1


def test_adding_a_grant_without_choosing_a_role_is_refused(admin_client, users):
    # Given an officer with no extra grant; the form offers no role preselected
    officer = users["snv"]
    page = f"{LIST}{officer.pk}/"
    assert '<option value="" selected>— Chọn vai trò —</option>' in admin_client.get(page).content.decode()
    # When the form is sent without a role
    response = admin_client.post(f"{page}vai-tro/", {"grant-role": "", "grant-unit": ""})
    # Then it is refused and no grant is added
    assert response.status_code == 422
    assert "Trường này là bắt buộc." in response.content.decode()
    assert RoleGrant.objects.filter(user=officer).count() == 0
