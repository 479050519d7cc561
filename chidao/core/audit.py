"""Change records: every service write calls `change_record_create` explicitly (no signals)."""

import datetime as dt
import decimal
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import ChangeRecord, User
from .text import vn_collation_key


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_json_value(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """A JSON-ready picture of the named fields; foreign keys and many-to-many by their names."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            data[name] = sorted(str(o) for o in getattr(obj, name).all()) if obj.pk else []
        else:
            data[name] = _json_value(getattr(obj, name))
    return data


def change_record_create(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> ChangeRecord:
    return ChangeRecord.objects.create(
        actor=actor,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        reason=reason,
    )


def import_record_create(*, actor: User | None, model: type[models.Model], summary: str,
                         after: dict[str, Any]) -> ChangeRecord:
    """The ONE change record of an Excel import (action "import", on the model, no object): what was written,
    counted, instead of one record per row."""
    return ChangeRecord.objects.create(
        actor=actor if actor is not None and actor.pk else None,
        action="import",
        content_type=ContentType.objects.get_for_model(model),
        object_id="",
        object_repr=summary[:300],
        after={k: _json_value(v) for k, v in after.items()},
        reason=str(_("Nhập từ tệp Excel")),
    )


def change_records_for(obj: models.Model) -> models.QuerySet[ChangeRecord]:
    return ChangeRecord.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).select_related("actor")


ACTION_LABELS = {
    "create": _("tạo mới"),
    "update": _("sửa thông tin"),
    "transition": _("chuyển trạng thái"),
    "extend": _("gia hạn"),
    "attach": _("đính kèm tệp"),
    "note_progress": _("cập nhật tiến độ"),
    "note_comment": _("ý kiến"),
    "note_directive": _("chỉ đạo"),
    "import": _("nhập từ Excel"),
    "delete": _("xóa"),
    "unit_move": _("chuyển đơn vị cấp trên"),
    "unit_merge": _("hợp nhất đơn vị"),
    "unit_dissolve": _("giải thể đơn vị"),
    "due_list_build": _("lập danh sách đến hạn"),
    "due_entry_add": _("bổ sung vào danh sách"),
    "include": _("đưa vào phương án"),
    "exclude": _("đưa ra khỏi phương án"),
    "plan_request": _("yêu cầu lập phương án"),
    "plan_solve": _("lập phương án"),
    "plan_solve_failed": _("lập phương án không thành công"),
    "move_edit": _("điều chỉnh phương án"),
    "move_swap": _("đổi chỗ hai người trong phương án"),
    "plan_approve": _("phê duyệt phương án"),
    "plan_publish": _("công khai phương án"),
    "plan_apply": _("thực hiện phương án"),
    "report_failed": _("lập báo cáo không thành công"),
    "report_requeued": _("xếp lại hàng đợi lập báo cáo"),
    "report_issue": _("ban hành báo cáo"),
    "document_issue": _("vào sổ văn bản đi"),
    "reminders_failed": _("gửi nhắc hạn không thành công"),
    "notification_email_failed": _("gửi thư thông báo không thành công"),
    "otp_enrol_start": _("bắt đầu đăng ký xác thực hai lớp"),
    "otp_enrol": _("bật xác thực hai lớp"),
    "otp_recovery_used": _("dùng mã dự phòng"),
    "otp_reset": _("đặt lại xác thực hai lớp"),
    "sso_login": _("đăng nhập một lần (SSO)"),
}
# Keys some services record that are not fields of the audited model.
EXTRA_LABELS = {
    "note": _("nội dung trao đổi"),
    "percent": _("tiến độ (%)"),
    "due_on": _("hạn thực hiện"),
    "attachment": _("tệp"),
    "purpose": _("mục đích"),
    "size": _("dung lượng (byte)"),
}


def _display(field: models.Field | None, value: Any) -> str:
    if value is None or value == "":
        return "∅"
    if isinstance(value, list):
        return "; ".join(_display(field, v) for v in value) or "∅"
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return str(value)


def change_rows(record: ChangeRecord, model: type[models.Model] | None) -> list[tuple[str, str, str]]:
    """A change record as people read it: field labels, choice labels, dd/mm/yyyy dates (raw keys only for a model
    gone from the code). Rows follow the model's field order, not the stored JSON's key order, which PostgreSQL's
    jsonb does not keep."""
    order = {f.name: i for i, f in enumerate(model._meta.get_fields())} if model is not None else {}
    rows = []
    changed = sorted(record.changed_fields(), key=lambda c: (order.get(c[0], len(order)), c[0]))
    for name, before, after in changed:
        try:
            if model is None:
                raise FieldDoesNotExist(name)
            found = model._meta.get_field(name)
            if isinstance(found, models.Field):
                field: models.Field | None = found
                label = str(found.verbose_name)
            else:  # a reverse relation (the records pointing here): named by the other model
                field, label = None, str(found.related_model._meta.verbose_name_plural)  # type: ignore[union-attr]
        except FieldDoesNotExist:
            field, label = None, str(EXTRA_LABELS.get(name, name))
        shown = (_display(field, before), _display(field, after))
        if shown[0] != shown[1]:
            rows.append((label, *shown))
    return rows


def action_label_register(action: str, label: Any) -> None:
    """Name a new action code for the change log (pages, export, API): an app that records an action core does not
    list registers its words here (from its `AppConfig.ready`), so no page ever shows a raw code."""
    ACTION_LABELS[action] = label


def action_label(action: str) -> str:
    """The words for an action code in the request's language (the code itself only if nobody named it)."""
    return str(ACTION_LABELS.get(action, action))


def action_choices() -> list[tuple[str, str]]:
    """(code, words) of every named action, in Vietnamese alphabetical order of the words (a filter's choices)."""
    return sorted(((code, str(label)) for code, label in ACTION_LABELS.items()),
                  key=lambda item: vn_collation_key(item[1]))
