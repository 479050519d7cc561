"""`chidao report year-end|periodic|stocktake|dispatch --program 01-CTr/TU ... -o FILE`: build in this process."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chidao.core.commands import command_user
from chidao.core.dates import parse_date
from chidao.core.models import Unit
from chidao.programs.models import Program
from chidao.reports.models import ReportJob
from chidao.reports.services import FORMATS_BY_KIND, report_render

KINDS = {"year-end": ReportJob.Kind.YEAR_END, "periodic": ReportJob.Kind.PERIODIC,
         "stocktake": ReportJob.Kind.STOCKTAKE, "dispatch": ReportJob.Kind.DISPATCH}


def _date(value: str) -> str:
    try:
        day = parse_date(value)
    except ValueError:
        day = None
    if day is not None:
        return day.isoformat()
    raise CommandError(f"Ngày “{value}” không hợp lệ; viết dd/mm/yyyy, ví dụ 28/12/2021.")


class Command(BaseCommand):
    help = "Lập báo cáo từ số liệu: tổng kết năm, định kỳ (Nghị định 09/2019), kiểm điểm tiến độ, công văn đôn đốc."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="which", required=True)
        for name, kind in KINDS.items():
            p = sub.add_parser(name)
            p.add_argument("--program", required=True, help="Số hiệu chương trình, ví dụ 01-CTr/TU")
            p.add_argument("--format", default=FORMATS_BY_KIND[kind][0], choices=FORMATS_BY_KIND[kind])
            p.add_argument("-o", "--output", help="Tệp ghi ra (mặc định: tên báo cáo trong thư mục hiện tại)")
            p.add_argument("--user", help="Lập trong phạm vi xem của tài khoản này (mặc định: toàn bộ)")
            if kind == ReportJob.Kind.YEAR_END:
                p.add_argument("--year", type=int, required=True)
            if kind == ReportJob.Kind.PERIODIC:
                p.add_argument("--period", required=True, help="2021-M11, 2021-Q4, 2021-H1 hoặc 2021")
            else:
                p.add_argument("--as-of", dest="as_of", help="Số liệu đến hết ngày dd/mm/yyyy")
            if kind == ReportJob.Kind.DISPATCH:
                p.add_argument("--unit", required=True, help="Mã đơn vị chủ trì, ví dụ SNV")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = KINDS[options["which"]]
        program = Program.objects.filter(number=options["program"]).first()
        if program is None:
            raise CommandError(f"Không có chương trình số “{options['program']}”.")
        # The operator at the server's command line reads everything, as the standing office does.
        user = command_user(options.get("user"), saved=False)
        params: dict[str, Any] = {}
        if options.get("year") is not None:
            params["year"] = options["year"]
        if options.get("period"):
            params["period"] = options["period"]
        if options.get("as_of"):
            params["as_of"] = _date(options["as_of"])
        if options.get("unit"):
            unit = Unit.objects.filter(code=options["unit"]).first()
            if unit is None:
                raise CommandError(f"Không có đơn vị mã “{options['unit']}”.")
            params["unit"] = unit.pk
        try:
            content, name = report_render(user=user, program=program, kind=kind, fmt=options["format"],
                                          params=params)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        path = Path(options.get("output") or name)
        path.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"Đã ghi {path} ({len(content):,} byte)."))
