"""Security hardening (issue 7): login lockout, password policy, headers and cookies, check --deploy clean in
production mode, and no spreadsheet formula injection in any export."""

import datetime as dt
import io
import os
import secrets
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from chidao.core.excel import cell_text, safe_cell
from chidao.core.models import Role, User
from tests.conftest import at

pytestmark = pytest.mark.django_db

LOGIN = "/dang-nhap/"
LOCKOUT_TEXT = "Tài khoản tạm khóa do đăng nhập sai nhiều lần; thử lại sau 15 phút."
HYPERLINK = '=HYPERLINK("http://x","y")'
DDE = "+cmd|' /C calc'!A0"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --- Login lockout (django-axes) ---------------------------------------------------------------------------


def _user(username: str, password: str = "mat-khau-dung-2026") -> User:
    user = User(username=username, role=Role.AUDITOR, full_name=username)
    user.set_password(password)
    user.save()
    return user


def _login(client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def test_the_failure_limit_is_five_and_the_cooloff_fifteen_minutes():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == dt.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_wrong_passwords_lock_the_account_out_even_for_the_right_password(client):
    _user("nguyenvana")
    # Given four wrong passwords: the login form answers each one, nobody is locked out yet
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _login(client, "nguyenvana", "sai-mat-khau")
        assert response.status_code == 200
        assert LOCKOUT_TEXT not in response.content.decode()
    # When the fifth wrong password comes
    response = _login(client, "nguyenvana", "sai-mat-khau")
    # Then the Vietnamese lockout page shows
    assert response.status_code == 429
    assert LOCKOUT_TEXT in response.content.decode()
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == ("nguyenvana", 5)
    # And the right password is refused too, with no session started
    response = _login(client, "nguyenvana", "mat-khau-dung-2026")
    assert response.status_code == 429
    assert LOCKOUT_TEXT in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_locked_out_user_does_not_lock_out_the_others(client):
    _user("nguyenvana")
    _user("tranthib")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "nguyenvana", "sai-mat-khau")
    response = _login(client, "tranthib", "mat-khau-dung-2026")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(User.objects.get(username="tranthib").pk)


def test_a_successful_login_before_the_limit_resets_the_count(client):
    _user("nguyenvana")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "nguyenvana", "sai-mat-khau")
    assert _login(client, "nguyenvana", "mat-khau-dung-2026").status_code == 302
    client.logout()
    assert _login(client, "nguyenvana", "sai-mat-khau").status_code == 200
    assert AccessAttempt.objects.filter(username="nguyenvana").count() == 1


NGINX = "127.0.0.1"  # every request reaches gunicorn from the proxy's address


def _login_via_proxy(client, username: str, password: str, forwarded_for: str):
    """A login as nginx passes it on: from the proxy's address, the client appended to X-Forwarded-For."""
    return client.post(LOGIN, {"username": username, "password": password},
                       REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=forwarded_for)


def test_behind_the_proxy_wrong_passwords_from_elsewhere_do_not_lock_out_the_user(client, settings):
    """Given one trusted proxy, five wrong passwords for admin from five places each count for their own
    address: nobody is locked out, and admin signs in from a sixth place."""
    settings.CHIDAO_TRUSTED_PROXY_COUNT = 1
    _user("admin-thu")
    for n in range(settings.AXES_FAILURE_LIMIT):
        assert _login_via_proxy(client, "admin-thu", "sai-mat-khau", f"203.0.113.{n + 1}").status_code == 200

    response = _login_via_proxy(client, "admin-thu", "mat-khau-dung-2026", "198.51.100.7")

    assert response.status_code == 302
    assert sorted(AccessAttempt.objects.values_list("ip_address", flat=True)) == [
        f"203.0.113.{n + 1}" for n in range(settings.AXES_FAILURE_LIMIT)]


def test_behind_the_proxy_the_attackers_address_is_locked_whatever_header_it_sends(client, settings):
    """Given one trusted proxy, an attacker who writes a fresh X-Forwarded-For on each try is still known by
    the address nginx appends: the pair (user, attacker) is locked, the user elsewhere is not."""
    settings.CHIDAO_TRUSTED_PROXY_COUNT = 1
    _user("admin-thu")
    for n in range(settings.AXES_FAILURE_LIMIT):
        _login_via_proxy(client, "admin-thu", "sai-mat-khau", f"10.9.9.{n}, 203.0.113.66")

    locked = _login_via_proxy(client, "admin-thu", "mat-khau-dung-2026", "1.2.3.4, 203.0.113.66")
    elsewhere = _login_via_proxy(client, "admin-thu", "mat-khau-dung-2026", "198.51.100.7")

    assert locked.status_code == 429
    assert elsewhere.status_code == 302
    # the refused sixth try (right password, locked pair) counts as well
    assert list(AccessAttempt.objects.values_list("ip_address", "failures_since_start")) == [("203.0.113.66", 6)]


