"""The events of programs and deliverables that find their people: for each, who is told, in what words (the site's
language, stored and mailed as written), with the link to the deliverable's page.

The services call one function here inside their own transaction, after the write (`core.notifications.notify`
writes the rows with the event and mails after the commit). Every recipient must see the deliverable
(`Deliverable.objects.visible_to`); the user who acted is never told of their own act; the event's key names the
record that happened (the status change, the note, the request), so a retried service tells nobody twice while a
new step (a resubmission after a return) is news again.

Who is told:
- assigned: the lead officers of the lead unit and of each coordinating unit given the deliverable (created,
  lead unit changed, coordinating units added), one message per unit;
- submitted: who may approve it (`permissions.can_transition` to "completed": the standing office and
  administrators). Only "đã trình" asks for approval: "đã hoàn thành dự thảo" is still the unit's to submit;
- returned, with the reason: the lead unit's officers;
- approved: the lead unit's officers and the steering members following the program (whose steering unit is the
  program's issuing body or standing body, above or below it in the tree; every steering member when none is);
- directive (also a meeting's conclusion given as a directive): the lead unit's officers;
- extension requested: who decides it (`permissions.can_decide_extension`); extension granted, refused, or
  recorded directly: the lead unit's officers and the requester;
- a conclusion that becomes a new deliverable: the lead unit's officers (this message stands for the assignment).

History is not news: a record dated more than a day before now (taken over from paper files, the demo's past
years) tells nobody.
"""

import datetime as dt
from collections.abc import Callable, Iterable

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from chidao.core.dates import format_date
from chidao.core.models import NotificationKind, Role, Unit, User
from chidao.core.notifications import Event, notify
from chidao.core.reference import unit_subtree_ids

from . import permissions, selectors
from .models import (
    Conclusion,
    DeadlineExtension,
    DeadlineExtensionRequest,
    Deliverable,
    Note,
    Status,
    StatusChange,
)
from .workflow import OFFICE

NEWS_WINDOW = dt.timedelta(days=1)
SUBJECT_TITLE_CHARS = 90


def _is_news(when: dt.datetime) -> bool:
    return when >= timezone.now() - NEWS_WINDOW


def _in_scope(deliverable: Deliverable) -> Callable[[User], bool]:
    return lambda user: Deliverable.objects.visible_to(user).filter(pk=deliverable.pk).exists()


def _link(deliverable: Deliverable) -> str:
    return reverse("deliverable_detail", args=[deliverable.pk])


def _names(deliverable: Deliverable) -> dict[str, str]:
    """The words every message uses for the deliverable."""
    return {"code": deliverable.code, "title": deliverable.title,
            "short": Truncator(deliverable.title).chars(SUBJECT_TITLE_CHARS),
            "number": deliverable.program.number, "lead": deliverable.lead_unit.name,
            "deadline": format_date(deliverable.deadline)}


def _tell(*, actor: User | None, deliverable: Deliverable, kind: str, key: str, recipients: Iterable[User],
          compose: Callable[[dict[str, str]], tuple[str, str]]) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = compose(_names(deliverable))
    notify(event=Event(kind=kind, key=key, subject=subject, body=body, link=_link(deliverable)),
           recipients=recipients, in_scope=_in_scope(deliverable), actor=actor)


def _lead_unit_officers(deliverable: Deliverable) -> list[User]:
    return list(selectors.lead_officers(unit_ids=[deliverable.lead_unit_id]))


def _office_candidates() -> list[User]:
    """Everyone holding an office-side role, and the superusers (who act as administrators)."""
    office = selectors.users_holding(roles=OFFICE).values("pk")
    return list(User.objects.filter(is_active=True).filter(Q(pk__in=office) | Q(is_superuser=True))
                .prefetch_related("role_grants").order_by("username"))


# --- Assignment ------------------------------------------------------------------------------------------


