from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chidao.core.backup import ENGINE_LABEL, BackupError, backup_create


class Command(BaseCommand):
    help = ("Sao lưu cơ sở dữ liệu và các tệp đã tải lên (MEDIA_ROOT) vào một tệp .tar.gz kèm manifest.json; "
            "an toàn khi ứng dụng đang chạy. Khôi phục bằng `chidao restore`.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, metavar="FILE", help="tệp bản sao lưu (.tar.gz)")

    def handle(self, *args: object, **options: str) -> None:
        try:
            manifest = backup_create(Path(options["output"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = manifest["counts"]
        self.stdout.write(self.style.SUCCESS(
            f"Đã sao lưu {ENGINE_LABEL[manifest['engine']]} vào {options['output']}: "
            f"{counts['programs.Deliverable']} nội dung, {counts['core.User']} người dùng, "
            f"{counts['personnel.Person']} hồ sơ cán bộ, {manifest['media']['files']} tệp đã tải lên; "
            f"sha256 {manifest['db_sha256'][:16]}…"))