def test_without_a_trusted_proxy_the_forwarded_header_is_not_believed(client, settings):
    """Given no trusted proxy (a server reached directly), a forged X-Forwarded-For does not dodge the lockout."""
    settings.CHIDAO_TRUSTED_PROXY_COUNT = 0
    _user("admin-thu")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": "admin-thu", "password": "sai"}, REMOTE_ADDR="203.0.113.66",
                    HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")

    response = client.post(LOGIN, {"username": "admin-thu", "password": "mat-khau-dung-2026"},
                           REMOTE_ADDR="203.0.113.66", HTTP_X_FORWARDED_FOR="10.0.0.99")

    assert response.status_code == 429
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.66"]


def test_the_lockout_page_is_translated(client):
    _user("nguyenvana")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = _login(client, "nguyenvana", "sai-mat-khau")
    assert response.status_code == 429
    assert "try again in 15 minutes" in response.content.decode()


# --- Password policy ---------------------------------------------------------------------------------------


def test_a_nine_character_password_is_refused():
    with pytest.raises(ValidationError) as exc:
        validate_password("hn-9x!kq2")
    assert [e.code for e in exc.value.error_list] == ["password_too_short"]


def test_the_demo_password_is_accepted():
    assert validate_password("chidao-demo-2026") is None


# --- Headers and cookies -----------------------------------------------------------------------------------


def _csp(response) -> dict[str, set[str]]:
    policy: dict[str, set[str]] = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        policy[name] = set(sources)
    return policy


