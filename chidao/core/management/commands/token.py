from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chidao.core.errors import ValidationError
from chidao.core.models import TokenScope, User
from chidao.core.tokens import api_token_create


class Command(BaseCommand):
    help = "Tạo mã truy cập API cho một người dùng (in ra một lần duy nhất)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("--user", required=True, help="tên đăng nhập")
        parser.add_argument("--scope", choices=TokenScope.values, default=TokenScope.READ)
        parser.add_argument("--name", default="cli")
        parser.add_argument("--days", type=int, default=None,
                            help="thời hạn (ngày), từ 1 đến CHIDAO_TOKEN_DAYS; mặc định là tối đa")

    def handle(self, *args: object, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"Không có người dùng “{options['user']}”.")
        try:
            _token, raw = api_token_create(user=user, name=options["name"], scope=options["scope"],
                                           days=options["days"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stdout.write(raw)
