from django.core.management.base import BaseCommand

from chidao.programs.demo import DEMO_PASSWORD, demo_load, demo_users


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu (Chương trình 01-CTr/TU) vào cơ sở dữ liệu trống."

    def handle(self, *args: object, **options: object) -> None:
        if demo_load():
            self.stdout.write(self.style.SUCCESS("Đã nạp dữ liệu mẫu: Chương trình số 01-CTr/TU, 34 nội dung."))
        else:
            self.stdout.write("Cơ sở dữ liệu đã có dữ liệu; không nạp dữ liệu mẫu, không thay đổi gì.")
        logins = demo_users()
        if logins:
            self.stdout.write(f"Tài khoản (mật khẩu mẫu: {DEMO_PASSWORD}):")
            for username, role, unit in logins:
                self.stdout.write(f"  {username:<12} {role}{' — ' + unit if unit else ''}")
