"""Demo registry of administrative procedures: invented but plausible procedures and publication decisions
that give, for 2021, the year-end review's figures: 557 procedures published, 150 replaced, 520 abolished
(and 43 amended), computed from the decision items, plus the 2021 review of five groups of procedures.

Codes (1.9xxxxx.000.00.00.H26) and decision numbers (DEMO-…) are invented and marked as such; the units are
the demo's real Hà Nội bodies and wards. Procedures are bulk-created (fast); every decision goes through
`services.decision_create`, so its items are validated like a user's.

- 2020: eight decisions (one per field group, 15/01-30/11/2020) bring in 1,900 procedures.
- 2021 (15/01-10/12/2021, inside both the calendar year and Decree 09/2019's year 15/12/2020-14/12/2021):
  twelve decisions, one a month, with 557 new, 150 replaced (each a new procedure naming an old one),
  520 abolished and 43 amended.
- 2022: one decision (10/03/2022) with 5 new, 2 replaced and 3 abolished, outside the 2021 figures.
In force on 31/12/2021: 1,900 + 557 + 150 - 150 - 520 = 1,937.
"""

import datetime as dt
from dataclasses import dataclass
from itertools import cycle

from django.db import transaction

from chidao.core.models import Role, Unit, UnitKind, UnitLevel, User
from chidao.core.reference import units_load_reference
from chidao.core.text import fold
from chidao.procedures import services
from chidao.procedures.models import DecisionItem, ItemAction, Level, Procedure, Proposal, ReviewFinding, ReviewGroup

from .program import DEMO_PASSWORD

BASE_2020 = 1900
NEW_2021, REPLACED_2021, ABOLISHED_2021, AMENDED_2021 = 557, 150, 520, 43
CAMPAIGN_NAME = "Rà soát, đánh giá thủ tục hành chính năm 2021"
D = dt.date

