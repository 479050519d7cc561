"""Posts (chức danh) of a unit: listed, added and edited by administrators and the unit's personnel officers."""

import pytest
from django.urls import reverse

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.models import ChangeRecord
from chidao.personnel import positions
from chidao.personnel.models import Position, PostLevel

pytestmark = pytest.mark.django_db


def _state() -> list[tuple]:
    return [*Position.objects.order_by("pk").values_list("pk", "unit_id", "title", "level", "sector"),
            ("records", ChangeRecord.objects.count())]


def test_a_personnel_officer_adds_a_post_in_a_department_of_their_agency(hr, tree):
    post = positions.position_create(actor=hr["snv"], unit=tree["snv_division"], title="  Phó Trưởng phòng  ",
                                      is_leader=True, level=PostLevel.DEPUTY_DIVISION)
    assert (post.unit, post.title, post.level) == (tree["snv_division"], "Phó Trưởng phòng", 1)
    assert ChangeRecord.objects.get(action="create", object_id=str(post.pk)).after["title"] == "Phó Trưởng phòng"


def test_outside_their_agency_is_refused_and_nothing_changes(hr, tree, posts, users):
    before = _state()
    with pytest.raises(PermissionDenied):
        positions.position_create(actor=hr["snv"], unit=tree["stc"], title="Chuyên viên")
    with pytest.raises(PermissionDenied):
        positions.position_update(actor=users["office"], position=posts["snv_staff"], title="Khác")
    assert _state() == before


@pytest.mark.parametrize(("kw", "field", "message"), [
    ({"title": " "}, "title", "Nhập tên chức danh."),
    ({"title": "giám đốc sở nội vụ"}, "title", "Đơn vị đã có chức danh “giám đốc sở nội vụ”."),
    ({"sector": "personnel", "change_period_months": 12}, "change_period_months",
     "Thời hạn định kỳ chuyển đổi từ 24 đến 60 tháng."),
])
def test_bad_posts_are_refused(users, tree, posts, kw, field, message):
    before = _state()
    with pytest.raises(ValidationError) as exc:
        positions.position_create(actor=users["admin"], unit=tree["snv"], **{"title": "Chuyên viên", **kw})
    assert exc.value.message_dict[field] == [message]
    assert _state() == before


def test_edit_keeps_the_holders(users, posts, make_person):
    person = make_person(post="snv_staff")
    post = positions.position_update(actor=users["admin"], position=posts["snv_staff"], title="Chuyên viên chính",
                                     sector="personnel", change_period_months=36)
    person.refresh_from_db()
    assert (person.position, post.title) == (post, "Chuyên viên chính")


def test_the_posts_page_lists_counts_and_adds(client, hr, tree, posts, make_person):
    make_person(post="snv_director")
    client.force_login(hr["snv"])
    page = client.get(reverse("unit_posts", args=[tree["snv"].pk]))
    assert page.status_code == 200
    assert [(p.title, p.holder_count) for p in page.context["posts"]] == [
        ("Giám đốc Sở Nội vụ", 1), ("Phó Giám đốc Sở Nội vụ", 0)]
    response = client.post(reverse("unit_posts", args=[tree["snv"].pk]), {"title": "Chánh Văn phòng", "level": "2"})
    assert response.status_code == 302
    assert Position.objects.filter(unit=tree["snv"], title="Chánh Văn phòng").exists()
    before = _state()
    assert client.get(reverse("unit_posts", args=[tree["stc"].pk])).status_code == 403
    assert client.get(reverse("position_edit", args=[posts["stc_staff"].pk])).status_code == 404
    assert client.post(reverse("position_edit", args=[posts["stc_staff"].pk]), {"title": "X", "level": "0"}
                       ).status_code == 404
    assert _state() == before


def test_a_post_has_a_headcount_and_the_page_shows_its_vacancies(client, users, hr, tree, posts, make_person):
    # Given the staff post of SNV's division employs 3 and one person holds it
    make_person(post="snv_staff")
    post = positions.position_update(actor=users["admin"], position=posts["snv_staff"],
                                     title="Chuyên viên tổ chức cán bộ", sector="personnel", change_period_months=36,
                                     headcount=3)
    assert post.headcount == 3
    assert ChangeRecord.objects.filter(action="update", object_id=str(post.pk)).last().after["headcount"] == 3
    # When the officer opens the division's posts
    client.force_login(hr["snv"])
    page = client.get(reverse("unit_posts", args=[tree["snv_division"].pk]))
    # Then the post shows 3 employed, 1 holding, 2 vacant
    row = next(p for p in page.context["posts"] if p.pk == post.pk)
    assert (row.headcount, row.holder_count, row.vacancies) == (3, 1, 2)
    assert f'data-testid="post-{post.pk}"' in page.content.decode()


@pytest.mark.parametrize("headcount", [0, 1001])
def test_a_headcount_out_of_range_is_refused_and_nothing_changes(users, tree, headcount):
    before = _state()
    with pytest.raises(ValidationError) as exc:
        positions.position_create(actor=users["admin"], unit=tree["snv"], title="Chuyên viên", headcount=headcount)
    assert exc.value.message_dict["headcount"] == ["Số người được giao từ 1 đến 1000."]
    assert _state() == before
