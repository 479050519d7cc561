"""Writes on cadre records: permission, validation, write, change record (no signals).

Only those who may read a record may change it (`Person.objects.visible_to`), and a personnel
officer only inside their unit's subtree.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from chidao.core.audit import change_record_create, snapshot
from chidao.core.limits import instance_length_errors, lengths_check
from chidao.core.models import Unit, User
from chidao.core.text import fold, vn_name_sort_key

from . import rules
from .models import (
    Assignment,
    Deferral,
    Discipline,
    Gender,
    Person,
    Position,
    Rating,
    RatingLevel,
    Relation,
    Relative,
    ServiceKind,
)
from .permissions import SENSITIVE_FIELDS, can_manage_people, can_reach_unit, can_see_sensitive

PERSON_FIELDS = ("code", "full_name", "birth_date", "gender", "service_kind", "hometown", "party_joined_on",
                 "education", "expertise", "phone", "email", "address", "id_number", "unit", "position",
                 "retirement_date")
INVERSE: dict[str, str] = {Relation.SPOUSE: Relation.SPOUSE, Relation.SIBLING: Relation.SIBLING,
                           Relation.PARENT: Relation.CHILD, Relation.CHILD: Relation.PARENT}


def _require_unit_scope(actor: User, unit: Unit | None) -> None:
    """A personnel officer writes only for units of their own subtree."""
    if not can_manage_people(actor):
        raise PermissionDenied(_("Bạn không có quyền cập nhật hồ sơ cán bộ."))
    if not can_reach_unit(actor, unit.pk if unit is not None else None):
        raise PermissionDenied(_("Đơn vị này ngoài phạm vi quản lý của bạn."))


def _require_person(actor: User, person: Person) -> None:
    if not can_manage_people(actor) or not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise PermissionDenied(_("Bạn không có quyền cập nhật hồ sơ này."))


def person_derive(person: Person) -> None:
    """Fields kept from others: search text, Vietnamese sort key, retirement date."""
    person.search_text = fold(f"{person.full_name} {person.code}")
    person.sort_key = vn_name_sort_key(person.full_name)
    person.retirement_date = rules.retirement_date(birth_date=person.birth_date, gender=person.gender)


def code_taken_message(actor: User, code: str, taken: QuerySet[Person]) -> str:
    """Why a person code already used cannot be used again: said plainly when the actor may see the record that
    holds it, and neutrally otherwise (a record outside the actor's scope must not be revealed to exist)."""
    if taken.filter(pk__in=Person.objects.visible_to(actor).values("pk")).exists():
        return _("Mã hồ sơ %(c)s đã có.") % {"c": code}
    return _("Mã hồ sơ %(c)s không dùng được.") % {"c": code}


def _validate_person(person: Person, *, actor: User) -> None:
    errors = instance_length_errors(person)
    if not person.full_name.strip():
        errors["full_name"] = _("Nhập họ và tên.")
    if person.gender not in Gender.values:
        errors["gender"] = _("Giới tính không hợp lệ.")
    if person.service_kind not in ServiceKind.values:
        errors["service_kind"] = _("Chọn cán bộ, công chức hoặc viên chức (hoặc để trống nếu chưa xác định).")
    if person.birth_date and person.birth_date > dt.date.today():
        errors["birth_date"] = _("Ngày sinh không được sau hôm nay.")
    if person.party_joined_on and person.birth_date and person.party_joined_on <= person.birth_date:
        errors["party_joined_on"] = _("Ngày vào Đảng phải sau ngày sinh.")
    if (taken := Person.objects.filter(code__iexact=person.code).exclude(pk=person.pk)).exists():
        errors["code"] = code_taken_message(actor, person.code, taken)
    if errors:
        raise ValidationError(errors)


def _require_sensitive_write(actor: User, person: Person, names: set[str]) -> None:
    """Only those who may see a record's sensitive fields may write them (the standing office reads the
    record with them masked, so it may not fill them either)."""
    if names and not can_see_sensitive(actor, person):
        raise PermissionDenied(_("Bạn không được xem nên không được ghi các trường nhạy cảm: %(f)s.") % {
            "f": ", ".join(sorted(names))})


@transaction.atomic
def person_create(*, actor: User, code: str, full_name: str, birth_date: dt.date, gender: str,
                  unit: Unit | None = None, **fields: Any) -> Person:
    _require_unit_scope(actor, unit)
    person = Person(code=code.strip(), full_name=" ".join(full_name.split()), birth_date=birth_date, gender=gender,
                    unit=unit, **fields)
    _require_sensitive_write(actor, person, {name for name in SENSITIVE_FIELDS if fields.get(name)})
    _validate_person(person, actor=actor)
    person_derive(person)
    person.save()
    change_record_create(actor=actor, action="create", obj=person, after=snapshot(person, PERSON_FIELDS))
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, reason: str = "", **changes: Any) -> Person:
    _require_person(actor, person)
    _require_sensitive_write(actor, person, set(SENSITIVE_FIELDS) & set(changes))
    before = snapshot(person, PERSON_FIELDS)
    for name, value in changes.items():
        setattr(person, name, value)
    _validate_person(person, actor=actor)
    person_derive(person)
    person.save()
    change_record_create(actor=actor, action="update", obj=person, before=before,
                         after=snapshot(person, PERSON_FIELDS), reason=reason)
    return person


