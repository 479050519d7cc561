"""Real reference units for Hà Nội: the city's Party and government bodies and its wards and communes.

Wards and communes come from the `vietnam-provinces` package (the post-1 July 2025 list with
official codes); the bodies are typed here. Old districts are kept as dated units with the wards
that took them over, so records from before the 2025 reorganization still resolve.
"""

import datetime as dt
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.utils.translation import gettext
from vietnam_provinces import Province, ProvinceCode, VietNamDivisionType, Ward

from .models import Unit, UnitKind, UnitLevel
from .text import fold

if TYPE_CHECKING:
    from .models import User

HANOI = ProvinceCode(1)
# Two-level local government took effect on 1 July 2025 (Resolution 202/2025/QH15).
TWO_LEVEL_FROM = dt.date(2025, 7, 1)
DISTRICT_LEVEL_UNTIL = dt.date(2025, 6, 30)

# (code, name, short name, kind, level, parent code)
BODIES: list[tuple[str, str, str, str, str, str | None]] = [
    ("HN", "Thành phố Hà Nội", "Hà Nội", UnitKind.LOCALITY, UnitLevel.PROVINCE, None),
    ("TU", "Thành ủy Hà Nội", "Thành ủy", UnitKind.PARTY_COMMITTEE, UnitLevel.PROVINCE, "HN"),
    ("BTCTU", "Ban Tổ chức Thành ủy", "BTCTU", UnitKind.PARTY_BODY, UnitLevel.PROVINCE, "TU"),
    ("UBKTTU", "Ủy ban Kiểm tra Thành ủy", "UBKTTU", UnitKind.PARTY_BODY, UnitLevel.PROVINCE, "TU"),
    ("BNCTU", "Ban Nội chính Thành ủy", "BNCTU", UnitKind.PARTY_BODY, UnitLevel.PROVINCE, "TU"),
    ("VPTU", "Văn phòng Thành ủy", "VPTU", UnitKind.PARTY_BODY, UnitLevel.PROVINCE, "TU"),
    ("TLHP", "Trường Đào tạo cán bộ Lê Hồng Phong", "Trường LHP", UnitKind.SCHOOL, UnitLevel.PROVINCE, "TU"),
    ("HDND", "Hội đồng nhân dân Thành phố Hà Nội", "HĐND TP", UnitKind.PEOPLES_COUNCIL, UnitLevel.PROVINCE, "HN"),
    ("UBND", "Ủy ban nhân dân Thành phố Hà Nội", "UBND TP", UnitKind.PEOPLES_COMMITTEE, UnitLevel.PROVINCE, "HN"),
    ("VPUB", "Văn phòng UBND Thành phố", "VP UBND TP", UnitKind.DEPARTMENT, UnitLevel.PROVINCE, "UBND"),
    ("SNV", "Sở Nội vụ", "SNV", UnitKind.DEPARTMENT, UnitLevel.PROVINCE, "UBND"),
    ("STC", "Sở Tài chính", "STC", UnitKind.DEPARTMENT, UnitLevel.PROVINCE, "UBND"),
    ("STP", "Sở Tư pháp", "STP", UnitKind.DEPARTMENT, UnitLevel.PROVINCE, "UBND"),
    ("TTTP", "Thanh tra Thành phố", "TTTP", UnitKind.DEPARTMENT, UnitLevel.PROVINCE, "UBND"),
    ("SKHCN", "Sở Khoa học và Công nghệ", "SKHCN", UnitKind.DEPARTMENT, UnitLevel.PROVINCE, "UBND"),
    ("SGDDT", "Sở Giáo dục và Đào tạo", "SGDĐT", UnitKind.DEPARTMENT, UnitLevel.PROVINCE, "UBND"),
    ("SYT", "Sở Y tế", "SYT", UnitKind.DEPARTMENT, UnitLevel.PROVINCE, "UBND"),
    ("MTTQ", "Ủy ban Mặt trận Tổ quốc Việt Nam Thành phố Hà Nội", "UBMTTQ TP",
     UnitKind.MASS_ORGANIZATION, UnitLevel.PROVINCE, "HN"),
]

