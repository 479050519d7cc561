"""Real reference units for Hà Nội: the city's Party and government bodies and its wards and communes.

Wards and communes come from the `vietnam-provinces` package (the post-1 July 2025 list with
official codes); the bodies are typed here. Old districts are kept as dated units with the wards
that took them over, so records from before the 2025 reorganization still resolve.
"""

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from vietnam_provinces import ProvinceCode, Ward

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
            parent=by_code[parent] if parent else None,
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
    """The roots and every unit below any of them: one query per level of the tree, however many roots."""
    ids = set(roots)
    frontier = list(roots)
    while frontier:
        frontier = [pk for pk in Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
                    if pk not in ids]
        ids.update(frontier)
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