def person_refresh_current(person: Person) -> None:
    """Current unit, post and time in post come from the open assignment that started last."""
    current = person.assignments.filter(end__isnull=True).select_related("position").order_by("-start", "-id").first()
    if current is None:
        person.position, person.position_since = None, None
    else:
        person.position, person.position_since = current.position, current.start
        person.unit = current.position.unit


@transaction.atomic
def assignment_add(*, actor: User, person: Person, position: Position, kind: str, start: dt.date,
                   end: dt.date | None = None, decision: str = "", close_current: bool = True) -> Assignment:
    """Record a stretch of service; by default the open one ends the day before the new one starts."""
    _require_person(actor, person)
    _require_unit_scope(actor, position.unit)
    if end is not None and end < start:
        raise ValidationError({"end": _("Ngày kết thúc không được trước ngày bắt đầu.")})
    if close_current and end is None:
        for open_one in person.assignments.filter(end__isnull=True):
            if open_one.start >= start:
                raise ValidationError({"start": _("Đã có quá trình công tác bắt đầu từ %(d)s, sau ngày này.") % {
                    "d": open_one.start.strftime("%d/%m/%Y")}})
            open_one.end = start - dt.timedelta(days=1)
            open_one.save(update_fields=["end"])
    assignment = Assignment.objects.create(person=person, position=position, kind=kind, start=start, end=end,
                                           decision=decision)
    person_refresh_current(person)
    person.save()
    change_record_create(actor=actor, action="create", obj=assignment,
                         after=snapshot(assignment, ("person", "position", "kind", "start", "end", "decision")))
    return assignment


@transaction.atomic
def rating_set(*, actor: User, person: Person, year: int, level: str) -> Rating:
    """The year's rating (one per year; a second call corrects it and records the change)."""
    _require_person(actor, person)
    if level not in RatingLevel.values:
        raise ValidationError({"level": _("Mức xếp loại không hợp lệ.")})
    if not 1990 <= year <= dt.date.today().year:
        raise ValidationError({"year": _("Năm xếp loại không hợp lệ.")})
    rating = Rating.objects.filter(person=person, year=year).first()
    before = snapshot(rating, ("year", "level")) if rating else None
    rating = rating or Rating(person=person, year=year)
    rating.level = level
    rating.save()
    change_record_create(actor=actor, action="update" if before else "create", obj=rating, before=before,
                         after=snapshot(rating, ("year", "level")))
    return rating


