"""Writes of "Việc của tôi": the visit mark, and the one bulk action that changes records (deadline extensions
of several items with one reason), built on the single-item service so its rules and change records hold."""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.htmx import error_dict
from chidao.core.models import User

from . import permissions, services
from .models import DeadlineExtension, Deliverable

# Errors of the single-item service that concern the item (said once per item); the others concern the input
# shared by every item (the reason, who approved, when) and are said once.
ITEM_FIELDS = frozenset({"new_deadline", "__all__"})


def inbox_seen_mark(*, user: User, at: dt.datetime | None = None) -> None:
    """The user opened their inbox: a steering member's "what changed" starts from here next time. The user's
    own reading state, not a change to a record, so it leaves no change record (as marking notifications
    read)."""
    if not user.is_authenticated or not user.is_active:
        return
    user.inbox_seen_at = at or timezone.now()
    User.objects.filter(pk=user.pk).update(inbox_seen_at=user.inbox_seen_at)


@transaction.atomic
def deliverables_extend_deadline(
    *, actor: User, deliverables: Iterable[Deliverable], new_deadline: dt.date, reason: str, approved_by: str,
    approved_on: dt.date, at: dt.datetime | None = None,
) -> list[DeadlineExtension]:
    """Extend the deadline of several items to one new date with one reason (`services.deliverable_extend_deadline`
    for each, each with its change record). All or nothing: if one item refuses (say the new date is not after its
    deadline), none is extended and the error names every item that refused."""
    if not permissions.can_manage_programs(actor):
        raise PermissionDenied(_("Chỉ cơ quan thường trực ghi nhận gia hạn."))
    items = list({d.pk: d for d in deliverables}.values())
    if not items:
        raise ValidationError({"ids": _("Chưa chọn nội dung nào.")})
    at = at or timezone.now()
    extensions: list[DeadlineExtension] = []
    errors: dict[str, list[str]] = {}
    for item in items:
        try:
            extensions.append(services.deliverable_extend_deadline(
                actor=actor, deliverable=item, new_deadline=new_deadline, reason=reason, approved_by=approved_by,
                approved_on=approved_on, at=at))
        except ValidationError as exc:  # its savepoint is rolled back; the others' go with the raise below
            for name, messages in error_dict(exc).items():
                for message in messages:
                    if name in ITEM_FIELDS:
                        errors.setdefault("ids", []).append(_("%(program)s · %(code)s: %(error)s") % {
                            "program": item.program.number, "code": item.code, "error": message})
                    elif message not in errors.setdefault(name, []):
                        errors[name].append(message)
    if errors:
        raise ValidationError(errors)
    return extensions