def test_a_page_carries_the_security_headers(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert _csp(response) == {
        "default-src": {"'self'"},
        "script-src": {"'self'"},
        "style-src": {"'self'", "'unsafe-inline'"},
        "img-src": {"'self'", "data:"},
        "font-src": {"'self'"},
        "connect-src": {"'self'"},
        "frame-ancestors": {"'none'"},
        "form-action": {"'self'"},
        "base-uri": {"'self'"},
        "object-src": {"'none'"},
    }
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_pages_have_no_inline_script():
    templates = Path(settings.BASE_DIR).glob("**/templates/**/*.html")
    offending = []
    for path in templates:
        text = path.read_text()
        for marker in ("<script>", "<script type", " hx-on", " onclick=", " onchange=", " onsubmit=", " onload="):
            if marker in text:
                offending.append(f"{path.name}: {marker.strip()}")
    assert offending == []


def test_session_and_csrf_cookies_are_http_only_and_lax(client):
    _user("nguyenvana")
    client.get(LOGIN)
    assert client.cookies[settings.CSRF_COOKIE_NAME]["httponly"] is True
    _login(client, "nguyenvana", "mat-khau-dung-2026")
    session = client.cookies[settings.SESSION_COOKIE_NAME]
    assert (session["httponly"], session["samesite"], session["max-age"]) == (True, "Lax", 8 * 60 * 60)


# --- Production settings -----------------------------------------------------------------------------------


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CHIDAO_", "DATABASE_URL"))}
    env.update({
        "CHIDAO_DEBUG": "0", "CHIDAO_ALLOWED_HOSTS": "chidao.example.vn", "CHIDAO_VAR_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'chidao.sqlite3'}", "DJANGO_SETTINGS_MODULE": "chidao.settings",
    })
    env.update(extra)
    return env


def _chidao(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "chidao.manage", *args], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    env = _production_env(tmp_path, CHIDAO_SECRET_KEY=secrets.token_urlsafe(64))
    result = _chidao("check", "--deploy", "--fail-level", "WARNING", env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    # The production defaults, as the process sees them
    shown = _chidao("shell", "-c", "from django.conf import settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE, "
                    "s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
                    "s.SECURE_HSTS_INCLUDE_SUBDOMAINS)", env=env, cwd=tmp_path)
    assert shown.stdout.splitlines()[-1].split() == ["False", "True", "True", "True", "31536000", "True"], shown.stderr


def test_production_mode_refuses_to_start_without_a_secret_key(tmp_path):
    result = _chidao("check", env=_production_env(tmp_path), cwd=tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured: CHIDAO_SECRET_KEY is not set" in result.stderr


# --- Spreadsheet formula injection -------------------------------------------------------------------------


def _formula_cells(content: bytes) -> list[str]:
    """Every cell, in every sheet, that a spreadsheet would evaluate or that starts like a formula."""
    found = []
    for ws in load_workbook(io.BytesIO(content)).worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS)):
                    found.append(f"{ws.title}!{cell.coordinate}: {cell.value!r}")
    return found


def _texts(content: bytes) -> set[str]:
    return {c for ws in load_workbook(io.BytesIO(content)).worksheets
            for row in ws.iter_rows(values_only=True) for c in row if isinstance(c, str)}


def test_safe_cell_prefixes_formula_like_text_and_import_takes_the_prefix_off():
    assert [safe_cell(v) for v in (HYPERLINK, DDE, "-1+1", "@SUM(A1)", "\t=1", "\r=1", "Sở Nội vụ", 5, None)] == [
        "'" + HYPERLINK, "'" + DDE, "'-1+1", "'@SUM(A1)", "'\t=1", "'\r=1", "Sở Nội vụ", 5, None]
    assert cell_text("'" + HYPERLINK) == HYPERLINK
    assert cell_text("'Ba Đình") == "'Ba Đình"


def test_deliverables_export_neutralizes_formulas(program, make_deliverable):
    from chidao.programs import excel
    from chidao.programs.models import Deliverable

    make_deliverable(title=HYPERLINK, leader=DDE)
    content = excel.deliverables_export(program=program, deliverables=Deliverable.objects.all())
    assert _formula_cells(content) == []
    assert {"'" + HYPERLINK, "'" + DDE} <= _texts(content)


def test_report_xlsx_neutralizes_formulas(users, units):
    from chidao.programs import services
    from chidao.programs.models import Kind
    from chidao.reports.services import report_render

    program = services.program_create(
        actor=users["admin"], number="02-CTr/TU", title=DDE, issuing_body=units["tu"],
        issued_on=dt.date(2021, 3, 17), term="XVII", period_start=2021, period_end=2025)
    services.deliverable_create(
        actor=users["office"], program=program, code="01", kind=Kind.SCHEME, title=HYPERLINK, lead_unit=units["snv"],
        coordinating_units=[], responsible_leader=DDE, original_deadline=dt.date(2021, 9, 30), at=at(2021, 3, 30))
    for kind, params in (("stocktake", {}), ("periodic", {"period": "2021-Q4"}), ("year_end", {"year": 2021})):
        content, name = report_render(user=users["admin"], program=program, kind=kind, fmt="xlsx", params=params)
        assert name.endswith(".xlsx")
        assert _formula_cells(content) == [], kind
        assert "'" + HYPERLINK in _texts(content), kind


def test_people_export_neutralizes_formulas(users, units):
    from chidao.personnel import excel, services
    from chidao.personnel.models import Gender, Person

    services.person_create(actor=users["admin"], code="CB00001", full_name=DDE, birth_date=dt.date(1980, 1, 1),
                           gender=Gender.MALE, unit=units["snv"], education=HYPERLINK, phone="+84912345678",
                           email="@a.vn")
    content = excel.people_export(user=users["admin"], qs=Person.objects.all())
    assert _formula_cells(content) == []
    assert {"'" + DDE, "'" + HYPERLINK, "'+84912345678", "'@a.vn"} <= _texts(content)


def test_procedures_export_neutralizes_formulas(users, units):
    from chidao.procedures import excel, services
    from chidao.procedures.models import Level

    reform = User.objects.create(username="cchc", role=Role.REFORM, unit=units["snv"], full_name="CCHC")
    services.procedure_create(actor=reform, code="1.000001.000.00.00.H26", name=HYPERLINK, level=Level.PROVINCE,
                              field=DDE, unit=units["snv"])
    content = excel.registry_export(user=reform)
    assert _formula_cells(content) == []
    assert {"'" + HYPERLINK, "'" + DDE} <= _texts(content)


def test_indicators_export_neutralizes_formulas(users, units):
    from chidao.indicators import excel, selectors, services

    reform = User.objects.create(username="cchc", role=Role.REFORM, unit=units["snv"], full_name="CCHC")
    indicator = services.indicator_create(
        actor=reform, code="CS01", name=HYPERLINK, unit_of_measure="-%", baseline_value=Decimal("1"),
        baseline_date=dt.date(2020, 12, 31), responsible_unit=units["stc"], higher_is_better=True)
    services.actual_report(actor=reform, indicator=indicator, as_of=dt.date(2021, 6, 30), value=Decimal("2"),
                           source=DDE)
    today = dt.date(2021, 12, 31)
    content = excel.indicators_export(statuses=selectors.indicator_statuses(user=reform, as_of=today), as_of=today)
    assert _formula_cells(content) == []
    assert {"'" + HYPERLINK, "'-%"} <= _texts(content)
