import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chidao.core.models import User
from chidao.core.text import vn_number
from chidao.demo.accounts import accounts_load
from chidao.demo.indicators import indicators_load
from chidao.demo.people import DEFAULT_PEOPLE, people_load
from chidao.demo.procedures import procedures_load
from chidao.demo.program import DEMO_PASSWORD, demo_load, demo_users
from chidao.demo.rotation import rounds_load
from chidao.demo.scale import SCALES, ScaleError, scale_load, scale_tidy


class Command(BaseCommand):
    help = ("Nạp dữ liệu mẫu (Chương trình 01-CTr/TU) vào cơ sở dữ liệu trống, kèm hồ sơ cán bộ mẫu "
            f"(--people N, mặc định {DEFAULT_PEOPLE}); --scale city|national: thêm dữ liệu quy mô lớn để đo "
            "hiệu năng.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=None, metavar="N",
                            help=f"số hồ sơ cán bộ mẫu cần tạo (mặc định {DEFAULT_PEOPLE}; 0: không tạo)")
        parser.add_argument(
            "--scale", choices=sorted(SCALES), default=None,
            help="; ".join(f"{name}: {vn_number(s.programs)} chương trình, {vn_number(s.deliverables)} nội dung, "
                           f"{vn_number(s.people)} hồ sơ cán bộ, {vn_number(s.history)} dòng lịch sử"
                           for name, s in SCALES.items()))

    def handle(self, *args: object, **options: object) -> None:
        count = options["people"]
        scale = options["scale"]
        if scale is not None and count is not None:
            raise CommandError("Dùng --people hoặc --scale, không dùng cả hai.")
        count = DEFAULT_PEOPLE if count is None else count
        if not isinstance(count, int) or count < 0:
            raise CommandError("--people phải là số không âm.")
        self._program()
        self._procedures()
        if isinstance(scale, str):
            self._scale(scale)
            self._round()
            started = time.monotonic()
            scale_tidy()
            self.stdout.write(f"Đã cập nhật thống kê truy vấn ({time.monotonic() - started:.1f} giây).")
        elif count:
            self._people(count)
            self._round()
        self._indicators()
        self._accounts()
        self._logins(short=scale is not None)

    def _program(self) -> None:
        if demo_load():
            self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu: Chương trình số 01-CTr/TU, 34 nội dung."))
        else:
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu; không nạp dữ liệu mẫu, không thay đổi gì.")

    def _procedures(self) -> None:
        procedures = procedures_load()
        if procedures is None:
            self.stdout.write("Đã có thủ tục hành chính; không nạp danh mục thủ tục mẫu, không thay đổi gì.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Đã nạp {vn_number(procedures.procedures)} thủ tục hành chính mẫu, {procedures.decisions} quyết định "
                f"công bố ({vn_number(procedures.items)} mục), {procedures.findings} kết quả rà soát."))

    def _people(self, count: int) -> None:
        started = time.monotonic()
        result = people_load(count=count)
        if result is None:
            self.stdout.write("Đã có hồ sơ cán bộ; không tạo hồ sơ cán bộ mẫu, không thay đổi gì.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Đã tạo {result.people} hồ sơ cán bộ mẫu ({result.positions} chức danh, {result.assignments} "
                f"quá trình công tác, {result.ratings} xếp loại, {result.disciplines} kỷ luật, "
                f"{result.deferrals} trường hợp chưa chuyển đổi, {result.relatives // 2} quan hệ gia đình, "
                f"{result.planning_added} lượt quy hoạch; {result.planning_refused} lượt quy hoạch bị từ chối "
                f"theo quy định) trong {time.monotonic() - started:.1f} giây."))

    def _scale(self, name: str) -> None:
        sizes = SCALES[name]
        self.stdout.write(f"Dữ liệu quy mô “{name}”: {vn_number(sizes.programs)} chương trình, "
                          f"{vn_number(sizes.deliverables)} nội dung, {vn_number(sizes.people)} hồ sơ cán bộ, "
                          f"{vn_number(sizes.history)} dòng lịch sử…")
        try:
            result = scale_load(sizes=sizes, progress=lambda step: self.stdout.write(f"  … {step}"))
        except ScaleError as exc:
            raise CommandError(str(exc)) from exc
        if result is None:
            self.stdout.write("Đã có hồ sơ cán bộ hoặc chương trình khác chương trình mẫu; không tạo dữ liệu quy mô "
                              "lớn, không thay đổi gì.")
            return
        self.stdout.write(self.style.SUCCESS(f"Đã ghi trong {result.seconds:.1f} giây (số dòng theo bảng):"))
        for table, rows in result.counts.items():
            self.stdout.write(f"  {table:<42} {vn_number(rows):>10}")
        self.stdout.write(f"  {'dòng lịch sử (*)':<42} {vn_number(result.history):>10}")
        self.stdout.write("  (*) programs_statuschange + programs_deadlineextension + programs_note + "
                          "personnel_assignment + personnel_rating + personnel_discipline + personnel_deferral; "
                          f"xếp loại {result.rating_years} năm gần nhất (một số người thêm một năm).")

    def _round(self) -> None:
        rnd = rounds_load()
        if rnd is None:
            return
        due = rnd.due_entries.filter(included=True).count()
        placed = rnd.moves.exclude(to_position=None).count()
        share = f"{100 * placed / due:.1f}".replace(".", ",") if due else "0"
        proven = "phương án tốt nhất, đã được kiểm chứng" if rnd.solver_status == "optimal" else "phương án khả thi"
        self.stdout.write(self.style.SUCCESS(
            f"Đã tạo đợt “{rnd.name}”: {vn_number(due)} người đến hạn, bố trí được {vn_number(placed)} người "
            f"({share} %), {proven}; {vn_number(due - placed)} người chưa bố trí, mỗi người có lý do."))

    def _indicators(self) -> None:
        indicators = indicators_load()
        if indicators is None:
            self.stdout.write("Đã có chỉ số; không nạp chỉ số mẫu, không thay đổi gì.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Đã nạp {indicators.indicators} chỉ số mẫu ({indicators.targets} chỉ tiêu, {indicators.actuals} số "
                f"liệu thực hiện) và tổ công tác “{indicators.task_force.name}”."))

    def _accounts(self) -> None:
        loaded = accounts_load()
        if loaded is not None:
            self.stdout.write(self.style.SUCCESS(
                f"Đã thêm {loaded.departments} phòng, ban thuộc Sở Nội vụ (có biên chế được giao) và "
                f"{loaded.grants} vai trò bổ sung (tccb.snv phụ trách thêm Sở Xây dựng)."))

    def _logins(self, *, short: bool) -> None:
        logins = demo_users()
        extra = 0
        if short:  # hundreds of unit accounts at scale: the first ones, and how the others are named
            extra = len(logins) - 12
            logins = logins[:12]
        if logins:
            self.stdout.write(f"Tài khoản (mật khẩu mẫu: {DEMO_PASSWORD}):")
            for username, role, unit in logins:
                self.stdout.write(f"  {username:<12} {role}{' — ' + unit if unit else ''}")
        if short and extra > 0:
            self.stdout.write(f"  … và {extra} tài khoản khác ({User.objects.count()} tài khoản): cb.<mã đơn vị>.1, "
                              "cb.<mã đơn vị>.2 (cán bộ đơn vị chủ trì), tccb.<mã đơn vị>.1, tccb.<mã đơn vị>.2 (cán "
                              "bộ tổ chức), thuongtruc.1, thuongtruc.2, bcd.1.")