# A sample of the former districts and the wards that took over their area (ward codes from the
# package). The remaining districts are added the same way by an administrator.
OLD_DISTRICTS: list[tuple[str, str, list[str]]] = [
    ("Q-HOANKIEM", "Quận Hoàn Kiếm", ["Phường Hoàn Kiếm", "Phường Cửa Nam"]),
    ("Q-BADINH", "Quận Ba Đình", ["Phường Ba Đình", "Phường Ngọc Hà", "Phường Giảng Võ"]),
    ("Q-TAYHO", "Quận Tây Hồ", ["Phường Tây Hồ", "Phường Phú Thượng"]),
]


# Administrative codes of the bodies that have one (the province itself), so `chidao units load` finds them.
OFFICIAL_CODES = {"HN": f"{int(HANOI):02d}"}


def _upsert(code: str, **fields: object) -> Unit:
    fields["search_text"] = fold(f"{fields['name']} {fields.get('short_name', '')} {code}")
    unit, _ = Unit.objects.update_or_create(code=code, defaults=fields)
    return unit


@transaction.atomic
def units_load_reference() -> int:
    """Create or refresh the reference units; safe to run again. Returns the number of units."""
    by_code: dict[str, Unit] = {}
    for code, name, short, kind, level, parent in BODIES:
        by_code[code] = _upsert(
            code, name=name, short_name=short, kind=kind, level=level,
            parent=by_code[parent] if parent else None, official_code=OFFICIAL_CODES.get(code, ""),
        )
    root = by_code["HN"]
    wards: dict[str, Unit] = {}
    for ward in sorted(Ward.iter_by_province(HANOI), key=lambda w: int(w.code)):
        wards[ward.name] = _upsert(
            f"W{int(ward.code):05d}", name=ward.name, short_name="", kind=UnitKind.COMMUNE,
            level=UnitLevel.COMMUNE, parent=root, valid_from=TWO_LEVEL_FROM,
            official_code=f"{int(ward.code):05d}",
        )
    for code, name, successor_names in OLD_DISTRICTS:
        district = _upsert(
            code, name=name, short_name="", kind=UnitKind.DISTRICT, level=UnitLevel.DISTRICT,
            parent=root, valid_to=DISTRICT_LEVEL_UNTIL,
        )
        district.successors.set([wards[n] for n in successor_names])
    return Unit.objects.count()


def unit_subtree_ids(unit: Unit) -> set[int]:
    """The unit and every unit below it."""
    return _subtree(unit.pk)


def _subtree(unit_id: int) -> set[int]:
    return _subtrees({unit_id})


def _subtrees(roots: set[int]) -> set[int]:
    """The roots and every unit below any of them: ONE query however deep the tree and however many roots (a
    recursive common table expression, which SQLite and PostgreSQL both run; UNION stops at a cycle)."""
    ids = set(roots)
    if not ids:
        return ids
    qn = connection.ops.quote_name
    table = qn(Unit._meta.db_table)
    marks = ", ".join(["%s"] * len(ids))
    sql = (f"WITH RECURSIVE sub(id) AS (SELECT {qn('id')} FROM {table} WHERE {qn('parent_id')} IN ({marks}) "
           f"UNION SELECT u.{qn('id')} FROM {table} u JOIN sub ON u.{qn('parent_id')} = sub.id) SELECT id FROM sub")
    with connection.cursor() as cursor:
        cursor.execute(sql, sorted(ids))
        ids.update(pk for (pk,) in cursor.fetchall())
    return ids


def user_subtree_ids(user: "User") -> set[int]:
    """The subtree of the user's main unit (empty without a unit), read once per user object, i.e. once per
    request for `request.user`. Scopes that follow a role read `user_role_subtree_ids` instead, which
    honours every grant."""
    cached: tuple[int | None, set[int]] | None = getattr(user, "_unit_subtree", None)
    if cached is None or cached[0] != user.unit_id:
        cached = (user.unit_id, _subtree(user.unit_id) if user.unit_id is not None else set())
        user._unit_subtree = cached  # type: ignore[attr-defined]
    return cached[1]


