"""Demo of issue 14's organization and accounts: the departments inside Sở Nội vụ with their approved headcount,
and a personnel officer who also serves a second agency (a second role-in-unit grant). Through the same services
as the pages (`core.units`, `core.accounts`)."""

from dataclasses import dataclass

from django.db import transaction

from chidao.core.accounts import role_grant_add
from chidao.core.models import Role, Unit, UnitKind, User
from chidao.core.units import unit_create, unit_update

from .people import demo_admin

# (code, name, approved headcount) of the departments inside Sở Nội vụ (invented figures).
SNV_HEADCOUNT = 62
SNV_DEPARTMENTS = [
    ("SNV-VP", "Văn phòng Sở Nội vụ", 14),
    ("SNV-TCBC", "Phòng Tổ chức, biên chế và tổ chức phi chính phủ", 12),
    ("SNV-CCHC", "Phòng Cải cách hành chính, văn thư và lưu trữ", 11),
    ("SNV-CCVC", "Phòng Công chức, viên chức", 10),
]
# The personnel officer of Sở Nội vụ also keeps the records of Sở Xây dựng.
SECOND_GRANT = ("tccb.snv", Role.PERSONNEL, "SXD")


@dataclass
class AccountsDemo:
    departments: int
    grants: int


@transaction.atomic
def accounts_load() -> AccountsDemo | None:
    """Load once (None, changing nothing, when Sở Nội vụ has its headcount or does not exist). Departments the
    cadre demo already made (`people.OWN_DEPARTMENTS`, which hold its posts) get their headcount."""
    snv = Unit.objects.filter(code="SNV").first()
    if snv is None or snv.headcount is not None:
        return None
    admin = demo_admin()
    unit_update(actor=admin, unit=snv, code=snv.code, name=snv.name, short_name=snv.short_name,
                official_code=snv.official_code, headcount=SNV_HEADCOUNT)
    have = {u.code: u for u in Unit.objects.filter(code__in=[c for c, _n, _h in SNV_DEPARTMENTS])}
    for code, name, headcount in SNV_DEPARTMENTS:
        if code in have:
            unit = have[code]
            unit_update(actor=admin, unit=unit, code=code, name=name, short_name=unit.short_name,
                        official_code=unit.official_code, headcount=headcount)
        else:
            unit_create(actor=admin, code=code, name=name, kind=UnitKind.DEPARTMENT, level=snv.level, parent=snv,
                        headcount=headcount)
    grants = 0
    username, role, unit_code = SECOND_GRANT
    user, second = User.objects.filter(username=username).first(), Unit.objects.filter(code=unit_code).first()
    if user is not None and second is not None:
        role_grant_add(actor=admin, user=user, role=role, unit=second)
        grants += 1
    return AccountsDemo(departments=len(SNV_DEPARTMENTS), grants=grants)