# field -> (province-level implementing unit code, names' stems)
FIELDS: dict[str, tuple[str, list[str]]] = {
    "Xây dựng": ("SXD", [
        "Cấp giấy phép xây dựng đối với công trình cấp {x}", "Điều chỉnh giấy phép xây dựng công trình cấp {x}",
        "Gia hạn giấy phép xây dựng công trình cấp {x}", "Cấp lại giấy phép xây dựng công trình cấp {x}",
        "Thẩm định báo cáo nghiên cứu khả thi đầu tư xây dựng công trình cấp {x}",
        "Cấp chứng chỉ hành nghề hoạt động xây dựng hạng {x}"]),
    "Đất đai": ("SNNMT", [
        "Giao đất, cho thuê đất đối với {x}", "Chuyển mục đích sử dụng đất đối với {x}",
        "Đăng ký biến động đất đai đối với {x}", "Cấp giấy chứng nhận quyền sử dụng đất lần đầu cho {x}",
        "Gia hạn thời hạn sử dụng đất đối với {x}", "Thu hồi đất do tự nguyện trả lại đất của {x}"]),
    "Đầu tư": ("STC", [
        "Chấp thuận chủ trương đầu tư dự án {x}", "Điều chỉnh chủ trương đầu tư dự án {x}",
        "Cấp giấy chứng nhận đăng ký đầu tư dự án {x}", "Điều chỉnh giấy chứng nhận đăng ký đầu tư dự án {x}",
        "Giãn tiến độ đầu tư dự án {x}", "Chấm dứt hoạt động dự án {x}"]),
    "Hộ tịch": ("STP", [
        "Đăng ký khai sinh {x}", "Đăng ký kết hôn {x}", "Đăng ký khai tử {x}", "Đăng ký nhận cha, mẹ, con {x}",
        "Cấp bản sao trích lục hộ tịch {x}", "Thay đổi, cải chính, bổ sung thông tin hộ tịch {x}"]),
    "Chứng thực": ("STP", [
        "Chứng thực bản sao từ bản chính {x}", "Chứng thực chữ ký {x}", "Chứng thực hợp đồng, giao dịch {x}",
        "Sửa lỗi sai sót trong hợp đồng, giao dịch đã được chứng thực {x}"]),
    "Giáo dục và Đào tạo": ("SGDDT", [
        "Cho phép thành lập {x}", "Cho phép {x} hoạt động giáo dục", "Sáp nhập, chia, tách {x}",
        "Giải thể {x}", "Công nhận {x} đạt chuẩn quốc gia"]),
    "Y tế": ("SYT", [
        "Cấp giấy phép hoạt động đối với {x}", "Cấp lại giấy phép hoạt động đối với {x}",
        "Điều chỉnh giấy phép hoạt động đối với {x}", "Cấp giấy chứng nhận đủ điều kiện kinh doanh dược cho {x}",
        "Công bố đủ điều kiện thực hiện kiểm tra sức khỏe của {x}"]),
    "Lao động - Thương binh và Xã hội": ("SNV", [
        "Cấp giấy phép hoạt động dịch vụ việc làm của {x}", "Giải quyết trợ cấp thất nghiệp cho {x}",
        "Thực hiện chế độ trợ cấp hằng tháng đối với {x}", "Hỗ trợ chi phí mai táng cho {x}",
        "Tiếp nhận đối tượng bảo trợ xã hội có hoàn cảnh đặc biệt khó khăn là {x}"]),
    "Tư pháp": ("STP", [
        "Cấp phiếu lý lịch tư pháp cho {x}", "Đăng ký hoạt động của {x}",
        "Thay đổi nội dung đăng ký hoạt động của {x}", "Cấp thẻ công chứng viên cho {x}"]),
    "Nội vụ": ("SNV", [
        "Thẩm định thành lập {x}", "Thẩm định giải thể {x}", "Công nhận ban vận động thành lập {x}",
        "Xét tặng danh hiệu thi đua cho {x}"]),
}
OBJECTS: dict[str, list[str]] = {
    "Xây dựng": ["I", "II", "III", "IV", "đặc biệt", "I (công trình tôn giáo)", "II (công trình tín ngưỡng)",
                 "III (nhà ở riêng lẻ)", "IV (công trình quảng cáo)", "II (công trình theo tuyến)"],
    "Đất đai": ["tổ chức trong nước", "tổ chức nước ngoài có chức năng ngoại giao", "hộ gia đình, cá nhân",
                "cộng đồng dân cư", "cơ sở tôn giáo", "người Việt Nam định cư ở nước ngoài",
                "doanh nghiệp có vốn đầu tư nước ngoài", "đơn vị sự nghiệp công lập"],
    "Đầu tư": ["thuộc thẩm quyền của Ủy ban nhân dân Thành phố", "sử dụng đất không qua đấu giá",
               "có vốn đầu tư nước ngoài", "trong khu công nghiệp", "nhà ở thương mại", "khu đô thị mới",
               "trung tâm thương mại", "hạ tầng kỹ thuật"],
    "Hộ tịch": ["có yếu tố nước ngoài", "lưu động", "kết hợp nhận cha, mẹ, con",
                "cho người đã có hồ sơ, giấy tờ cá nhân", "tại cơ quan đại diện", "trong trường hợp quá hạn"],
    "Chứng thực": ["tại Phòng Tư pháp", "tại tổ chức hành nghề công chứng", "của người dịch", "liên quan đến động sản",
                   "liên quan đến thực hiện quyền của người sử dụng đất"],
    "Giáo dục và Đào tạo": ["trường trung học phổ thông", "trường mầm non", "trung tâm ngoại ngữ, tin học",
                            "trường trung học cơ sở", "trường phổ thông có nhiều cấp học",
                            "trung tâm giáo dục thường xuyên", "trường chuyên biệt",
                            "cơ sở giáo dục có vốn đầu tư nước ngoài"],
    "Y tế": ["phòng khám đa khoa", "phòng khám chuyên khoa", "bệnh viện", "cơ sở dịch vụ thẩm mỹ",
             "trạm y tế cấp xã", "cơ sở bán lẻ thuốc", "phòng xét nghiệm", "cơ sở dịch vụ cấp cứu, hỗ trợ vận chuyển"],
    "Lao động - Thương binh và Xã hội": ["người lao động", "doanh nghiệp", "người có công với cách mạng",
                                         "trẻ em có hoàn cảnh đặc biệt", "người cao tuổi", "người khuyết tật",
                                         "đối tượng bảo trợ xã hội"],
    "Tư pháp": ["công dân Việt Nam", "người nước ngoài cư trú tại Việt Nam", "văn phòng công chứng",
                "tổ chức hành nghề luật sư", "trung tâm trọng tài", "tổ chức giám định tư pháp"],
    "Nội vụ": ["hội có phạm vi hoạt động trong thành phố", "quỹ xã hội, quỹ từ thiện", "tổ chức tôn giáo trực thuộc",
               "đơn vị sự nghiệp công lập", "tập thể, cá nhân có thành tích"],
}
COMMUNE_FIELDS = {"Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Lao động - Thương binh và Xã hội"}
# The review's five groups and the fields each covers.
GROUPS = [
    ("Nhóm 1: Đầu tư - Xây dựng - Đất đai", ["Đầu tư", "Xây dựng", "Đất đai"]),
    ("Nhóm 2: Hộ tịch - Chứng thực", ["Hộ tịch", "Chứng thực"]),
    ("Nhóm 3: Lao động - Xã hội", ["Lao động - Thương binh và Xã hội"]),
    ("Nhóm 4: Giáo dục - Y tế", ["Giáo dục và Đào tạo", "Y tế"]),
    ("Nhóm 5: Tư pháp - Nội vụ", ["Tư pháp", "Nội vụ"]),
]
# Real Hà Nội departments the reference list does not carry yet.
EXTRA_DEPARTMENTS = [("SXD", "Sở Xây dựng", "SXD"), ("SNNMT", "Sở Nông nghiệp và Môi trường", "SNN&MT")]


