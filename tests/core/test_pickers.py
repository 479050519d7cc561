"""The pickers' searches (/tra-cuu/don-vi/, /tra-cuu/can-bo/) and the widget: diacritics ignored, only what the
user may see, nobody anonymous; the widget still posts ids (or the record code) and the form decides."""

import datetime as dt

import pytest
from django.urls import reverse

from chidao.core.models import Unit
from chidao.personnel.models import AccessLog
from chidao.programs.forms import DeliverableForm
from chidao.rotation.forms import FlaggedAddForm

pytestmark = pytest.mark.django_db


def _results(client, name: str, q: str, **extra: str) -> list[dict]:
    response = client.get(reverse(name), {"q": q, **extra})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()["results"]


# --- Units ---------------------------------------------------------------------------------------------


def test_unit_search_ignores_diacritics_and_answers_ids_names_and_the_unit_above(client, users, units):
    # Given a lead officer signed in
    client.force_login(users["snv"])
    # When they type "so tai chinh" without diacritics
    results = _results(client, "lookup_units", "so tai chinh")
    # Then Sở Tài chính is found, with its code and the unit above to tell namesakes apart
    assert results == [{"id": units["stc"].pk, "label": "Sở Tài chính", "hint": "STC · Thành phố Hà Nội"}]


def test_unit_search_matches_every_word_and_skips_units_no_longer_in_force(client, users, units):
    # Given Sở Tư pháp ceased yesterday
    Unit.objects.filter(pk=units["stp"].pk).update(valid_to=dt.date.today() - dt.timedelta(days=1))
    client.force_login(users["snv"])
    # When "so" is typed: every Sở in force, none that ceased
    labels = [r["label"] for r in _results(client, "lookup_units", "so")]
    assert labels == ["Sở Nội vụ", "Sở Tài chính"]
    # And two words must both match
    assert [r["label"] for r in _results(client, "lookup_units", "so noi")] == ["Sở Nội vụ"]


def test_unit_search_scoped_to_a_subtree(client, users, tree):
    # Given a form scoped to Sở Nội vụ's subtree
    client.force_login(users["admin"])
    # When "phong" is typed inside SNV and inside STC
    inside_snv = _results(client, "lookup_units", "phong", trong=str(tree["snv"].pk))
    inside_stc = _results(client, "lookup_units", "phong", trong=str(tree["stc"].pk))
    # Then only SNV's division is offered, and nothing inside STC
    assert [r["label"] for r in inside_snv] == ["Phòng Tổ chức, biên chế"]
    assert inside_stc == []


def test_unit_search_refuses_anonymous(client, units):
    response = client.get(reverse("lookup_units"), {"q": "so"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# --- People --------------------------------------------------------------------------------------------


@pytest.fixture
def people(make_person):
    return {
        "dung": make_person(name="Đinh Tiến Dũng", post="snv_staff"),
        "dung_stc": make_person(name="Đinh Tiến Dụng", post="stc_staff"),
        "an": make_person(name="Nguyễn Văn An", post="snv_director"),
    }


def test_person_search_ignores_diacritics(client, users, people):
    # Given the standing office, who sees every record
    client.force_login(users["office"])
    # When "dinh tien dung" is typed
    results = _results(client, "lookup_people", "dinh tien dung")
    # Then both namesakes are found with code, post and unit to tell them apart
    by_id = {r["id"]: r for r in results}
    assert set(by_id) == {people["dung"].pk, people["dung_stc"].pk}
    assert by_id[people["dung"].pk] == {
        "id": people["dung"].pk, "code": people["dung"].code, "label": "Đinh Tiến Dũng",
        "hint": f"{people['dung'].code} · Chuyên viên tổ chức cán bộ · Phòng Tổ chức, biên chế"}


def test_a_personnel_officer_of_one_unit_never_finds_another_units_people(client, hr, people):
    # Given the personnel officer of Sở Tài chính (B), and Đinh Tiến Dũng working in Sở Nội vụ (A)
    client.force_login(hr["stc"])
    # When they search the name, and the record code of A's person
    by_name = _results(client, "lookup_people", "dinh tien")
    by_code = _results(client, "lookup_people", people["dung"].code)
    # Then only B's namesake comes back, never A's person
    assert [r["id"] for r in by_name] == [people["dung_stc"].pk]
    assert by_code == []


def test_person_search_is_logged_and_an_empty_query_lists_nobody(client, hr, people):
    client.force_login(hr["snv"])
    before = AccessLog.objects.count()
    assert _results(client, "lookup_people", "  ") == []
    assert AccessLog.objects.count() == before  # nothing was shown, nothing logged
    _results(client, "lookup_people", "nguyen van")
    log = AccessLog.objects.latest("pk")
    assert (log.user_id, log.action, log.detail) == (hr["snv"].pk, "list", "lookup q=nguyen van")


def test_person_search_refused_to_who_may_not_read_people(client, users, people):
    # Given a lead officer (reads no personnel record)
    client.force_login(users["snv"])
    before = AccessLog.objects.count()
    # When they call the search anyway
    response = client.get(reverse("lookup_people"), {"q": "dinh"})
    # Then 403, no names in the answer, nothing logged
    assert response.status_code == 403
    assert "Đinh" not in response.content.decode()
    assert AccessLog.objects.count() == before


def test_person_search_refuses_anonymous(client, people):
    response = client.get(reverse("lookup_people"), {"q": "dinh"})
    assert response.status_code == 302
    assert "Đinh" not in response.content.decode()


# --- The widget ----------------------------------------------------------------------------------------


def test_the_unit_picker_renders_the_plain_select_and_still_posts_ids(units):
    # Given the deliverable form
    form = DeliverableForm(units=Unit.objects.filter(pk__in=[units["snv"].pk, units["stc"].pk]))
    html = str(form["coordinating_units"])
    # Then the picker wraps the plain multiple select (what a browser without JavaScript shows)
    assert 'data-picker data-url="/tra-cuu/don-vi/"' in html
    assert 'data-multiple' in html
    assert '<select name="coordinating_units"' in html and "multiple" in html
    assert f'<option value="{units["stc"].pk}">Sở Tài chính</option>' in html
    # And the posted ids are validated as before: one outside the choices is refused
    bound = DeliverableForm({"lead_unit": str(units["tu"].pk)}, units=Unit.objects.filter(pk=units["snv"].pk))
    assert not bound.is_valid()
    assert "lead_unit" in bound.errors


def test_the_person_picker_posts_the_record_code(db):
    form = FlaggedAddForm({"code": "CB00001", "reason": ""})
    html = str(form["code"])
    assert 'data-url="/tra-cuu/can-bo/" data-value-key="code"' in html
    assert '<input type="text" name="code" value="CB00001"' in html
    assert form.is_valid() and form.cleaned_data["code"] == "CB00001"
