from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chidao.core.commands import command_user
from chidao.core.reference import province_choices, province_find, province_load


class Command(BaseCommand):
    help = ("Nạp danh mục đơn vị hành chính: `units load --province MÃ` nạp một tỉnh, thành phố và các xã, phường "
            "của nó (chạy lại chỉ cập nhật tên); `units load --list` in mã các tỉnh, thành phố.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--province", help="mã tỉnh, thành phố (ví dụ 01 hoặc ha_noi)")
        group.add_argument("--list", action="store_true", help="in mã 34 tỉnh, thành phố")
        parser.add_argument("--user", help="tài khoản ghi nhật ký (mặc định: không ghi tên)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            for code, name, wards in province_choices():
                self.stdout.write(f"{code}  {name}  ({wards} xã, phường)")
            return
        province = province_find(options["province"])
        if province is None:
            raise CommandError(f"Không có tỉnh, thành phố mã “{options['province']}”; xem `units load --list`.")
        actor = command_user(options["user"]) if options.get("user") else None
        try:
            created, updated = province_load(actor=actor, province=province)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"{province.name}: tạo mới {created}, cập nhật {updated} đơn vị.")