@dataclass(frozen=True)
class DemoCounts:
    procedures: int
    decisions: int
    items: int
    findings: int


def _units() -> dict[str, Unit]:
    if not Unit.objects.filter(code="UBND").exists():
        units_load_reference()
    ubnd = Unit.objects.get(code="UBND")
    for code, name, short in EXTRA_DEPARTMENTS:
        Unit.objects.get_or_create(code=code, defaults={
            "name": name, "short_name": short, "kind": UnitKind.DEPARTMENT, "level": UnitLevel.PROVINCE,
            "parent": ubnd, "search_text": fold(f"{name} {short} {code}")})
    return {u.code: u for u in Unit.objects.all()}


def _reform_user(units: dict[str, Unit]) -> User:
    user = User.objects.filter(username="cchc").first()
    if user is None:
        user = User(username="cchc", full_name="Lê Thu Hà (mẫu)", role=Role.REFORM, unit=units["VPUB"],
                    email="cchc@chidao.invalid")
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def _names() -> dict[str, cycle]:
    return {field: cycle([stem.format(x=obj) for obj in OBJECTS[field] for stem in stems])
            for field, (_unit, stems) in FIELDS.items()}


def _procedures(n: int, start: int, units: dict[str, Unit], wards: list[Unit], names: dict[str, cycle],
                fields: list[str]) -> list[Procedure]:
    """n procedures numbered from `start`, fields in rotation; a third of those in commune fields at wards."""
    out = []
    ward_cycle = cycle(wards)
    for i in range(n):
        number = start + i
        field = fields[number % len(fields)]
        commune = field in COMMUNE_FIELDS and number % 3 == 0
        unit = next(ward_cycle) if commune else units[FIELDS[field][0]]
        code = f"1.9{number:05d}.000.00.00.H26"
        name = next(names[field])
        days = (3, 5, 7, 10, 15, 20, 30)[number % 7]
        out.append(Procedure(
            code=code, name=name, level=Level.COMMUNE if commune else Level.PROVINCE, field=field, unit=unit,
            steps="Bước 1: Nộp hồ sơ tại Bộ phận một cửa.\nBước 2: Cơ quan thực hiện thẩm định hồ sơ.\n"
                  "Bước 3: Trả kết quả.",
            method="Trực tiếp; qua dịch vụ bưu chính; trực tuyến trên Cổng Dịch vụ công", dossier=(
                "Đơn đề nghị theo mẫu; giấy tờ chứng minh điều kiện theo quy định"), copies=1 + number % 2,
            time_limit_days=days, filers="Tổ chức, cá nhân", deciding_agency=(
                "Ủy ban nhân dân cấp xã" if commune else f"{unit.name}"),
            forms="Mẫu đơn ban hành kèm theo văn bản quy phạm pháp luật chuyên ngành (mẫu)",
            result="Văn bản chấp thuận hoặc giấy phép", fees="Theo quy định của Hội đồng nhân dân Thành phố",
            legal_basis="Văn bản quy phạm pháp luật chuyên ngành (mẫu)",
            search_text=services.search_text(code, name),
        ))
    return Procedure.objects.bulk_create(out)


