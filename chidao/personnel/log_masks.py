"""The change log of cadre records follows the personnel scope (issue 13, item 3).

A reader who may not read the person (`Person.objects.visible_to`) reads the entry without the person (the object's
name blanked) and without the values (before/after/reason emptied): who changed which kind of record, when, stays.
Every read of an entry about a person, shown or blanked, is written to the access log (action "change_log"); a
blanked read names no person there, so the access log does not tell its reader whom the entry was about.
Registered for every personnel model in `PersonnelConfig.ready` and for the rotation records that name people in
`RotationConfig.ready`.
"""

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from chidao.core.models import ChangeRecord, User

from .models import AccessLog, Person
from .permissions import can_reach_every_unit, can_read_people

LOG_ACTION = "change_log"


def hidden_repr() -> str:
    return _("Hồ sơ cán bộ (ẩn)")


def _blank(record: ChangeRecord, *, name: bool) -> None:
    if name:
        record.object_repr = hidden_repr()
    record.before = None
    record.after = None
    record.reason = ""


def _persons_of(model: type[models.Model], records: list[ChangeRecord], person_field: str) -> dict[str, int]:
    """Object id -> the id of the person the record is about (objects deleted since are missing)."""
    ids = [r.object_id for r in records if r.object_id.isdigit()]
    if model is Person:
        return {i: int(i) for i in ids}
    return {str(pk): person for pk, person in model._default_manager.filter(pk__in=ids)
            .values_list("pk", person_field) if person is not None}


def person_records_masker(model: type[models.Model], person_field: str = "person_id"
                          ) -> Callable[[list[ChangeRecord], Any], None]:
    """The record masker of a model whose records are about one person (`person_field` on the model)."""
    label = f"{model._meta.app_label}.{model._meta.model_name}"

    def mask(records: list[ChangeRecord], reader: User) -> None:
        person_of = _persons_of(model, records, person_field)
        visible = set(Person.objects.visible_to(reader).filter(pk__in=set(person_of.values()))
                      .values_list("pk", flat=True))
        everyone = can_read_people(reader) and can_reach_every_unit(reader)
        logs = []
        for record in records:
            if not record.object_id:  # an import's one record: counts, about nobody
                continue
            person = person_of.get(record.object_id)
            shown = person in visible if person is not None else everyone
            if not shown:
                _blank(record, name=True)
            detail = f"{label} #{record.object_id}, " + _("bản ghi thay đổi #%(id)s") % {"id": record.pk}
            logs.append(AccessLog(user=reader, person_id=person if shown else None, action=LOG_ACTION,
                                  detail=(detail if shown else f"{detail} ({_('ẩn')})")[:300]))
        if logs and reader.is_authenticated:
            AccessLog.objects.bulk_create(logs)

    return mask


def people_free_masker(records: list[ChangeRecord], reader: User) -> None:
    """Personnel records about no one person (posts, planning terms): their values only for readers of cadre
    records at all (`can_read_people`); their name (a post, a term) stays."""
    if not can_read_people(reader):
        for record in records:
            if record.object_id:
                _blank(record, name=False)