def deliverable_assigned(*, actor: User, deliverable: Deliverable, unit_ids: Iterable[int]) -> None:
    """Tell each unit newly given the deliverable (as lead or coordinating unit): its lead officers."""
    if not _is_news(deliverable.updated_at):
        return
    for unit_id in dict.fromkeys(unit_ids):
        unit = Unit.objects.get(pk=unit_id)
        leads = unit_id == deliverable.lead_unit_id

        def compose(n: dict[str, str], unit: Unit = unit, leads: bool = leads) -> tuple[str, str]:
            n = {**n, "unit": unit.name}
            if leads:
                return (_("Giao chủ trì: %(code)s. %(short)s") % n,
                        _("%(unit)s được giao chủ trì nội dung %(code)s. %(title)s (Chương trình số %(number)s), "
                          "thời hạn %(deadline)s.") % n)
            return (_("Giao phối hợp: %(code)s. %(short)s") % n,
                    _("%(unit)s được giao phối hợp thực hiện nội dung %(code)s. %(title)s (Chương trình số "
                      "%(number)s) do %(lead)s chủ trì, thời hạn %(deadline)s.") % n)

        _tell(actor=actor, deliverable=deliverable, kind=NotificationKind.ASSIGNED,
              key=f"assigned:deliverable:{deliverable.pk}:unit:{unit_id}:v{deliverable.version}",
              recipients=selectors.lead_officers(unit_ids=[unit_id]), compose=compose)


def deliverable_created(*, actor: User, deliverable: Deliverable) -> None:
    """A new deliverable: its lead unit and its coordinating units."""
    coordinating = deliverable.coordinating_units.order_by("name").values_list("pk", flat=True)
    deliverable_assigned(actor=actor, deliverable=deliverable, unit_ids=[deliverable.lead_unit_id, *coordinating])


def units_given(deliverable: Deliverable) -> tuple[int, frozenset[int]]:
    """The lead unit and the coordinating units, as an edit found them (`deliverable_reassigned` compares)."""
    return deliverable.lead_unit_id, frozenset(deliverable.coordinating_units.values_list("pk", flat=True))


def deliverable_reassigned(*, actor: User, deliverable: Deliverable, given_before: tuple[int, frozenset[int]]) -> None:
    """After an edit: a new lead unit, and the coordinating units added (those dropped are not told)."""
    lead_before, coordinating_before = given_before
    given = [] if deliverable.lead_unit_id == lead_before else [deliverable.lead_unit_id]
    before = coordinating_before | {lead_before}
    given += [pk for pk in deliverable.coordinating_units.order_by("name").values_list("pk", flat=True)
              if pk not in before]
    if given:
        deliverable_assigned(actor=actor, deliverable=deliverable, unit_ids=given)


# --- Workflow steps ------------------------------------------------------------------------------------------


def deliverable_transitioned(*, actor: User, deliverable: Deliverable) -> None:
    """The step just recorded (the deliverable's latest status change): submitted, returned or approved."""
    change = deliverable.status_changes.select_related("by").latest("id")
    if not _is_news(change.at):
        return
    told: dict[str, Callable[[User, Deliverable, StatusChange], None]] = {
        Status.SUBMITTED: _submitted, Status.RETURNED: _returned, Status.COMPLETED: _approved}
    tell = told.get(change.to_status)
    if tell is not None:
        tell(actor, deliverable, change)


def approvers(deliverable: Deliverable) -> list[User]:
    """Who may approve the submitted deliverable now (the workflow's predicate decides, not a role list)."""
    return [u for u in _office_candidates() if permissions.can_transition(u, deliverable, Status.COMPLETED)]


def _submitted(actor: User, deliverable: Deliverable, change: StatusChange) -> None:
    again = deliverable.status_changes.filter(to_status=Status.RETURNED, id__lt=change.pk).exists()

    def compose(n: dict[str, str]) -> tuple[str, str]:
        n = {**n, "day": format_date(timezone.localdate(change.at))}
        if again:
            return (_("Trình lại, chờ phê duyệt: %(code)s. %(short)s") % n,
                    _("%(lead)s đã trình lại nội dung %(code)s. %(title)s (Chương trình số %(number)s) ngày "
                      "%(day)s sau khi bị trả lại; đề nghị xem xét, phê duyệt.") % n)
        return (_("Chờ phê duyệt: %(code)s. %(short)s") % n,
                _("%(lead)s đã trình nội dung %(code)s. %(title)s (Chương trình số %(number)s) ngày %(day)s; "
                  "đề nghị xem xét, phê duyệt.") % n)

    _tell(actor=actor, deliverable=deliverable, kind=NotificationKind.SUBMITTED,
          key=f"submitted:deliverable:{deliverable.pk}:status:{change.pk}", recipients=approvers(deliverable),
          compose=compose)