def user_role_subtree_ids(user: "User", *roles: str) -> set[int]:
    """The union of the subtrees of the units where the user holds one of `roles`, main grant or extra (a
    personnel officer for two agencies reaches both); empty without such a grant. Read once per user object
    and set of grants (once per request for `request.user`): a scoped page asks several times (whose
    records, which may show sensitive fields, which posts to offer) and each asking costs one query per
    level of the tree."""
    roots = frozenset(user.units_with_role(*roles))
    cache: dict[frozenset[int], set[int]] | None = getattr(user, "_role_subtrees", None)
    if cache is None:
        cache = {}
        user._role_subtrees = cache  # type: ignore[attr-defined]
    if roots not in cache:
        cache[roots] = _subtrees(set(roots)) if roots else set()
    return cache[roots]
# --- Any province: `chidao units load --province CODE` ---------------------------------------------------


def province_choices() -> list[tuple[str, str, int]]:
    """The 34 provinces and centrally-run cities after 1 July 2025: (two-digit code, name, number of wards and
    communes), in code order."""
    return [(f"{int(p.code):02d}", province_name(p), sum(1 for _w in Ward.iter_by_province(p.code)))
            for p in sorted(Province.iter_all(), key=lambda p: int(p.code))]


def province_name(province: Province) -> str:
    """The full name: "Tỉnh Cao Bằng"; the cities' names already say "Thành phố"."""
    if province.division_type == VietNamDivisionType.TINH and not province.name.startswith("Tỉnh"):
        return f"Tỉnh {province.name}"
    return province.name


def province_find(code: str) -> Province | None:
    """A province by its administrative code ("1", "01") or its code name ("cao_bang")."""
    code = code.strip().lower()
    for province in Province.iter_all():
        if (code.isdigit() and int(code) == int(province.code)) or code == province.codename:
            return province
    return None


def _reference_unit(level: str, official_code: str, code: str) -> Unit | None:
    unit = Unit.objects.filter(level=level, official_code=official_code).order_by("pk").first()
    if unit is None:
        unit = Unit.objects.filter(code__iexact=code).first()
        if unit is not None and unit.level != level:
            raise ValueError(f"Mã {code} đã dùng cho đơn vị “{unit.name}” ở cấp khác.")
    return unit


@transaction.atomic
def province_load(*, actor: "User | None", province: Province) -> tuple[int, int]:
    """Create or refresh one province and its wards and communes as units (kind locality / commune, the official
    code kept): a unit already there (found by its official code, else by its code) gets the current name and
    keeps its place in the tree; nothing is created twice. All in one transaction, one change record.
    Returns (created, updated)."""
    from .audit import change_record_create

    created = updated = 0

    def upsert(level: str, official: str, code: str, name: str, **new: object) -> Unit:
        nonlocal created, updated
        unit = _reference_unit(level, official, code)
        if unit is None:
            created += 1
            return Unit.objects.create(code=code, name=name, level=level, official_code=official,
                                       search_text=fold(f"{name} {code}"), **new)  # type: ignore[arg-type]
        if unit.name != name or unit.official_code != official:
            unit.name, unit.official_code = name, official
            unit.search_text = fold(f"{unit.name} {unit.short_name} {unit.code}")
            unit.save(update_fields=["name", "official_code", "search_text"])
            updated += 1
        return unit

    official = f"{int(province.code):02d}"
    root = upsert(UnitLevel.PROVINCE, official, f"P{official}", province_name(province), kind=UnitKind.LOCALITY)
    for ward in sorted(Ward.iter_by_province(province.code), key=lambda w: int(w.code)):
        ward_code = f"{int(ward.code):05d}"
        upsert(UnitLevel.COMMUNE, ward_code, f"W{ward_code}", ward.name, kind=UnitKind.COMMUNE, parent=root,
               valid_from=TWO_LEVEL_FROM)
    change_record_create(actor=actor if actor is not None and actor.pk else None, action="import", obj=root,
                         after={"created": created, "updated": updated},
                         reason=gettext("Nạp danh mục xã, phường từ dữ liệu đơn vị hành chính"))
    return created, updated
