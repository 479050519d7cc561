"""Cadre record pages: diacritic-free search, Vietnamese order, fixed query count, the record and its forms."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.text import vn_name_key
from chidao.personnel import services
from chidao.personnel.models import Assignment, Discipline, Gender, Person, Rating, Relative

pytestmark = pytest.mark.django_db


@pytest.fixture
def login(client):
    def as_user(user):
        client.force_login(user)
        return client

    return as_user


def test_search_ignores_diacritics(login, users, make_person):
    # Given two people
    make_person(name="Đinh Tiến Dũng")
    make_person(name="Nguyễn Văn An")
    client = login(users["admin"])
    # When searching without diacritics, in any case, or by code
    found = client.get("/can-bo/", {"q": "dinh tien dung"}).context["page"]
    upper = client.get("/can-bo/", {"q": "DUNG"}).context["page"]
    # Then only the matching person is listed
    assert [p.full_name for p in found] == ["Đinh Tiến Dũng"]
    assert [p.full_name for p in upper] == ["Đinh Tiến Dũng"]
    assert [p.full_name for p in client.get("/can-bo/", {"q": "cb00002"}).context["page"]] == ["Nguyễn Văn An"]
    # The htmx request gets the results partial only
    partial = client.get("/can-bo/", {"q": "dinh"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Đinh Tiến Dũng" in partial
    assert "<html" not in partial


def test_list_is_sorted_the_vietnamese_way(login, users, make_person):
    # Given names whose family-name order differs from the given-name order
    names = ["Nguyễn Ánh", "Lê Thị Bình", "Trần Văn An", "Phạm Văn Ân", "Đỗ Thị Anh", "Đặng Văn Bình", "Hoàng Đức"]
    for name in names:
        make_person(name=name)
    # When the list is shown
    listed = [p.full_name for p in login(users["admin"]).get("/can-bo/").context["page"]]
    # Then it follows vn_name_key: given name first, then the rest
    assert listed == sorted(names, key=vn_name_key)
    # ("â" is a letter of its own after "a"; "An" is a prefix of "Anh"; "đ" comes after "d", before "l")
    assert listed == ["Trần Văn An", "Đỗ Thị Anh", "Nguyễn Ánh", "Phạm Văn Ân", "Đặng Văn Bình", "Lê Thị Bình",
                      "Hoàng Đức"]


def test_list_shows_the_columns(login, users, make_person):
    make_person(name="Vũ Thị Hạnh", born=dt.date(1980, 3, 15), gender=Gender.FEMALE, post="snv_head",
                since=dt.date(2020, 1, 1))
    page = login(users["office"]).get("/can-bo/").content.decode()
    assert "Vũ Thị Hạnh" in page
    assert "15/03/1980" in page
    assert "Trưởng phòng Tổ chức, biên chế" in page
    assert "Phòng Tổ chức, biên chế" in page
    assert "/can-bo/xuat-excel/" in page
    person = Person.objects.get()
    assert person.retirement_date is not None
    assert person.retirement_date.strftime("%d/%m/%Y") in page


def test_list_filters_by_unit_gender_and_key_post(login, users, tree, make_person):
    make_person(name="Nguyễn Văn An", post="snv_director")
    make_person(name="Trần Thị Bình", gender=Gender.FEMALE, post="snv_staff")
    make_person(name="Lê Văn Cường", post="stc_staff")
    client = login(users["admin"])

    def names(**params):
        return [p.full_name for p in client.get("/can-bo/", params).context["page"]]

    # The SNV filter includes its division (subtree)
    assert names(unit=tree["snv"].pk) == ["Nguyễn Văn An", "Trần Thị Bình"]
    assert names(unit=tree["stc"].pk) == ["Lê Văn Cường"]
    assert names(gender="female") == ["Trần Thị Bình"]
    assert names(key_post="on") == ["Nguyễn Văn An"]


def _list_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/can-bo/", params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("user_key", ["admin", "snv_hr"])
def test_list_query_count_does_not_grow_with_the_data(login, users, hr, make_person, user_key):
    user = hr["snv"] if user_key == "snv_hr" else users[user_key]
    client = login(user)
    for i in range(5):
        make_person(name=f"Nguyễn Văn An {i}")
    five = _list_queries(client)
    five_search = _list_queries(client, q="nguyen an", gender="male")
    for i in range(45):
        make_person(name=f"Trần Thị Bình {i}", post="snv_head" if i % 2 else "snv_staff")
    fifty = _list_queries(client)
    fifty_search = _list_queries(client, q="nguyen an", gender="male")
    assert Person.objects.count() == 50
    assert fifty == five
    assert fifty_search == five_search


def test_detail_shows_the_record(login, users, make_person):
    # Given a person with history, a rating, a discipline and a relative
    p = make_person(name="Đinh Tiến Dũng", post="snv_staff", since=dt.date(2019, 6, 1), phone="0912345678")
    other = make_person(name="Vũ Thị Hạnh", gender=Gender.FEMALE, post="snv_head")
    Rating.objects.create(person=p, year=2024, level="good")
    Discipline.objects.create(person=p, system="party", form="khien_trach", decided_on=dt.date(2022, 1, 10),
                              decided_by="Đảng ủy Sở", blocks_until=dt.date(2023, 1, 9),
                              appointment_blocked_until=dt.date(2023, 1, 9))
    later = timezone.localdate() + dt.timedelta(days=100)  # bars still running
    Discipline.objects.create(person=p, system="civil_service", form="canh_cao", decided_on=dt.date(2025, 12, 1),
                              decided_by="UBND Thành phố", blocks_until=later, appointment_blocked_until=later,
                              grade_blocked_until=later)
    Relative.objects.create(person=p, relative=other, relation="spouse")
    # When the admin opens it
    page = login(users["admin"]).get(f"/can-bo/{p.pk}/").content.decode()
    # Then every section is there, dates as dd/mm/yyyy
    assert "Đinh Tiến Dũng" in page
    assert "01/06/2019" in page
    assert "Chuyên viên tổ chức cán bộ" in page
    assert "Hoàn thành tốt nhiệm vụ" in page
    assert "Khiển trách" in page and "10/01/2022" in page
    # Each discipline shows its own bars with plain labels
    assert "chưa quy hoạch đến 09/01/2023 (đã hết); chưa bổ nhiệm chức vụ cao hơn đến 09/01/2023 (đã hết)<" in page
    day = later.strftime("%d/%m/%Y")
    assert (f"chưa quy hoạch đến {day}; chưa bổ nhiệm chức vụ cao hơn đến {day}; chưa nâng ngạch, nâng lương đến "
            f"{day}<") in page
    assert f'href="/can-bo/{other.pk}/"' in page
    assert "0912345678" in page


def test_create_person_through_the_form(login, users, tree):
    client = login(users["office"])
    assert client.get("/can-bo/tao-moi/").status_code == 200
    response = client.post("/can-bo/tao-moi/", {
        "code": "CB90001", "full_name": "  Bùi   Thị Lan ", "birth_date": "02/09/1985", "gender": "female",
        "unit": tree["stc"].pk,
    })
    person = Person.objects.get(code="CB90001")
    assert response.status_code == 302
    assert response["Location"] == f"/can-bo/{person.pk}/"
    assert (person.full_name, person.birth_date, person.unit) == ("Bùi Thị Lan", dt.date(1985, 9, 2), tree["stc"])


def test_the_kind_of_service_is_chosen_on_the_form_and_shown_on_the_record(login, users, tree):
    client = login(users["office"])
    assert 'name="service_kind"' in client.get("/can-bo/tao-moi/").content.decode()
    client.post("/can-bo/tao-moi/", {
        "code": "CB90001", "full_name": "Bùi Thị Lan", "birth_date": "02/09/1985", "gender": "female",
        "service_kind": "public_employee", "unit": tree["stc"].pk,
    })
    person = Person.objects.get(code="CB90001")
    assert person.service_kind == "public_employee"
    page = client.get(f"/can-bo/{person.pk}/").content.decode()
    assert '<dd data-testid="service-kind">Viên chức</dd>' in page
    # not chosen: the record says so
    client.post("/can-bo/tao-moi/", {
        "code": "CB90002", "full_name": "Bùi Văn Nam", "birth_date": "02/09/1985", "gender": "male",
        "unit": tree["stc"].pk})
    other = Person.objects.get(code="CB90002")
    assert other.service_kind == ""
    assert "Chưa xác định" in client.get(f"/can-bo/{other.pk}/").content.decode()


def test_the_service_refuses_an_unknown_kind_of_service(users, tree):
    with pytest.raises(ValidationError) as exc:
        services.person_create(actor=users["admin"], code="CB90003", full_name="Bùi Thị Lan",
                               birth_date=dt.date(1985, 9, 2), gender="female", unit=tree["stc"],
                               service_kind="contractor")
    assert exc.value.message_dict == {
        "service_kind": ["Chọn cán bộ, công chức hoặc viên chức (hoặc để trống nếu chưa xác định)."]}
    assert Person.objects.count() == 0


def test_the_office_may_not_fill_in_sensitive_fields(login, users, hr, tree):
    # Given the standing office, which reads records with the sensitive fields masked
    office = login(users["office"])
    # When it opens the form, then the sensitive fields are not offered
    page = office.get("/can-bo/tao-moi/").content.decode()
    assert 'name="phone"' not in page and 'name="id_number"' not in page
    # and a posted value is not stored
    office.post("/can-bo/tao-moi/", {
        "code": "CB90002", "full_name": "Bùi Thị Lan", "birth_date": "02/09/1985", "gender": "female",
        "unit": tree["stc"].pk, "phone": "0912000000", "id_number": "001085000001",
    })
    assert Person.objects.values_list("code", "phone", "id_number").get() == ("CB90002", "", "")
    # while the unit's personnel officer is offered them
    assert 'name="phone"' in login(hr["snv"]).get("/can-bo/tao-moi/").content.decode()


def test_the_service_refuses_sensitive_fields_from_who_may_not_see_them(users, tree):
    with pytest.raises(PermissionDenied):
        services.person_create(actor=users["office"], code="CB90003", full_name="Bùi Thị Lan",
                               birth_date=dt.date(1985, 9, 2), gender="female", unit=tree["stc"], phone="0912")
    assert Person.objects.count() == 0


def test_create_person_errors_are_vietnamese_and_422(login, users, tree, make_person):
    make_person(name="Nguyễn Văn An")  # code CB00001
    response = login(users["office"]).post("/can-bo/tao-moi/", {
        "code": "CB00001", "full_name": "Bùi Thị Lan", "birth_date": "02/09/2099", "gender": "female",
        "unit": tree["stc"].pk,
    }, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 422
    assert "Mã hồ sơ CB00001 đã có." in body
    assert "Ngày sinh không được sau hôm nay." in body
    assert Person.objects.count() == 1


def test_personnel_officer_cannot_create_outside_the_subtree(login, hr, tree):
    response = login(hr["snv"]).post("/can-bo/tao-moi/", {
        "code": "CB90001", "full_name": "Bùi Thị Lan", "birth_date": "02/09/1985", "gender": "female",
        "unit": tree["stc"].pk,
    })
    assert response.status_code == 422  # STC is not offered: "chọn giá trị hợp lệ"
    assert Person.objects.count() == 0


def test_rating_form_posts_through_htmx(login, users, make_person):
    p = make_person()
    client = login(users["office"])
    ok = client.post(f"/can-bo/{p.pk}/xep-loai/", {"xl-year": "2025", "xl-level": "not_completed"},
                     HTTP_HX_REQUEST="true")
    assert (ok.status_code, ok["HX-Redirect"]) == (204, f"/can-bo/{p.pk}/")
    assert list(Rating.objects.values_list("year", "level")) == [(2025, "not_completed")]
    bad = client.post(f"/can-bo/{p.pk}/xep-loai/", {"xl-year": "2025", "xl-level": "bad"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422
    assert 'id="rating-form"' in bad.content.decode()
    assert list(Rating.objects.values_list("year", "level")) == [(2025, "not_completed")]


def test_assignment_discipline_deferral_relative_forms(login, users, posts, make_person):
    p = make_person(name="Nguyễn Văn An", post="snv_staff", since=dt.date(2018, 1, 1))
    wife = make_person(name="Trần Thị Bình", gender=Gender.FEMALE, post="stc_staff")
    client = login(users["office"])
    url = f"/can-bo/{p.pk}/"
    r = client.post(url + "qua-trinh-cong-tac/", {"as-position": posts["snv_head"].pk, "as-kind": "appointment",
                                                 "as-start": "01/03/2024", "as-decision": "15/QĐ-SNV"})
    assert r.status_code == 302
    p.refresh_from_db()
    assert (p.position, p.position_since) == (posts["snv_head"], dt.date(2024, 3, 1))
    assert Assignment.objects.get(person=p, position=posts["snv_staff"]).end == dt.date(2024, 2, 29)
    # A start before the open assignment is refused with the service's message
    bad = client.post(url + "qua-trinh-cong-tac/", {"as-position": posts["snv_staff"].pk, "as-kind": "transfer",
                                                   "as-start": "01/01/2024"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422
    assert "Đã có quá trình công tác bắt đầu từ 01/03/2024, sau ngày này." in bad.content.decode()
    assert client.post(url + "ky-luat/", {"kl-system": "party", "kl-form": "canh_cao", "kl-decided_on": "10/05/2025",
                                          "kl-decided_by": "Đảng ủy Sở"}).status_code == 302
    d = Discipline.objects.get(person=p)
    assert (d.blocks_until, d.appointment_blocked_until, d.grade_blocked_until) == (
        dt.date(2026, 5, 9), dt.date(2026, 5, 9), None)
    # A form that no longer exists on the decision's date is refused on the form, with its reason
    refused = client.post(url + "ky-luat/", {"kl-system": "civil_service", "kl-form": "ha_bac_luong",
                                             "kl-decided_on": "01/07/2025", "kl-decided_by": "UBND Thành phố"},
                          HTTP_HX_REQUEST="true")
    assert refused.status_code == 422
    assert "Từ ngày 01/07/2025" in refused.content.decode()
    assert "công chức không còn hình thức kỷ luật hạ bậc lương." in refused.content.decode()
    assert Discipline.objects.filter(person=p).count() == 1
    assert client.post(url + "chua-chuyen-doi/", {"cd-kind": "study", "cd-start": "01/09/2025"}).status_code == 302
    assert p.deferrals.get().kind == "study"
    linked = client.post(url + "quan-he-gia-dinh/", {"qh-relative": wife.code, "qh-relation": "spouse"})
    assert linked.status_code == 302
    assert set(Relative.objects.values_list("person__full_name", "relative__full_name", "relation")) == {
        ("Nguyễn Văn An", "Trần Thị Bình", "spouse"), ("Trần Thị Bình", "Nguyễn Văn An", "spouse")}
    unknown = client.post(url + "quan-he-gia-dinh/", {"qh-relative": "XX999", "qh-relation": "sibling"},
                          HTTP_HX_REQUEST="true")
    assert unknown.status_code == 422
    assert "Không tìm thấy hồ sơ có mã này trong phạm vi bạn được xem." in unknown.content.decode()