def _returned(actor: User, deliverable: Deliverable, change: StatusChange) -> None:
    def compose(n: dict[str, str]) -> tuple[str, str]:
        n = {**n, "day": format_date(timezone.localdate(change.at)), "reason": change.reason}
        return (_("Trả lại: %(code)s. %(short)s") % n,
                _("Nội dung %(code)s. %(title)s (Chương trình số %(number)s) bị trả lại ngày %(day)s.\n"
                  "Lý do: %(reason)s\nĐề nghị hoàn thiện và trình lại.") % n)

    _tell(actor=actor, deliverable=deliverable, kind=NotificationKind.RETURNED,
          key=f"returned:deliverable:{deliverable.pk}:status:{change.pk}",
          recipients=_lead_unit_officers(deliverable), compose=compose)


def _related_units(deliverable: Deliverable) -> set[int]:
    """The program's issuing body and standing body, the units above them and the units below them."""
    related: set[int] = set()
    program = deliverable.program
    for unit in (program.issuing_body, program.steering_unit):
        if unit is None:
            continue
        related |= unit_subtree_ids(unit)
        above = unit.parent
        while above is not None and above.pk not in related:
            related.add(above.pk)
            above = above.parent
    return related


def steering_followers(deliverable: Deliverable) -> list[User]:
    """The steering members following the deliverable's program: those whose steering grant is in a unit related
    to the program (`_related_units`); every steering member when none is."""
    steering = list(selectors.users_holding(roles=[Role.STEERING]))
    related = _related_units(deliverable)
    following = [u for u in steering if u.units_with_role(Role.STEERING) & related]
    return following or steering


def _approved(actor: User, deliverable: Deliverable, change: StatusChange) -> None:
    def compose(n: dict[str, str]) -> tuple[str, str]:
        n = {**n, "day": format_date(deliverable.completed_on), "doc": change.doc_number,
             "doc_date": format_date(change.doc_date)}
        return (_("Đã phê duyệt: %(code)s. %(short)s") % n,
                _("Nội dung %(code)s. %(title)s (Chương trình số %(number)s) do %(lead)s chủ trì đã được phê "
                  "duyệt, hoàn thành ngày %(day)s (văn bản số %(doc)s ngày %(doc_date)s).") % n)

    _tell(actor=actor, deliverable=deliverable, kind=NotificationKind.APPROVED,
          key=f"approved:deliverable:{deliverable.pk}:status:{change.pk}",
          recipients=[*_lead_unit_officers(deliverable), *steering_followers(deliverable)], compose=compose)


# --- Directives and conclusions ------------------------------------------------------------------------------


def note_added(*, actor: User, note: Note) -> None:
    """A directive (also a conclusion given as a directive) to the lead unit; progress and comments tell nobody."""
    if note.kind != Note.Kind.DIRECTIVE or not _is_news(note.at):
        return
    deliverable = note.deliverable

    def compose(n: dict[str, str]) -> tuple[str, str]:
        n = {**n, "author": str(actor), "text": note.text, "due": format_date(note.due_on)}
        body = _("Ý kiến chỉ đạo của %(author)s về nội dung %(code)s. %(title)s (Chương trình số %(number)s):\n"
                 "%(text)s") % n
        if note.due_on:
            body += "\n" + _("Hạn thực hiện: %(due)s.") % n
        return _("Chỉ đạo: %(code)s. %(short)s") % n, body

    _tell(actor=actor, deliverable=deliverable, kind=NotificationKind.DIRECTIVE,
          key=f"directive:deliverable:{deliverable.pk}:note:{note.pk}",
          recipients=_lead_unit_officers(deliverable), compose=compose)


def conclusion_recorded(*, actor: User, conclusion: Conclusion) -> None:
    """A conclusion tracked as a new deliverable: its lead unit (a directive one was told by `note_added`)."""
    if conclusion.tracked_as_directive or not _is_news(conclusion.created_at):
        return
    deliverable, meeting = conclusion.deliverable, conclusion.meeting

    def compose(n: dict[str, str]) -> tuple[str, str]:
        n = {**n, "meeting": meeting.title, "held": format_date(meeting.held_on), "text": conclusion.text,
             "due": format_date(conclusion.deadline)}
        return (_("Kết luận giao nhiệm vụ: %(code)s. %(short)s") % n,
                _("Kết luận tại %(meeting)s ngày %(held)s giao %(lead)s chủ trì:\n%(text)s\nThời hạn: %(due)s. "
                  "Theo dõi tại nội dung %(code)s (Chương trình số %(number)s).") % n)

    _tell(actor=actor, deliverable=deliverable, kind=NotificationKind.CONCLUSION_TASK,
          key=f"conclusion_task:conclusion:{conclusion.pk}", recipients=_lead_unit_officers(deliverable),
          compose=compose)


