"""Demo indicators and the 2021 special task force, written through the services.

The indicators carry their real names; every figure is invented and the names say "(số liệu mẫu)".
The disbursement rate has monthly actuals through 2021 (the cumulative share of the year's plan) and
its target of 95 % by 31/01/2022 (the end of the 2021 plan's disbursement period); the four indices
(PAR Index, SIPAS, PAPI, PCI) have annual actuals 2019-2021 and targets 2021-2025. The task force
links the procedures of the investment and construction fields, if the procedures demo loaded any,
and the program 01-CTr/TU deliverable on public investment disbursement, if there is one.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from chidao.core.models import Role, Unit, User
from chidao.core.reference import units_load_reference
from chidao.indicators import services
from chidao.indicators.models import Indicator, ProjectStatus, TaskForce
from chidao.procedures.models import Procedure
from chidao.programs.models import Deliverable

from .program import DEMO_PASSWORD

D = dt.date
TASK_FORCE_NAME = ("Tổ công tác đặc biệt tháo gỡ khó khăn, vướng mắc về thủ tục đầu tư, đẩy mạnh giải ngân vốn "
                   "đầu tư công năm 2021 (mẫu)")
PROGRAM_NUMBER = "01-CTr/TU"

# Cumulative disbursement, % of the 2021 plan, at each month end (invented).
DISBURSEMENT_2021 = ["2.10", "5.40", "11.80", "18.60", "25.90", "33.70", "40.20", "46.50", "54.80", "63.90",
                     "74.60", "90.20"]

# (code, name, unit of measure, responsible unit, source, {year: actual}, {year: target}, publisher)
ANNUAL: list[tuple[str, str, str, str, str, dict[int, str], dict[int, str], str]] = [
    ("PAR", "Chỉ số cải cách hành chính (PAR Index) (số liệu mẫu)", "%", "SNV",
     "Bộ Nội vụ công bố Chỉ số cải cách hành chính hằng năm",
     {2019: "84.89", 2020: "87.21", 2021: "89.02"},
     {2021: "88.50", 2022: "89.50", 2023: "90.50", 2024: "91.50", 2025: "92.50"}, "Bộ Nội vụ"),
    ("SIPAS", "Chỉ số hài lòng về sự phục vụ hành chính (SIPAS) (số liệu mẫu)", "%", "SNV",
     "Bộ Nội vụ công bố Chỉ số hài lòng về sự phục vụ hành chính hằng năm",
     {2019: "84.20", 2020: "85.63", 2021: "84.10"},
     {2021: "86.00", 2022: "87.00", 2023: "88.00", 2024: "89.00", 2025: "90.00"}, "Bộ Nội vụ"),
    ("PAPI", "Chỉ số hiệu quả quản trị và hành chính công cấp tỉnh (PAPI) (số liệu mẫu)", "điểm", "VPUB",
     "UNDP và các đối tác công bố Chỉ số PAPI hằng năm (thang điểm 80)",
     {2019: "42.51", 2020: "43.02", 2021: "41.10"},
     {2021: "44.00", 2022: "44.50", 2023: "45.00", 2024: "45.50", 2025: "46.00"}, "UNDP và các đối tác"),
    ("PCI", "Chỉ số năng lực cạnh tranh cấp tỉnh (PCI) (số liệu mẫu)", "điểm", "VPUB",
     "Liên đoàn Thương mại và Công nghiệp Việt Nam (VCCI) công bố Chỉ số PCI hằng năm (thang điểm 100)",
     {2019: "68.80", 2020: "69.78", 2021: "70.65"},
     {2021: "70.00", 2022: "70.50", 2023: "71.00", 2024: "71.50", 2025: "72.00"}, "VCCI"),
]


@dataclass(frozen=True)
class IndicatorsDemo:
    indicators: int
    targets: int
    actuals: int
    task_force: TaskForce


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def _month_end(year: int, month: int) -> dt.date:
    return D(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def _reform_user(unit: Unit) -> User:
    """The reform office's demo login: an existing one (the procedures demo may have made it), or a new one."""
    existing = User.objects.filter(role=Role.REFORM, is_active=True).order_by("id").first()
    if existing is not None:
        return existing
    user = User(username="caicach", full_name="Cán bộ Phòng Cải cách hành chính, Sở Nội vụ (mẫu)",
                role=Role.REFORM, unit=unit, email="caicach@chidao.invalid")
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user