def _decide(actor: User, issuer: Unit, n: int, day: dt.date, field: str, lines: list) -> object:
    return services.decision_create(
        actor=actor, number=f"DEMO-{n:04d}/QĐ-UBND", signed_on=day - dt.timedelta(days=5), effective_on=day,
        issuer=issuer, items=lines,
        title=(f"Về việc công bố danh mục thủ tục hành chính mới ban hành, sửa đổi, bổ sung, thay thế, bãi bỏ "
               f"lĩnh vực {field} (mẫu)"),
    )


def _split(seq: list, parts: int) -> list[list]:
    size, extra = divmod(len(seq), parts)
    out, at = [], 0
    for i in range(parts):
        n = size + (1 if i < extra else 0)
        out.append(seq[at:at + n])
        at += n
    return out


@transaction.atomic
def procedures_load() -> DemoCounts | None:
    """Load the demo registry. Returns None, changing nothing, when procedures exist."""
    if Procedure.objects.exists():
        return None
    units = _units()
    wards = [u for u in units.values() if u.kind == UnitKind.COMMUNE][:12]
    actor = _reform_user(units)
    issuer = units["UBND"]
    names = _names()
    fields = list(FIELDS)
    base = _procedures(BASE_2020, 1, units, wards, names, fields)
    new_2021 = _procedures(NEW_2021, BASE_2020 + 1, units, wards, names, fields)
    replacing = _procedures(REPLACED_2021, BASE_2020 + NEW_2021 + 1, units, wards, names, fields)
    later = _procedures(7, BASE_2020 + NEW_2021 + REPLACED_2021 + 1, units, wards, names, fields)

    n = 0
    for i, chunk in enumerate(_split(base, 8)):  # 2020: eight decisions
        n += 1
        _decide(actor, issuer, n, D(2020, 1, 15) + dt.timedelta(days=40 * i), chunk[0].field,
                [(p, ItemAction.NEW, None) for p in chunk])
    # 2021: from the base, every third goes to a "replaced" or "abolished" line, a few to "amended".
    pool = base[::2]  # 950 distinct procedures, none touched twice
    replaced_old, abolished, amended = (pool[:REPLACED_2021], pool[REPLACED_2021:REPLACED_2021 + ABOLISHED_2021],
                                        pool[REPLACED_2021 + ABOLISHED_2021:][:AMENDED_2021])
    lines_2021 = (
        [(p, ItemAction.NEW, None) for p in new_2021]
        + [(new, ItemAction.REPLACED, old) for new, old in zip(replacing, replaced_old, strict=True)]
        + [(p, ItemAction.ABOLISHED, None) for p in abolished]
        + [(p, ItemAction.AMENDED, None) for p in amended]
    )
    lines_2021.sort(key=lambda line: (line[0].field, line[0].code))
    for month, chunk in enumerate(_split(lines_2021, 12), start=1):
        n += 1
        _decide(actor, issuer, n, D(2021, month, 15 if month < 12 else 10), chunk[0][0].field, chunk)
    # 2022: a few lines, outside the 2021 figures.
    rest = base[1::2]
    n += 1
    _decide(actor, issuer, n, D(2022, 3, 10), "Y tế",
            [(p, ItemAction.NEW, None) for p in later[:5]]
            + [(later[5], ItemAction.REPLACED, rest[0]), (later[6], ItemAction.REPLACED, rest[1])]
            + [(p, ItemAction.ABOLISHED, None) for p in rest[2:5]])
    findings = _review(actor, units)
    return DemoCounts(procedures=Procedure.objects.count(), decisions=n, items=DecisionItem.objects.count(),
                      findings=findings)


