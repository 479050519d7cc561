"""The access log is read by administrators and auditors only."""

import pytest

from chidao.personnel.models import AccessLog

pytestmark = pytest.mark.django_db


def test_auditors_read_the_access_log_and_others_do_not(client, users, make_person):
    person = make_person(name="Đinh Tiến Dũng")
    AccessLog.objects.create(user=users["office"], person=person, action="view", detail="page")
    client.force_login(users["auditor"])
    html = client.get("/can-bo/nhat-ky-truy-cap/", {"q": "dinh tien"}).content.decode()
    assert "Đinh Tiến Dũng" in html and "page" in html
    assert "Đinh Tiến Dũng" not in client.get("/can-bo/nhat-ky-truy-cap/", {"q": "tran"}).content.decode()
    for who in ("office", "snv", "steering"):
        client.force_login(users[who])
        assert client.get("/can-bo/nhat-ky-truy-cap/").status_code == 403
    assert AccessLog.objects.count() == 1