def _reporter(unit: Unit, fallback: User) -> User:
    """The unit's lead officer reports its figures (as in real use); the reform office when there is none."""
    officer = User.objects.filter(role=Role.LEAD_OFFICER, unit=unit, is_active=True).order_by("id").first()
    return officer or fallback


@transaction.atomic
def indicators_load() -> IndicatorsDemo | None:
    """Load the demo indicators and task force. Returns None, changing nothing, when indicators exist."""
    if Indicator.objects.exists():
        return None
    if not Unit.objects.filter(code__in=["SNV", "STC", "VPUB"]).count() == 3:
        units_load_reference()
    unit = {u.code: u for u in Unit.objects.filter(code__in=["SNV", "STC", "VPUB", "UBND"])}
    reform = _reform_user(unit["SNV"])
    targets = actuals = 0

    rate = services.indicator_create(
        actor=reform, code="GNDTC", name="Tỷ lệ giải ngân vốn đầu tư công (số liệu mẫu)", unit_of_measure="%",
        baseline_value=Decimal("0"), baseline_date=D(2020, 12, 31), responsible_unit=unit["STC"],
        description="Tỷ lệ vốn đầu tư công đã giải ngân trên kế hoạch vốn năm 2021 được giao (cộng dồn từ đầu năm).",
        source_description="Báo cáo tình hình giải ngân hằng tháng của Sở Tài chính, Kho bạc Nhà nước (mẫu)",
    )
    for end, value, note in [(D(2021, 6, 30), "45", "6 tháng đầu năm"), (D(2021, 9, 30), "65", "9 tháng"),
                             (D(2021, 12, 31), "85", "Hết năm 2021"),
                             (D(2022, 1, 31), "95", "Hết thời gian giải ngân kế hoạch vốn năm 2021")]:
        services.target_set(actor=reform, indicator=rate, period_end=end, value=Decimal(value), note=note)
        targets += 1
    officer = _reporter(unit["STC"], reform)
    for month, value in enumerate(DISBURSEMENT_2021, start=1):
        day = _month_end(2021, month)
        services.actual_report(
            actor=officer, indicator=rate, as_of=day, value=Decimal(value),
            source=f"Báo cáo giải ngân tháng {month}/2021 của Sở Tài chính (mẫu)",
            reported_at=_at(day + dt.timedelta(days=5)),
        )
        actuals += 1

    for code, name, uom, unit_code, source, years, goals, publisher in ANNUAL:
        baseline_year = 2020
        indicator = services.indicator_create(
            actor=reform, code=code, name=name, unit_of_measure=uom, baseline_value=Decimal(years[baseline_year]),
            baseline_date=D(baseline_year, 12, 31), responsible_unit=unit[unit_code], source_description=source,
            description="Giá trị gốc: kết quả năm 2020; chỉ tiêu giai đoạn 2021-2025 (số liệu mẫu).",
        )
        for year, value in goals.items():
            services.target_set(actor=reform, indicator=indicator, period_start=D(year, 1, 1),
                                period_end=D(year, 12, 31), value=Decimal(value), note=f"Năm {year}")
            targets += 1
        officer = _reporter(unit[unit_code], reform)
        for year, value in years.items():
            published = D(year + 1, 4, 20)
            services.actual_report(
                actor=officer, indicator=indicator, as_of=D(year, 12, 31), value=Decimal(value),
                source=f"{publisher} công bố ngày {published:%d/%m/%Y} (mẫu)", reported_at=_at(published),
            )
            actuals += 1

    task_force = _task_force(reform, unit)
    return IndicatorsDemo(indicators=1 + len(ANNUAL), targets=targets, actuals=actuals, task_force=task_force)