def _review(actor: User, units: dict[str, Unit]) -> int:
    """The 2021 review: five groups; a finding for every procedure replaced, abolished or amended in 2021
    (linked to the item that carried it out) and, for one in twenty of the others reviewed, "keep"."""
    campaign = services.review_campaign_create(actor=actor, name=CAMPAIGN_NAME, year=2021, lead_unit=units["VPUB"])
    items_2021 = DecisionItem.objects.filter(effective_on__year=2021).exclude(action=ItemAction.NEW)
    outcome: dict[int, DecisionItem] = {}
    for done in items_2021:
        outcome[done.replaces_id if done.action == ItemAction.REPLACED else done.procedure_id] = done  # type: ignore[index]
    proposal_of = {ItemAction.REPLACED: Proposal.REPLACE, ItemAction.ABOLISHED: Proposal.ABOLISH,
                   ItemAction.AMENDED: Proposal.SIMPLIFY}
    text_of = {
        Proposal.REPLACE: "Thành phần hồ sơ trùng lặp, thời hạn giải quyết dài; đề nghị thay thế bằng thủ tục mới.",
        Proposal.ABOLISH: "Không còn căn cứ pháp lý hoặc không còn phát sinh hồ sơ; đề nghị bãi bỏ.",
        Proposal.SIMPLIFY: "Có thể rút ngắn thời hạn giải quyết và giảm thành phần hồ sơ; đề nghị sửa đổi, bổ sung.",
        Proposal.KEEP: "Thủ tục phù hợp, đáp ứng yêu cầu; đề nghị giữ nguyên.",
    }
    base_2020 = list(Procedure.objects.filter(items__action=ItemAction.NEW, items__effective_on__year=2020)
                     .order_by("code").values_list("pk", "field"))
    findings: list[ReviewFinding] = []
    for name, fields in GROUPS:
        group = services.review_group_add(actor=actor, campaign=campaign, name=name)
        members = [pk for pk, field in base_2020 if field in fields]
        ReviewGroup.procedures.through.objects.bulk_create(
            [ReviewGroup.procedures.through(reviewgroup_id=group.pk, procedure_id=pk) for pk in members])
        for i, pk in enumerate(members):
            item: DecisionItem | None = outcome.get(pk)
            if item is not None:
                proposal = proposal_of[ItemAction(item.action)]
            elif i % 20 == 0:
                proposal = Proposal.KEEP
            else:
                continue
            findings.append(ReviewFinding(group=group, procedure_id=pk, finding=text_of[proposal], proposal=proposal,
                                          outcome=item))
    ReviewFinding.objects.bulk_create(findings)
    return len(findings)
