import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chidao.indicators.demo import indicators_load
from chidao.personnel.demo import DEFAULT_PEOPLE, people_load
from chidao.procedures.demo import procedures_load
from chidao.programs.demo import DEMO_PASSWORD, demo_load, demo_users
from chidao.rotation.demo import rounds_load


class Command(BaseCommand):
    help = ("Nạp dữ liệu mẫu (Chương trình 01-CTr/TU) vào cơ sở dữ liệu trống, kèm hồ sơ cán bộ mẫu "
            f"(--people N, mặc định {DEFAULT_PEOPLE}).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--people", type=int, default=None, metavar="N",
                            help=f"số hồ sơ cán bộ mẫu cần tạo (mặc định {DEFAULT_PEOPLE}; 0: không tạo)")

    def handle(self, *args: object, **options: object) -> None:
        count = options["people"]
        count = DEFAULT_PEOPLE if count is None else count
        if not isinstance(count, int) or count < 0:
            raise CommandError("--people phải là số không âm.")
        if demo_load():
            self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu: Chương trình số 01-CTr/TU, 34 nội dung."))
        else:
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu; không nạp dữ liệu mẫu, không thay đổi gì.")
        procedures = procedures_load()
        if procedures is None:
            self.stdout.write("Đã có thủ tục hành chính; không nạp danh mục thủ tục mẫu, không thay đổi gì.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Đã nạp {procedures.procedures} thủ tục hành chính mẫu, {procedures.decisions} quyết định công bố "
                f"({procedures.items} mục), {procedures.findings} kết quả rà soát."))
        if count:
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
            rnd = rounds_load()
            if rnd is not None:
                self.stdout.write(self.style.SUCCESS(
                    f"Đã tạo đợt “{rnd.name}”: {rnd.due_entries.filter(included=True).count()} người đến hạn, "
                    f"{rnd.moves.exclude(to_position=None).count()} đề xuất điều chuyển."))
        indicators = indicators_load()
        if indicators is None:
            self.stdout.write("Đã có chỉ số; không nạp chỉ số mẫu, không thay đổi gì.")
        else:
            self.stdout.write(self.style.SUCCESS(
                f"Đã nạp {indicators.indicators} chỉ số mẫu ({indicators.targets} chỉ tiêu, {indicators.actuals} số "
                f"liệu thực hiện) và tổ công tác “{indicators.task_force.name}”."))
        logins = demo_users()
        if logins:
            self.stdout.write(f"Tài khoản (mật khẩu mẫu: {DEMO_PASSWORD}):")
            for username, role, unit in logins:
                self.stdout.write(f"  {username:<12} {role}{' — ' + unit if unit else ''}")
