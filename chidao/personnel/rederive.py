"""`rules_rederive`: recompute every stored field derived from the rulebook after a rule or an override changes.

Person.retirement_date (Decree 135/2020 through `rules.retirement_date`) and the three bars of each Discipline
(`rules.discipline_bars`) are stored so lists filter and sort without computing; a change of law or of a local
override (settings.CHIDAO_RULE_OVERRIDES) makes them stale until this runs. Each changed row gets one change record
(action "rederive") with its before and after; nothing else is touched.
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from chidao.core.models import ChangeRecord, User

from . import rules
from .models import Discipline, Person

ACTION = "rederive"
BATCH = 2000


@dataclass(frozen=True)
class Rederived:
    """One changed row: what it is, and each field's old and new value."""

    model: str
    pk: int
    label: str
    changes: tuple[tuple[str, dt.date | None, dt.date | None], ...]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _records(actor: User | None, rows: list[Rederived], model: type[Person] | type[Discipline]) -> list[ChangeRecord]:
    ct = ContentType.objects.get_for_model(model)
    reason = str(_("Tính lại theo bộ quy định đang áp dụng"))
    return [ChangeRecord(actor=actor if actor is not None and actor.pk else None, action=ACTION, content_type=ct,
                         object_id=str(r.pk), object_repr=r.label[:300],
                         before={f: _iso(a) for f, a, _b in r.changes}, after={f: _iso(b) for f, _a, b in r.changes},
                         reason=reason) for r in rows]


@transaction.atomic
def rules_rederive(*, actor: User | None, dry_run: bool = False) -> list[Rederived]:
    """Recompute the stored retirement dates and discipline bars; write the changed rows and one change record per
    row (unless `dry_run`); return what changed. All or nothing."""
    changed: list[Rederived] = []
    people: list[Person] = []
    for p in Person.objects.only("pk", "code", "full_name", "birth_date", "gender", "retirement_date").iterator(
            chunk_size=BATCH):
        new = rules.retirement_date(birth_date=p.birth_date, gender=p.gender)
        if new != p.retirement_date:
            changed.append(Rederived("person", p.pk, f"{p.full_name} ({p.code})",
                                     (("retirement_date", p.retirement_date, new),)))
            p.retirement_date = new
            people.append(p)
    disciplines: list[Discipline] = []
    fields = ("blocks_until", "appointment_blocked_until", "grade_blocked_until")
    for d in Discipline.objects.select_related("person").only(
            "pk", "system", "form", "decided_on", *fields, "person__full_name", "person__code").iterator(
            chunk_size=BATCH):
        bars = rules.discipline_bars(system=d.system, form=d.form, decided_on=d.decided_on)
        new_values = dict(zip(fields, (bars.planning, bars.appointment, bars.grade), strict=True))
        diffs = tuple((f, getattr(d, f), v) for f, v in new_values.items() if getattr(d, f) != v)
        if diffs:
            changed.append(Rederived("discipline", d.pk, str(d), diffs))
            for f, v in new_values.items():
                setattr(d, f, v)
            disciplines.append(d)
    if dry_run or not changed:
        return changed
    Person.objects.bulk_update(people, ["retirement_date"], batch_size=BATCH)
    Discipline.objects.bulk_update(disciplines, list(fields), batch_size=BATCH)
    ChangeRecord.objects.bulk_create(
        _records(actor, [r for r in changed if r.model == "person"], Person)
        + _records(actor, [r for r in changed if r.model == "discipline"], Discipline), batch_size=BATCH)
    return changed