# --- Deadline extensions ---------------------------------------------------------------------------------------


def extension_deciders() -> list[User]:
    """Who grants or refuses extension requests."""
    return [u for u in _office_candidates() if permissions.can_decide_extension(u)]


def extension_requested(*, actor: User, request: DeadlineExtensionRequest) -> None:
    """A new request: who decides it."""
    deliverable = request.deliverable

    def compose(n: dict[str, str]) -> tuple[str, str]:
        n = {**n, "who": str(request.requested_by), "new": format_date(request.requested_deadline),
             "reason": request.reason}
        return (_("Đề nghị gia hạn: %(code)s. %(short)s") % n,
                _("%(who)s đề nghị gia hạn nội dung %(code)s. %(title)s (Chương trình số %(number)s, %(lead)s chủ "
                  "trì) từ %(deadline)s đến %(new)s.\nLý do: %(reason)s\nĐề nghị xem xét, quyết định.") % n)

    _tell(actor=actor, deliverable=deliverable, kind=NotificationKind.EXTENSION_REQUESTED,
          key=f"extension_requested:request:{request.pk}", recipients=extension_deciders(),
          compose=compose)


def extension_request_decided(*, actor: User, request: DeadlineExtensionRequest) -> None:
    """A request granted or refused: the lead unit's officers and the requester."""
    deliverable, extension = request.deliverable, request.extension

    def compose(n: dict[str, str]) -> tuple[str, str]:
        n = {**n, "new": format_date(request.requested_deadline), "asked": format_date(timezone.localdate(
            request.requested_at)), "note": request.decision_note}
        if extension is not None:
            n |= {"old": format_date(extension.previous_deadline), "by": extension.approved_by,
                  "on": format_date(extension.approved_on)}
            body = _("Đề nghị gia hạn ngày %(asked)s cho nội dung %(code)s. %(title)s (Chương trình số %(number)s) "
                     "được chấp thuận: thời hạn mới %(new)s (trước đây %(old)s), %(by)s phê duyệt ngày %(on)s.") % n
            if request.decision_note:
                body += "\n" + _("Ý kiến: %(note)s") % n
            return _("Đồng ý gia hạn: %(code)s. %(short)s") % n, body
        return (_("Không đồng ý gia hạn: %(code)s. %(short)s") % n,
                _("Đề nghị gia hạn ngày %(asked)s cho nội dung %(code)s. %(title)s (Chương trình số %(number)s) "
                  "đến %(new)s không được chấp thuận.\nLý do: %(note)s\nThời hạn vẫn là %(deadline)s.") % n)

    _tell(actor=actor, deliverable=deliverable, kind=NotificationKind.EXTENSION_DECIDED,
          key=f"extension_decided:request:{request.pk}",
          recipients=[*_lead_unit_officers(deliverable), request.requested_by], compose=compose)


def deadline_extended(*, actor: User, extension: DeadlineExtension) -> None:
    """An extension the office recorded directly (not on a request): the lead unit's officers."""
    if not _is_news(extension.recorded_at):
        return
    deliverable = extension.deliverable

    def compose(n: dict[str, str]) -> tuple[str, str]:
        n = {**n, "old": format_date(extension.previous_deadline), "new": format_date(extension.new_deadline),
             "by": extension.approved_by, "on": format_date(extension.approved_on), "reason": extension.reason}
        return (_("Gia hạn: %(code)s. %(short)s") % n,
                _("Nội dung %(code)s. %(title)s (Chương trình số %(number)s) được gia hạn từ %(old)s đến %(new)s, "
                  "%(by)s phê duyệt ngày %(on)s.\nLý do: %(reason)s") % n)

    _tell(actor=actor, deliverable=deliverable, kind=NotificationKind.EXTENSION_DECIDED,
          key=f"extension_decided:extension:{extension.pk}", recipients=_lead_unit_officers(deliverable),
          compose=compose)

