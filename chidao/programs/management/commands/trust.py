from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chidao.core.signing import trust_roots, trust_roots_location
from chidao.programs.services import trust_root_install


class Command(BaseCommand):
    help = ("Chứng thư số gốc tin cậy dùng để kiểm tra chữ ký số trên văn bản tải lên: "
            "`trust add TỆP.pem` cài một chứng thư gốc (và kiểm tra lại các tệp PDF chưa hợp lệ); `trust list`.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["add", "list"])
        parser.add_argument("file", nargs="?", help="tệp chứng thư gốc dạng PEM (với add)")

    def handle(self, *args: object, **options: Any) -> None:
        if options["action"] == "list":
            for root in trust_roots():
                self.stdout.write(root.subject.human_friendly)
            return
        if not options["file"]:
            raise CommandError("Cần đường dẫn tệp PEM: chidao trust add TỆP.pem")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Không có tệp “{path}”.")
        try:
            checked = trust_root_install(actor=None, pem_bytes=path.read_bytes())
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Đã cài chứng thư gốc vào {trust_roots_location()}; đã kiểm tra lại {checked} tệp PDF.")
