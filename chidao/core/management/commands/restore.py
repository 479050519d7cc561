from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from chidao.core.backup import (
    ENGINE_LABEL,
    BackupError,
    backup_inspect,
    backup_restore,
    created_at_label,
    current_counts,
    database_label,
    media_in_bucket,
    media_stats,
)


class Command(BaseCommand):
    help = ("Khôi phục cơ sở dữ liệu và các tệp đã tải lên từ một bản sao lưu của `chidao backup`. THAY THẾ toàn "
            "bộ dữ liệu hiện có; cần --yes. Dừng ứng dụng (web và db_worker) trước khi khôi phục.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="tệp bản sao lưu (.tar.gz)")
        parser.add_argument("--yes", action="store_true", help="xác nhận thay thế dữ liệu hiện có")
        parser.add_argument("--identity", metavar="FILE",
                            help="tệp khóa bí mật age cho bản sao lưu đã mã hóa (mặc định CHIDAO_BACKUP_IDENTITY_FILE)")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        identity = Path(str(options["identity"])) if options["identity"] else None
        try:
            if not options["yes"]:
                self._describe(backup_inspect(path, identity=identity))
                raise CommandError("Chưa khôi phục, không thay đổi gì: chạy lại với --yes để xác nhận.")
            manifest = backup_restore(path, identity=identity)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        bucket = media_in_bucket()
        where = (f"(tệp vẫn ở bucket “{bucket}”, không khôi phục từ đây: dùng các phiên bản lưu của bucket)" if bucket
                 else f"và {manifest['media']['files']} tệp vào {settings.MEDIA_ROOT}")
        self.stdout.write(self.style.SUCCESS(
            f"Đã khôi phục {database_label()} {where} từ bản "
            f"sao lưu tạo lúc {created_at_label(manifest)}. Nếu bản sao lưu cũ hơn mã nguồn, chạy `chidao migrate`."))

    def _describe(self, manifest: dict) -> None:
        now = current_counts()
        files, _size = media_stats(Path(settings.MEDIA_ROOT))
        self.stdout.write(
            f"Bản sao lưu hợp lệ ({ENGINE_LABEL[manifest['engine']]}, tạo lúc {created_at_label(manifest)}, "
            f"Chidao {manifest.get('version', '?')}).\n"
            f"Khôi phục sẽ THAY THẾ toàn bộ {database_label()} và thư mục tệp {settings.MEDIA_ROOT}:")
        for label, count in manifest["counts"].items():
            current = "?" if now.get(label) is None else now[label]
            self.stdout.write(f"  {label:<24} hiện có {current:>6} → sau khôi phục {count:>6}")
        after = manifest["media"]["files"]
        self.stdout.write(f"  {'tệp đã tải lên':<24} hiện có {files:>6} → sau khôi phục {after:>6}")