DISCIPLINE_FIELDS = ("system", "form", "decided_on", "decided_by", "blocks_until", "appointment_blocked_until",
                     "grade_blocked_until")


def held_leading_post_on(person: Person, on: dt.date) -> bool:
    """Whether `person` held a leading post on `on`: the post of their service history on that day, else their
    current post (`rules.held_leading_post`; one query)."""
    stretches = list(person.assignments.values_list("start", "end", "position__is_leader"))
    if not stretches and person.position_id is not None:
        return bool(Position.objects.filter(pk=person.position_id).values_list("is_leader", flat=True).first())
    return rules.held_leading_post(stretches=stretches, on=on)


@transaction.atomic
def discipline_add(*, actor: User, person: Person, system: str, form: str, decided_on: dt.date, decided_by: str,
                   reason: str = "") -> Discipline:
    """Record a disciplinary decision with its three bars (`rules.discipline_bars`: planning, appointment to a
    higher post, promotion in grade). A form that does not exist in that system on the decision's date, or one
    for leaders given to someone who held no leading post that day, is refused with the reason and the source in
    force (`rules.discipline_form_refusal`); nothing is written then."""
    _require_person(actor, person)
    from .models import DisciplineForm, DisciplineSystem

    if system not in DisciplineSystem.values or form not in DisciplineForm.values:
        raise ValidationError({"form": _("Hình thức kỷ luật không hợp lệ.")})
    if not decided_by.strip():
        raise ValidationError({"decided_by": _("Nhập cơ quan quyết định kỷ luật.")})
    lengths_check(Discipline, decided_by=decided_by.strip(), reason=reason)
    refusal = rules.discipline_form_refusal(system=system, form=form, decided_on=decided_on,
                                            is_leader=held_leading_post_on(person, decided_on),
                                            party_joined_on=person.party_joined_on,
                                            service_kind=person.service_kind)
    if refusal:
        raise ValidationError({"form": refusal})
    bars = rules.discipline_bars(system=system, form=form, decided_on=decided_on)
    discipline = Discipline.objects.create(
        person=person, system=system, form=form, decided_on=decided_on, decided_by=decided_by.strip(), reason=reason,
        blocks_until=bars.planning, appointment_blocked_until=bars.appointment, grade_blocked_until=bars.grade,
    )
    change_record_create(actor=actor, action="create", obj=discipline, after=snapshot(discipline, DISCIPLINE_FIELDS))
    return discipline


@transaction.atomic
def deferral_add(*, actor: User, person: Person, kind: str, start: dt.date, end: dt.date | None = None,
                 note: str = "") -> Deferral:
    _require_person(actor, person)
    if end is not None and end < start:
        raise ValidationError({"end": _("Ngày kết thúc không được trước ngày bắt đầu.")})
    lengths_check(Deferral, note=note)
    deferral = Deferral.objects.create(person=person, kind=kind, start=start, end=end, note=note)
    change_record_create(actor=actor, action="create", obj=deferral,
                         after=snapshot(deferral, ("kind", "start", "end")))
    return deferral


@transaction.atomic
def relative_link(*, actor: User, person: Person, relative: Person, relation: str) -> Relative:
    """Link two people both ways (parent ↔ child, spouse ↔ spouse, sibling ↔ sibling)."""
    _require_person(actor, person)
    if person.pk == relative.pk:
        raise ValidationError({"relative": _("Không thể tự liên kết với chính mình.")})
    if relation not in INVERSE:
        raise ValidationError({"relation": _("Quan hệ không hợp lệ.")})
    link, _created = Relative.objects.update_or_create(person=person, relative=relative,
                                                       defaults={"relation": relation})
    Relative.objects.update_or_create(person=relative, relative=person, defaults={"relation": INVERSE[relation]})
    change_record_create(actor=actor, action="create", obj=link, after={"relative": str(relative),
                                                                        "relation": relation})
    return link