def _task_force(reform: User, unit: dict[str, Unit]) -> TaskForce:
    task_force = services.task_force_create(
        actor=reform, name=TASK_FORCE_NAME, decision_number="DEMO-01/QĐ-UBND (mẫu)", decision_date=D(2021, 7, 15),
        leader="Phó Chủ tịch UBND Thành phố (mẫu)", active_from=D(2021, 7, 15), active_to=D(2022, 1, 31),
        remit="\n".join([
            "Rà soát, tháo gỡ khó khăn, vướng mắc về thủ tục đầu tư, đất đai, xây dựng của các dự án đầu tư công.",
            "Đôn đốc các chủ đầu tư đẩy nhanh tiến độ thực hiện và giải ngân kế hoạch vốn đầu tư công năm 2021.",
            "Kiến nghị điều chuyển vốn từ dự án chậm giải ngân sang dự án có khả năng giải ngân tốt.",
            "Báo cáo Ủy ban nhân dân Thành phố kết quả hằng tháng.",
        ]),
        members=[
            {"full_name": "Phó Chủ tịch UBND Thành phố (mẫu)", "position": "Phó Chủ tịch", "role": "Tổ trưởng",
             "unit": unit["UBND"]},
            {"full_name": "Giám đốc Sở Tài chính (mẫu)", "position": "Giám đốc", "role": "Tổ phó thường trực",
             "unit": unit["STC"]},
            {"full_name": "Phó Giám đốc Sở Nội vụ (mẫu)", "position": "Phó Giám đốc", "role": "Thành viên",
             "unit": unit["SNV"]},
            {"full_name": "Phó Chánh Văn phòng UBND Thành phố (mẫu)", "position": "Phó Chánh Văn phòng",
             "role": "Thành viên", "unit": unit["VPUB"]},
            {"full_name": "Chuyên viên Sở Tài chính (mẫu)", "position": "Chuyên viên", "role": "Thư ký",
             "unit": unit["STC"]},
        ],
        projects=[
            {"name": "Dự án cải tạo, nâng cấp tuyến đường liên xã (mẫu)",
             "investor": "Ban Quản lý dự án đầu tư xây dựng công trình giao thông Thành phố (mẫu)",
             "capital": Decimal("1250.00"), "status": ProjectStatus.CLEARED,
             "note": "Vướng mắc giải phóng mặt bằng; đã tháo gỡ tháng 9/2021."},
            {"name": "Dự án xây dựng trường trung học phổ thông (mẫu)",
             "investor": "Ban Quản lý dự án đầu tư xây dựng công trình dân dụng Thành phố (mẫu)",
             "capital": Decimal("215.50"), "status": ProjectStatus.CLEARING,
             "note": "Chậm điều chỉnh chủ trương đầu tư."},
            {"name": "Dự án cải tạo hệ thống thoát nước (mẫu)",
             "investor": "Ban Quản lý dự án đầu tư xây dựng công trình nông nghiệp và phát triển nông thôn (mẫu)",
             "capital": Decimal("480.00"), "status": ProjectStatus.BLOCKED,
             "note": "Vướng mắc thủ tục thẩm định thiết kế."},
        ],
    )
    fields = Q()
    for word in ("Đầu tư", "đầu tư", "Xây dựng", "xây dựng"):
        fields |= Q(field__contains=word)
    procedures = list(Procedure.objects.filter(fields).order_by("code")[:5])
    if procedures:
        services.task_force_link_procedures(actor=reform, task_force=task_force, procedures=procedures)
    deliverables = Deliverable.objects.filter(program__number=PROGRAM_NUMBER)
    linked = deliverables.filter(title__contains="giải ngân").order_by("code")[:1] or deliverables.order_by("code")[:1]
    if linked:
        services.task_force_link_deliverables(actor=reform, task_force=task_force, deliverables=list(linked))
    return task_force
