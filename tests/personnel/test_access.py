"""Who sees personnel records: scope, masked sensitive fields, 404 outside scope, and the access log."""

import pytest

from chidao.personnel import selectors
from chidao.personnel.models import AccessLog, Gender, Rating

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(make_person):
    return {
        "snv": make_person(name="Nguyễn Văn An", post="snv_director", phone="0912000001", email="an@snv.invalid",
                           address="12 Hàng Bài", id_number="001075000001"),
        "snv_division": make_person(name="Trần Thị Bình", gender=Gender.FEMALE, post="snv_staff"),
        "stc": make_person(name="Lê Văn Cường", post="stc_staff", phone="0912000003"),
    }


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def test_personnel_officer_sees_the_subtree_only(login, hr, people):
    # Given a personnel officer of Sở Nội vụ
    client = login(hr["snv"])
    # When listing
    listed = [p.full_name for p in client.get("/can-bo/").context["page"]]
    # Then the SNV and its division's people are listed, not STC's
    assert listed == ["Nguyễn Văn An", "Trần Thị Bình"]
    # And one "list" row is logged, without a person
    assert list(AccessLog.objects.values_list("user__username", "person", "action")) == [
        ("tccb_snv", None, "list")]


def test_personnel_officer_gets_404_outside_the_subtree_and_nothing_is_logged(login, hr, people):
    client = login(hr["snv"])
    response = client.get(f"/can-bo/{people['stc'].pk}/")
    assert response.status_code == 404
    assert "Lê Văn Cường" not in response.content.decode()
    assert AccessLog.objects.count() == 0


@pytest.mark.parametrize("role", ["snv", "steering", "auditor"])
def test_other_roles_see_nothing_and_nothing_is_logged(login, users, people, role):
    client = login(users[role])
    assert client.get("/can-bo/").status_code == 403
    assert client.get(f"/can-bo/{people['snv'].pk}/").status_code == 404
    assert client.get("/can-bo/tao-moi/").status_code == 403
    post = client.post(f"/can-bo/{people['snv'].pk}/xep-loai/", {"xl-year": "2024", "xl-level": "good"})
    assert post.status_code == 404
    assert Rating.objects.count() == 0
    assert AccessLog.objects.count() == 0
    assert 'data-testid="people-link"' not in client.get("/", follow=True).content.decode()


def test_office_sees_the_record_with_sensitive_fields_masked(login, users, people):
    page = login(users["office"]).get(f"/can-bo/{people['snv'].pk}/").content.decode()
    assert "Nguyễn Văn An" in page
    assert "0912000001" not in page
    assert "an@snv.invalid" not in page
    assert "12 Hàng Bài" not in page
    assert "001075000001" not in page
    assert page.count("••••") == 4


@pytest.mark.parametrize("who", ["admin", "snv_hr"])
def test_admin_and_the_subtree_officer_see_sensitive_fields(login, users, hr, people, who):
    user = hr["snv"] if who == "snv_hr" else users["admin"]
    page = login(user).get(f"/can-bo/{people['snv'].pk}/").content.decode()
    for value in ("0912000001", "an@snv.invalid", "12 Hàng Bài", "001075000001"):
        assert value in page
    assert "••••" not in page


def test_can_see_sensitive(users, hr, people):
    assert selectors.can_see_sensitive(users["admin"], people["stc"]) is True
    assert selectors.can_see_sensitive(hr["snv"], people["snv_division"]) is True
    assert selectors.can_see_sensitive(hr["stc"], people["snv"]) is False
    assert selectors.can_see_sensitive(users["office"], people["snv"]) is False
    assert selectors.can_see_sensitive(users["steering"], people["snv"]) is False


def test_every_detail_view_adds_exactly_one_log_row(login, users, hr, people):
    client = login(hr["snv"])
    person = people["snv_division"]
    client.get(f"/can-bo/{person.pk}/")
    assert list(AccessLog.objects.values_list("user__username", "person", "action", "detail")) == [
        ("tccb_snv", person.pk, "view", "page")]
    client.get(f"/can-bo/{person.pk}/")
    assert AccessLog.objects.filter(person=person, action="view").count() == 2


def test_people_link_in_the_top_bar(login, users, hr):
    assert 'data-testid="people-link"' in login(users["office"]).get("/", follow=True).content.decode()
    assert 'data-testid="people-link"' in login(hr["snv"]).get("/", follow=True).content.decode()
