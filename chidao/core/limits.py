"""How long a text may be, in one place, checked in the service layer so that forms, API and imports refuse the
same over-long value with the same message (a 10,000-character title stretched the reports page; a 9 MB note
made a deliverable page 18.9 MB; an import wrote what PostgreSQL then refused with a 500).

A CharField's limit is its `max_length`; a TextField's is the constant of its kind below, by field name."""

from collections.abc import Mapping
from typing import Any

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .errors import ValidationError

TITLE_MAX = 1_000  # a title of a program, deliverable, meeting, agenda item, publication decision
NAME_MAX = 1_000  # a name kept as text (an administrative procedure's)
REASON_MAX = 2_000  # why something changed: a change, an extension, a removal, a rotation adjustment
DESCRIPTION_MAX = 20_000  # a description, remit, expertise, source of figures
NOTE_MAX = 20_000  # a note, comment, directive, meeting point, conclusion, review finding
LONG_TEXT_MAX = 100_000  # minutes and a procedure's published parts (steps, dossier, legal basis, ...)

# A TextField's kind by its name; a name not listed is long text.
TEXT_LIMITS: Mapping[str, int] = {
    "title": TITLE_MAX, "name": NAME_MAX,
    "reason": REASON_MAX, "added_reason": REASON_MAX, "removed_reason": REASON_MAX,
    "unplaced_reason": REASON_MAX, "override_reason": REASON_MAX,
    "description": DESCRIPTION_MAX, "source_description": DESCRIPTION_MAX, "remit": DESCRIPTION_MAX,
    "expertise": DESCRIPTION_MAX, "attendees": DESCRIPTION_MAX,
    "note": NOTE_MAX, "notes": NOTE_MAX, "text": NOTE_MAX, "finding": NOTE_MAX, "body": NOTE_MAX,
}


def text_limit(model: type[models.Model], name: str) -> int | None:
    """The most characters `model.name` holds: a CharField's max_length, a TextField's kind; None otherwise."""
    field = model._meta.get_field(name)
    if isinstance(field, models.CharField) and field.max_length:
        return int(field.max_length)
    if isinstance(field, models.TextField):
        return TEXT_LIMITS.get(name, LONG_TEXT_MAX)
    return None


def too_long_message(limit: int, length: int) -> str:
    return _("Quá dài: tối đa %(max)s ký tự (đã nhập %(n)s).") % {
        "max": number_format(limit, force_grouping=True), "n": number_format(length, force_grouping=True)}


def length_errors(model: type[models.Model], **values: Any) -> dict[str, str]:
    """{field: message} for the text values longer than their field holds (None and non-text pass), for a
    service that gathers its errors before refusing."""
    errors: dict[str, str] = {}
    for name, value in values.items():
        limit = text_limit(model, name)
        if isinstance(value, str) and limit is not None and len(value) > limit:
            errors[name] = too_long_message(limit, len(value))
    return errors


def instance_length_errors(obj: models.Model) -> dict[str, str]:
    """`length_errors` over every editable text field of an unsaved or changed instance."""
    return length_errors(type(obj), **{
        f.name: getattr(obj, f.attname) for f in obj._meta.concrete_fields
        if f.editable and isinstance(f, models.CharField | models.TextField)})


def lengths_check(model: type[models.Model], **values: Any) -> None:
    """Refuse text values longer than their field holds, each under its field name."""
    errors = length_errors(model, **values)
    if errors:
        raise ValidationError(errors)
