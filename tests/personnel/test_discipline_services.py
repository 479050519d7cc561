"""Recording discipline (`services.discipline_add`): forms refused by system and date with nothing written, the
leading post read from the service history of the decision's day, the three bars stored and recorded."""

import datetime as dt

import pytest

from chidao.core.errors import ValidationError
from chidao.core.models import ChangeRecord
from chidao.personnel import services
from chidao.personnel.models import Discipline, DisciplineForm, DisciplineSystem

pytestmark = pytest.mark.django_db
F, S = DisciplineForm, DisciplineSystem


def _add(users, person, system, form, day):
    return services.discipline_add(actor=users["admin"], person=person, system=system, form=form, decided_on=day,
                                   decided_by="UBND Thành phố")


def _state():
    return Discipline.objects.count(), ChangeRecord.objects.count()


@pytest.fixture
def demoted(users, posts, make_person):
    """Head of division from 2018 to 30/06/2025, then staff from 01/07/2025."""
    person = make_person(name="Lê Văn Cao", post="snv_head", since=dt.date(2018, 1, 1))
    services.assignment_add(actor=users["admin"], person=person, position=posts["snv_staff"], kind="transfer",
                            start=dt.date(2025, 7, 1))
    return person


def test_a_form_not_in_force_is_refused_on_the_form_field_and_nothing_is_written(users, make_person):
    person = make_person()
    before = _state()
    with pytest.raises(ValidationError) as exc:
        _add(users, person, S.CIVIL_SERVICE, F.DEMOTION, dt.date(2025, 7, 1))
    assert exc.value.message_dict == {"form": [
        "Từ ngày 01/07/2025 (Luật Cán bộ, công chức 2025 (Luật 80/2025/QH15); Nghị định 172/2025/NĐ-CP) công chức "
        "không còn hình thức kỷ luật hạ bậc lương."]}
    assert _state() == before


def test_a_salary_demotion_decided_before_the_change_is_kept_with_its_12_month_bars(users, make_person):
    person = make_person()
    d = _add(users, person, S.CIVIL_SERVICE, F.DEMOTION, dt.date(2025, 6, 30))
    assert (d.blocks_until, d.appointment_blocked_until, d.grade_blocked_until) == (
        dt.date(2026, 6, 29), dt.date(2026, 6, 29), dt.date(2026, 6, 29))
    record = ChangeRecord.objects.get(object_id=str(d.pk), content_type__model="discipline")
    assert record.after == {"system": "civil_service", "form": "ha_bac_luong", "decided_on": "2025-06-30",
                            "decided_by": "UBND Thành phố", "blocks_until": "2026-06-29",
                            "appointment_blocked_until": "2026-06-29", "grade_blocked_until": "2026-06-29"}


def test_the_leading_post_is_the_one_held_on_the_decision_day(users, demoted):
    # A leader on 30/06/2025: giáng chức is a form for them
    d = _add(users, demoted, S.CIVIL_SERVICE, F.DEMOTION_POST, dt.date(2025, 6, 30))
    assert (d.blocks_until, d.appointment_blocked_until, d.grade_blocked_until) == (
        dt.date(2027, 6, 29), dt.date(2027, 6, 29), dt.date(2027, 6, 29))
    # Staff from 01/07/2025: cách chức is not
    before = _state()
    with pytest.raises(ValidationError) as exc:
        _add(users, demoted, S.CIVIL_SERVICE, F.REMOVAL, dt.date(2025, 7, 1))
    assert exc.value.message_dict == {"form": [
        "Hình thức cách chức chỉ áp dụng với công chức giữ chức vụ lãnh đạo, quản lý (Luật Cán bộ, công chức 2025 "
        "(Luật 80/2025/QH15); Nghị định 172/2025/NĐ-CP); ngày 01/07/2025 người này không giữ chức vụ lãnh đạo, quản "
        "lý."]}
    assert _state() == before


def test_before_the_history_begins_the_current_post_decides(users, make_person):
    leader = make_person(post="snv_head", since=dt.date(2020, 1, 1))
    staff = make_person(name="Trần Văn Bình", post="snv_staff", since=dt.date(2020, 1, 1))
    assert _add(users, leader, S.PUBLIC_EMPLOYEE, F.REMOVAL, dt.date(2019, 5, 1)).pk is not None
    with pytest.raises(ValidationError):
        _add(users, staff, S.PUBLIC_EMPLOYEE, F.REMOVAL, dt.date(2019, 5, 1))


def test_a_probationary_party_member_through_the_last_day_then_a_full_member(users, make_person):
    person = make_person(party_joined_on=dt.date(2024, 3, 15))
    before = _state()
    with pytest.raises(ValidationError) as exc:
        _add(users, person, S.PARTY, F.EXPULSION, dt.date(2025, 3, 14))
    assert exc.value.message_dict["form"][0].startswith("Ngày 14/03/2025 người này còn là đảng viên dự bị")
    assert _state() == before
    d = _add(users, person, S.PARTY, F.WARNING, dt.date(2025, 3, 14))
    assert (d.blocks_until, d.appointment_blocked_until, d.grade_blocked_until) == (
        dt.date(2026, 3, 13), dt.date(2026, 3, 13), None)
    d = _add(users, person, S.PARTY, F.EXPULSION, dt.date(2025, 3, 15))
    assert (d.blocks_until, d.appointment_blocked_until, d.grade_blocked_until) == (None, None, None)


def test_party_discipline_under_regulation_377_stores_the_longer_appointment_bar(users, make_person):
    person = make_person()
    before_377 = _add(users, person, S.PARTY, F.REMOVAL, dt.date(2025, 10, 7))
    under_377 = _add(users, person, S.PARTY, F.REMOVAL, dt.date(2025, 10, 8))
    assert (before_377.blocks_until, before_377.appointment_blocked_until, before_377.grade_blocked_until) == (
        dt.date(2027, 10, 6), dt.date(2027, 10, 6), None)
    assert (under_377.blocks_until, under_377.appointment_blocked_until, under_377.grade_blocked_until) == (
        dt.date(2027, 10, 7), dt.date(2030, 10, 7), None)
