from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chidao.core.backup import ENGINE_LABEL, BackupError, backup_create, backup_keygen


class Command(BaseCommand):
    help = ("Sao lưu cơ sở dữ liệu và các tệp đã tải lên (MEDIA_ROOT) vào một tệp .tar.gz kèm manifest.json đã ký; "
            "an toàn khi ứng dụng đang chạy. Khôi phục bằng `chidao restore`.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", metavar="FILE",
                            help="tệp bản sao lưu (.tar.gz, hoặc .tar.gz.age khi mã hóa)")
        parser.add_argument("--recipient", action="append", metavar="AGE1…",
                            help="mã hóa cho khóa công khai age này (lặp lại được; mặc định CHIDAO_BACKUP_RECIPIENTS)")
        parser.add_argument("--new-key", metavar="FILE",
                            help="tạo cặp khóa mã hóa: ghi khóa bí mật vào FILE (người vận hành giữ, không để trên "
                                 "máy chủ) và in khóa công khai để đặt vào CHIDAO_BACKUP_RECIPIENTS")

    def handle(self, *args: object, **options: object) -> None:
        try:
            if options["new_key"]:
                public = backup_keygen(Path(str(options["new_key"])))
                self.stdout.write(self.style.SUCCESS(f"Đã ghi khóa bí mật vào {options['new_key']}. Khóa công khai: "))
                self.stdout.write(public)
                return
            if not options["output"]:
                raise CommandError("Cần -o TỆP (tệp bản sao lưu) hoặc --new-key TỆP.")
            recipients = options["recipient"]
            manifest = backup_create(Path(str(options["output"])),
                                     recipients=list(recipients) if isinstance(recipients, list) else None)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = manifest["counts"]
        encrypted = ", đã mã hóa" if manifest["encrypted"] else ""
        self.stdout.write(self.style.SUCCESS(
            f"Đã sao lưu {ENGINE_LABEL[manifest['engine']]} vào {options['output']}{encrypted}: "
            f"{counts['programs.Deliverable']} nội dung, {counts['core.User']} người dùng, "
            f"{counts['personnel.Person']} hồ sơ cán bộ, {manifest['media']['files']} tệp đã tải lên; "
            f"sha256 {manifest['db_sha256'][:16]}…"))
        if manifest["media"].get("bucket"):
            self.stdout.write(self.style.WARNING(
                "Tệp đã tải lên và tệp báo cáo nằm trong kho lưu trữ đối tượng S3 "
                f"(bucket “{manifest['media']['bucket']}”), "
                "KHÔNG có trong bản sao lưu này: chúng được bảo vệ bằng versioning và quy tắc lifecycle của bucket "
                "(docs/production.md, mục Several machines). Bản sao lưu này chỉ gồm cơ sở dữ liệu."))
