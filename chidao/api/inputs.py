"""Input types and checks every router shares, so that a request is refused with a 422 in the
request's language (never a 500) whatever it holds: NUL characters, ids beyond a database integer,
dates as numbers, values outside a model's choices."""

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable
from typing import Annotated, Any, get_args

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import (
    AfterValidator,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    WithJsonSchema,
    create_model,
    field_validator,
)
from pydantic_core import PydanticCustomError

from chidao.core.dates import DateOutOfRange, date_in_range, date_range_message
from chidao.core.errors import ValidationError
from chidao.core.forms import choice_items
from chidao.core.http import DOCX as DOCX
from chidao.core.http import PDF as PDF
from chidao.core.http import XLSX as XLSX
from chidao.core.http import file_response as file_response
from chidao.core.models import Unit
from chidao.core.selectors import units_in_force_by_pk

# The largest id a database integer column holds; larger ids in a filter would crash the query.
MAX_ID = 2**63 - 1
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _no_nul(value: str) -> str:
    """PostgreSQL text cannot hold NUL characters: refuse them as invalid input."""
    if "\x00" in value:
        raise ValueError("NUL")
    return value


def _iso_date(value: Any) -> Any:
    """Dates are YYYY-MM-DD, as the schema says: not a number of seconds, not a date with a time."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and ISO_DATE.match(value):
        return value
    raise PydanticCustomError("date_parsing", "Input should be a date in the format YYYY-MM-DD")


def _in_range(value: Any) -> Any:
    """A date inside the one accepted range (chidao.core.dates), refused with the message naming it."""
    if isinstance(value, dt.date):
        try:
            date_in_range(value)
        except DateOutOfRange as exc:
            raise PydanticCustomError(CHOICE_ERROR, "{message}", {"message": str(exc)}) from None
    return value


def _not_bool(value: Any) -> Any:
    """An integer is not true or false (JSON booleans would otherwise pass as 1 and 0)."""
    if isinstance(value, bool):
        raise PydanticCustomError("int_type", "Input should be a valid integer")
    return value


# Constraints (Field) come before the validators so that the schema keeps them as minimum/maximum.
NotBool = BeforeValidator(_not_bool)
Text = Annotated[str, AfterValidator(_no_nul)]
Date = Annotated[dt.date, BeforeValidator(_iso_date), AfterValidator(_in_range)]
Int = Annotated[int, NotBool]
Required = Annotated[Text, StringConstraints(strip_whitespace=True, min_length=1)]
Id = Annotated[int, Field(ge=1, le=MAX_ID), NotBool]


class In(Schema):
    """A request body or filter whose plain `str` and `date` fields get the checks of `Text` and `Date`."""

    @field_validator("*", mode="before")
    @classmethod
    def _strict(cls, value: Any, info: ValidationInfo) -> Any:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL")
        annotation = cls.model_fields[info.field_name or ""].annotation
        if value is not None and dt.date in (annotation, *get_args(annotation)):
            value = _iso_date(value)
            try:
                return _in_range(dt.date.fromisoformat(value) if isinstance(value, str) else value)
            except ValueError:
                return value  # an impossible day (2024-02-30): pydantic's own message
        return value


def _choice_message(value: str, allowed: list[str]) -> str:
    return _("Giá trị “%(value)s” không hợp lệ; chọn một trong: %(allowed)s.") % {
        "value": value[:50], "allowed": ", ".join(allowed)}


# A refusal whose message is already the whole sentence (api.py shows it as is, without "Trường ...").
CHOICE_ERROR = "choice"


def Choice(values: Iterable[str], *, blank: bool = True) -> Any:  # noqa: N802 (a type, used as one)
    """A text limited to a model's choices ("" too when `blank`: "all" in a filter). The OpenAPI schema lists
    them (`enum`); a value outside is refused with 422 and the message `choice_check` gives."""
    allowed = [str(v) for v in values]

    def check(value: str) -> str:
        if value not in allowed and not (blank and value == ""):
            raise PydanticCustomError(CHOICE_ERROR, "{message}", {"message": _choice_message(value, allowed)})
        return value

    enum = allowed + ([""] if blank else [])
    return Annotated[Text, AfterValidator(check), WithJsonSchema({"type": "string", "enum": enum})]


def filter_schema(name: str, filters: type, doc: str, base: type[Schema] = Schema, **types: Any) -> type[Schema]:
    """A query schema from a selector's filter dataclass (the one definition of a list's filter): a field with
    `choices` metadata becomes a `Choice`, `str` fields `Text`, `description` metadata describes the field;
    `types` overrides a field's type."""
    fields: dict[str, Any] = {}
    for f in dataclasses.fields(filters):
        choices = f.metadata.get("choices")
        kind: Any = types.get(f.name) or (Choice([v for v, _label in choice_items(choices)]) if choices
                                          else Text if f.type in (str, "str") else f.type)
        described = f.metadata.get("description")
        fields[f.name] = (kind, Field(f.default, description=described) if described else f.default)
    return create_model(name, __base__=base, __doc__=doc, **fields)


def binary(description: str, *mimes: str) -> dict[str, Any]:
    """`openapi_extra` for an endpoint whose 200 answer is a file of one of these types."""
    schema = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"description": description, "content": {m: schema for m in mimes}}}}


def choice_check(field: str, value: str | None, allowed: Iterable[str]) -> None:
    """Refuse a value outside the model's choices, naming the allowed values (None: not given)."""
    allowed = list(allowed)
    if value is not None and value not in allowed:
        raise ValidationError({field: _choice_message(value, allowed)})


def date_check(field: str, value: dt.date | None) -> None:
    """Refuse a date outside the one accepted range (chidao.core.dates.date_bounds)."""
    if value is not None:
        try:
            date_in_range(value)
        except DateOutOfRange:
            raise ValidationError({field: date_range_message()}) from None


def units_in_force(field: str, ids: Iterable[int]) -> list[Unit]:
    """Units in force with these ids (as the pages' pickers offer), in the order given."""
    wanted = list(dict.fromkeys(ids))
    # An id beyond a database integer cannot exist (and SQLite cannot even compare it): not found.
    found = units_in_force_by_pk(pks=[pk for pk in wanted if 0 < pk <= MAX_ID])
    missing = [str(pk) for pk in wanted if pk not in found]
    if missing:
        raise ValidationError({field: _("Không có đơn vị id=%(ids)s.") % {"ids": ", ".join(missing)}})
    return [found[pk] for pk in wanted]


def not_null(payload: Schema, required: Iterable[str]) -> None:
    """A partial update may leave a field out, but may not empty a required one."""
    errors = {name: [_("Trường này không được để trống.")] for name in required
              if name in payload.model_fields_set and getattr(payload, name) is None}
    if errors:
        raise ValidationError(errors)
