"""`chidao users`: the first administrator of a deployment, and accounts from Excel (thin adapters over
chidao.core.accounts and accounts_import)."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chidao.core import accounts
from chidao.core.accounts_import import users_import
from chidao.core.commands import command_user
from chidao.core.errors import PermissionDenied, ValidationError
from chidao.core.htmx import error_messages
from chidao.core.models import Role


class Command(BaseCommand):
    help = ("Tài khoản người dùng: create-admin (quản trị hệ thống đầu tiên; in liên kết đặt mật khẩu hoặc mật "
            "khẩu tạm thời), import TỆP.xlsx --actor TÊN (nhập từ Excel).")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        admin = sub.add_parser("create-admin", help="tạo tài khoản quản trị hệ thống")
        admin.add_argument("--username", required=True, help="tên đăng nhập")
        admin.add_argument("--email", default="", help="thư điện tử (nhận liên kết đặt mật khẩu)")
        admin.add_argument("--full-name", default="", dest="full_name", help="họ và tên")
        admin.add_argument("--actor", default="", help="quản trị viên thực hiện (khi đã có quản trị viên)")
        imp = sub.add_parser("import", help="nhập tài khoản từ Excel (tất cả hoặc không dòng nào)")
        imp.add_argument("file", help="tệp .xlsx theo mẫu")
        imp.add_argument("--actor", required=True, help="tên đăng nhập của quản trị viên thực hiện")
        imp.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create-admin":
                self._create_admin(options)
            else:
                self._import(options)
        except ValidationError as exc:
            raise CommandError(" ".join(error_messages(exc))) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None

    def _onboarding(self, onboarding: accounts.Onboarding) -> None:
        user = onboarding.user
        if onboarding.temporary_password:
            self.stdout.write(f"{user.username}\tmật khẩu tạm thời: {onboarding.temporary_password}")
        elif onboarding.link_sent_to:
            self.stdout.write(f"{user.username}\tđã gửi liên kết tới {onboarding.link_sent_to}")
        else:
            self.stdout.write(f"{user.username}\tchưa gửi liên kết")

    def _create_admin(self, options: dict[str, Any]) -> None:
        values = {"username": options["username"], "email": options["email"], "full_name": options["full_name"]}
        if options["actor"]:
            onboarding = accounts.user_create(actor=command_user(options["actor"]), role=Role.ADMIN, **values)
        else:
            onboarding = accounts.user_create_first_admin(**values)
        self.stdout.write(self.style.SUCCESS(f"Đã tạo tài khoản quản trị {onboarding.user.username}."))
        self._onboarding(onboarding)
        if onboarding.link_sent_to:
            self.stdout.write(f"Liên kết đặt mật khẩu: {accounts.password_link(onboarding.user)}")

    def _import(self, options: dict[str, Any]) -> None:
        actor = command_user(options["actor"])
        with open(options["file"], "rb") as handle:
            result = users_import(actor=actor, file=handle, dry_run=options["dry_run"])
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"Tệp có {len(result.errors)} lỗi; chưa ghi dòng nào.")
        verb = "Hợp lệ (chưa ghi)" if result.dry_run else "Đã nhập"
        self.stdout.write(self.style.SUCCESS(f"{verb}: {result.counts.get('created', 0)} tài khoản."))
        for onboarding in result.onboarding:
            self._onboarding(onboarding)
