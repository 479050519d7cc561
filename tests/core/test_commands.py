import io

import pytest
from django.core.management import CommandError, call_command

from chidao.core.models import ApiToken
from chidao.core.tokens import api_token_authenticate

pytestmark = pytest.mark.django_db


def test_token_create_prints_a_working_token_once(users):
    out = io.StringIO()
    call_command("token", "create", "--user", "officer_snv", "--scope", "write", stdout=out)
    raw = out.getvalue().strip()
    token = api_token_authenticate(raw)
    assert (token.user, token.scope) == (users["snv"], "write")
    assert raw not in ApiToken.objects.values_list("digest", flat=True)  # only the digest is stored


def test_token_create_refuses_an_unknown_user(users):
    with pytest.raises(CommandError):
        call_command("token", "create", "--user", "nobody")
    assert ApiToken.objects.count() == 0


def test_token_create_with_a_life_in_days_or_refused(users, settings):
    settings.CHIDAO_TOKEN_DAYS = 90
    out = io.StringIO()
    call_command("token", "create", "--user", "officer_snv", "--days", "7", stdout=out)
    token = api_token_authenticate(out.getvalue().strip())
    assert (token.expires_at - token.created_at).days in (6, 7)
    with pytest.raises(CommandError, match="Thời hạn của mã truy cập phải từ 1 đến 90 ngày."):
        call_command("token", "create", "--user", "officer_snv", "--days", "91")
    with pytest.raises(CommandError, match="chỉ tạo được mã “Chỉ đọc”"):
        call_command("token", "create", "--user", "auditor", "--scope", "write")
    assert ApiToken.objects.count() == 1


def test_demo_command_loads_once_then_changes_nothing(db):
    first, second = io.StringIO(), io.StringIO()
    call_command("demo", stdout=first)
    call_command("demo", stdout=second)
    assert "Đã nạp dữ liệu mẫu" in first.getvalue()
    assert "không nạp dữ liệu mẫu, không thay đổi gì" in second.getvalue()
    assert "cb.snv" in second.getvalue()
