"""Backup and restore: the database and the uploaded files (MEDIA_ROOT) in one .tar.gz.

The archive holds `manifest.json`, the database (`db.sqlite3`, or `db.dump` from `pg_dump --format=custom`)
and `media/`. SQLite is copied with the sqlite3 online backup API, PostgreSQL is dumped inside an exported
snapshot: both are consistent while the app runs, and the manifest's counts describe exactly what was copied.
A restore checks the archive (the manifest's signature, format, engine, migrations this code knows, sha256 of the
database file, media file count) before it replaces anything; SQLite is also integrity-checked and counted before
the swap. The manifest is signed with HMAC-SHA256 (`manifest.sig`, key CHIDAO_BACKUP_SIGNING_KEY or derived from the
secret key): whoever edits the database and recomputes its sha256 cannot sign the new manifest, so the archive is
refused. With CHIDAO_BACKUP_RECIPIENTS the whole archive is encrypted with age (pyrage) to keys whose identities
the operator keeps off the server; a restore then needs the identity file.
Messages are Vietnamese (they reach the operator through `chidao backup` / `chidao restore`).
"""

import datetime as dt
import hashlib
import hmac
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.crypto import salted_hmac
from pyrage import DecryptError, EncryptError, IdentityError, RecipientError, decrypt_file, encrypt_file, x25519

FORMAT = 2  # 2: signed manifest (manifest.sig)
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
AGE_MAGIC = b"age-encryption.org/v1"
DB_MEMBER = {"sqlite": "db.sqlite3", "postgresql": "db.dump"}
ENGINE_LABEL = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
MEDIA = "media"
# Counted into the manifest, shown before a restore and checked after it.
KEY_MODELS = [
    "core.Unit", "core.User", "programs.Program", "programs.Deliverable", "programs.Attachment",
    "personnel.Person", "procedures.Procedure", "indicators.Indicator", "reports.ReportJob",
]
CHECKSUM_MISMATCH = ("Bản sao lưu bị hỏng hoặc đã bị sửa: mã kiểm tra sha256 của cơ sở dữ liệu không khớp với "
                     "manifest.json. Không khôi phục, không thay đổi gì.")
UNSIGNED = ("Bản sao lưu không có chữ ký (manifest.sig): có thể đã bị sửa hoặc được tạo bởi phiên bản cũ. "
            "Không khôi phục, không thay đổi gì.")
BAD_SIGNATURE = ("Chữ ký của bản sao lưu không đúng: manifest.json đã bị sửa, hoặc bản sao lưu được ký bằng khóa khác "
                 "(đặt CHIDAO_BACKUP_SIGNING_KEY như ở máy đã sao lưu). Không khôi phục, không thay đổi gì.")
_CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why."""


Manifest = dict[str, Any]


def engine() -> str:
    vendor = connections["default"].vendor
    if vendor not in DB_MEMBER:
        raise BackupError(f"Chưa hỗ trợ sao lưu cơ sở dữ liệu loại “{vendor}” (chỉ SQLite và PostgreSQL).")
    return vendor


def database_label() -> str:
    db = settings.DATABASES["default"]
    if engine() == "sqlite":
        return f"SQLite {db['NAME']}"
    return f"PostgreSQL “{db['NAME']}” tại {db.get('HOST') or 'localhost'}:{db.get('PORT') or 5432}"


def _state(cursor: Any) -> tuple[dict[str, str], dict[str, int]]:
    """Latest applied migration per app and the key tables' row counts, read through a DB-API cursor."""
    cursor.execute("SELECT app, name FROM django_migrations ORDER BY id")
    migrations = {app: name for app, name in cursor.fetchall()}
    counts = {}
    for label in KEY_MODELS:
        table = connections["default"].ops.quote_name(apps.get_model(label)._meta.db_table)
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        counts[label] = int(cursor.fetchone()[0])
    return migrations, counts


def current_counts() -> dict[str, int | None]:
    """Rows in the configured database now (None when a table is missing, e.g. before `chidao migrate`)."""
    counts: dict[str, int | None] = {}
    for label in KEY_MODELS:
        try:
            counts[label] = apps.get_model(label).objects.count()
        except DatabaseError:
            counts[label] = None
    return counts


def media_in_bucket() -> str:
    """The bucket holding the uploaded and generated files when they are on S3-compatible object storage
    (CHIDAO_STORAGE=s3), else "" (on disk under MEDIA_ROOT). A bucket is not copied into the archive: it is protected
    by its own versioning and lifecycle rules (docs/production.md), so backups and restores cover the database only."""
    if getattr(settings, "CHIDAO_STORAGE", "local") != "s3":
        return ""
    return str(settings.STORAGES["default"]["OPTIONS"]["bucket_name"])


def media_stats(root: Path) -> tuple[int, int]:
    files = size = 0
    if root.is_dir():
        for path in root.rglob("*"):
            if path.is_file() and not path.is_symlink():
                files += 1
                size += path.stat().st_size
    return files, size


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_connection() -> tuple[list[str], dict[str, str]]:
    """pg_dump/pg_restore arguments and environment for settings.DATABASES["default"]."""
    db = settings.DATABASES["default"]
    args = ["--no-password"]
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    if (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = str(db["OPTIONS"]["sslmode"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"Không tìm thấy lệnh {command[0]} (cài gói postgresql-client cùng phiên bản máy chủ).")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} thất bại (mã {done.returncode}): {done.stderr.strip()}")


def _copy_sqlite(dest: Path) -> tuple[dict[str, str], dict[str, int]]:
    source = Path(settings.DATABASES["default"]["NAME"])
    if not source.is_file():
        raise BackupError(f"Không thấy tệp cơ sở dữ liệu {source}.")
    src = sqlite3.connect(source, timeout=30)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)  # the online backup API: a consistent copy while the app keeps writing
        state = _state(dst.cursor())
    finally:
        dst.close()
        src.close()
    return state


def _dump_postgresql(dest: Path) -> tuple[dict[str, str], dict[str, int]]:
    args, env = _pg_connection()
    connection = connections["default"]
    # One snapshot for the counts and the dump: the manifest describes exactly what pg_dump wrote.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = cursor.fetchone()[0]
        state = _state(cursor)
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dest}", *args,
              f"--dbname={settings.DATABASES['default']['NAME']}"], env)
    return state


def _version() -> str:
    try:
        return metadata.version("chidao")
    except metadata.PackageNotFoundError:
        return "?"


def manifest_signature(data: bytes) -> str:
    """HMAC-SHA256 of the manifest's bytes with the backup signing key (CHIDAO_BACKUP_SIGNING_KEY, else derived
    from the secret key): the archive's other members are bound to it by their sha256 and counts."""
    key = settings.CHIDAO_BACKUP_SIGNING_KEY
    if key:
        return hmac.new(key.encode(), data, hashlib.sha256).hexdigest()
    return salted_hmac("chidao.core.backup.manifest", data, algorithm="sha256").hexdigest()


def _recipients(recipients: list[str] | None) -> list[Any]:
    names = settings.CHIDAO_BACKUP_RECIPIENTS if recipients is None else recipients
    try:
        return [x25519.Recipient.from_str(name) for name in names]
    except RecipientError as exc:
        raise BackupError(f"Khóa mã hóa không hợp lệ ({exc}): cần khóa công khai age dạng “age1…”. "
                          "Chưa sao lưu.") from exc


def backup_keygen(path: Path) -> str:
    """Write a new age identity (private key) to `path`, readable by its owner only; return its public key, to put
    in CHIDAO_BACKUP_RECIPIENTS. The identity file belongs with the operator, not on the server."""
    path = Path(path)
    if path.exists():
        raise BackupError(f"{path} đã có: không ghi đè một khóa. Chọn tên tệp khác.")
    identity = x25519.Identity.generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(f"# Chidao backup key, created {timezone.localtime().isoformat(timespec='seconds')}\n"
                f"# public key: {identity.to_public()}\n{identity}\n")
    return str(identity.to_public())


def backup_create(output: Path, *, recipients: list[str] | None = None) -> Manifest:
    """Write the archive to `output` (through a temporary file in the same directory, then renamed), signed, and
    encrypted to `recipients` (default CHIDAO_BACKUP_RECIPIENTS) when there are any."""
    kind = engine()
    age_recipients = _recipients(recipients)
    output = Path(output).resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    bucket = media_in_bucket()
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=output.parent, prefix=".chidao-backup-") as tmp:
        db_file = Path(tmp) / DB_MEMBER[kind]
        migrations, counts = _copy_sqlite(db_file) if kind == "sqlite" else _dump_postgresql(db_file)
        partial = Path(tmp) / "archive.tar.gz"
        files = size = 0
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(db_file, arcname=DB_MEMBER[kind])
            top = tarfile.TarInfo(MEDIA)
            top.type, top.mode, top.mtime = tarfile.DIRTYPE, 0o755, int(timezone.now().timestamp())
            tar.addfile(top)
            if not bucket and media_root.is_dir():
                for path in sorted(media_root.rglob("*")):
                    if path.is_symlink() or not (path.is_dir() or path.is_file()):
                        continue
                    info = tar.gettarinfo(path, arcname=f"{MEDIA}/{path.relative_to(media_root).as_posix()}")
                    if info.isfile():
                        with path.open("rb") as f:
                            tar.addfile(info, f)
                        files += 1
                        size += info.size
                    else:
                        tar.addfile(info)
            manifest: Manifest = {
                "format": FORMAT,
                "app": "chidao",
                "version": _version(),
                "engine": kind,
                "created_at": timezone.localtime().isoformat(timespec="seconds"),
                "db_file": DB_MEMBER[kind],
                "db_sha256": _sha256(db_file),
                "db_bytes": db_file.stat().st_size,
                "migrations": migrations,
                "counts": counts,
                "media": {"files": files, "bytes": size, **({"bucket": bucket} if bucket else {})},
            }
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            signature = manifest_signature(data).encode()
            for name, body in ((MANIFEST, data), (SIGNATURE, signature)):
                info = tarfile.TarInfo(name)
                info.size, info.mtime, info.mode = len(body), int(timezone.now().timestamp()), 0o644
                tar.addfile(info, io.BytesIO(body))
        if age_recipients:
            encrypted = Path(tmp) / "archive.tar.gz.age"
            try:
                encrypt_file(str(partial), str(encrypted), age_recipients)
            except EncryptError as exc:
                raise BackupError(f"Không mã hóa được bản sao lưu ({exc}). Chưa sao lưu.") from exc
            partial = encrypted
        os.replace(partial, output)
    manifest["encrypted"] = bool(age_recipients)
    return manifest


def _member_bytes(tar: tarfile.TarFile, name: str, limit: int) -> bytes | None:
    try:
        info = tar.getmember(name)
        member = tar.extractfile(info) if info.isfile() and info.size <= limit else None
        return member.read() if member else None
    except (KeyError, tarfile.TarError, OSError, EOFError):
        return None


def _manifest(tar: tarfile.TarFile, path: Path) -> Manifest:
    data = _member_bytes(tar, MANIFEST, 10 * 1024 * 1024)
    try:
        manifest = json.loads(data) if data is not None else None
    except ValueError:
        manifest = None
    if isinstance(manifest, dict) and manifest.get("app") == "chidao":
        # The signature is checked before anything the manifest says is believed.
        signature = _member_bytes(tar, SIGNATURE, 1024)
        if signature is None:
            raise BackupError(UNSIGNED)
        if not hmac.compare_digest(signature.strip(), manifest_signature(data or b"").encode()):
            raise BackupError(BAD_SIGNATURE)
    shape = {"db_file": str, "db_sha256": str, "migrations": dict, "counts": dict, "media": dict}
    if (not isinstance(manifest, dict) or manifest.get("app") != "chidao"
            or not all(isinstance(manifest.get(key), kind) for key, kind in shape.items())):
        raise BackupError(f"{path} không phải bản sao lưu Chidao (thiếu hoặc hỏng manifest.json). Không thay đổi gì.")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Bản sao lưu có định dạng {manifest.get('format')}, phiên bản này đọc định dạng {FORMAT}. "
                          "Không thay đổi gì.")
    kind, other = engine(), str(manifest.get("engine"))
    if other != kind:
        raise BackupError(
            f"Bản sao lưu này là của {ENGINE_LABEL.get(other, other)}, còn cơ sở "
            f"dữ liệu đang cấu hình (DATABASE_URL) là {ENGINE_LABEL[kind]}: không khôi phục chéo giữa hai loại cơ sở "
            "dữ liệu. Không thay đổi gì.")
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    applied = manifest["migrations"].items()
    unknown = sorted(f"{app}.{name}" for app, name in applied if (app, name) not in known)
    if unknown:
        raise BackupError(f"Bản sao lưu được tạo bởi phiên bản Chidao mới hơn (có migration mà mã nguồn này chưa có: "
                          f"{', '.join(unknown)}). Cập nhật Chidao rồi khôi phục. Không thay đổi gì.")
    return manifest


def _identities(identity: Path | None) -> list[Any]:
    source = identity or (Path(settings.CHIDAO_BACKUP_IDENTITY_FILE) if settings.CHIDAO_BACKUP_IDENTITY_FILE else None)
    if source is None:
        raise BackupError("Bản sao lưu đã được mã hóa: cần tệp khóa bí mật (chidao restore --identity TỆP hoặc "
                          "CHIDAO_BACKUP_IDENTITY_FILE). Không thay đổi gì.")
    try:
        lines = [line.strip() for line in Path(source).read_text().splitlines()]
        return [x25519.Identity.from_str(line) for line in lines if line.startswith("AGE-SECRET-KEY-")]
    except (OSError, UnicodeDecodeError, IdentityError) as exc:
        raise BackupError(f"Không đọc được tệp khóa {source} ({exc}). Không thay đổi gì.") from exc


@contextmanager
def _open(path: Path, identity: Path | None = None) -> Iterator[tarfile.TarFile]:
    """The archive as a tar file; an encrypted one is first decrypted into a private temporary file."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"Không thấy tệp {path}.")
    with path.open("rb") as f:
        encrypted = f.read(len(AGE_MAGIC)) == AGE_MAGIC
    with tempfile.TemporaryDirectory(dir=_scratch_dir(), prefix=".chidao-restore-") as tmp:
        if encrypted:
            keys = _identities(identity)
            plain = Path(tmp) / "archive.tar.gz"
            try:
                decrypt_file(str(path), str(plain), keys)
            except DecryptError as exc:
                raise BackupError(f"Không giải mã được bản sao lưu bằng khóa đã cho ({exc}). "
                                  "Không thay đổi gì.") from exc
            path = plain
        try:
            tar = tarfile.open(path, "r:gz")
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"{path} không phải bản sao lưu Chidao (.tar.gz) hoặc đã hỏng. "
                              "Không thay đổi gì.") from exc
        with tar:
            yield tar


def _scratch_dir() -> Path:
    """Beside MEDIA_ROOT: on the server's own disk, removed with the temporary directory."""
    root = Path(settings.MEDIA_ROOT).resolve().parent
    root.mkdir(parents=True, exist_ok=True)
    return root


def _unpack(tar: tarfile.TarFile, manifest: Manifest, db_dest: IO[bytes] | None, media_dest: Path | None) -> None:
    """Read every member once: hash the database (writing it to db_dest), check (and extract) media/."""
    digest, db_seen, files, size = hashlib.sha256(), False, 0, 0
    try:
        for member in tar:
            name = PurePosixPath(member.name)
            if member.name == manifest["db_file"] and member.isfile():
                stream = tar.extractfile(member)
                assert stream is not None
                while chunk := stream.read(_CHUNK):
                    digest.update(chunk)
                    if db_dest is not None:
                        db_dest.write(chunk)
                db_seen = True
            elif name.parts and name.parts[0] == MEDIA:
                if name.is_absolute() or ".." in name.parts or not (member.isfile() or member.isdir()):
                    raise BackupError(f"Bản sao lưu có mục không hợp lệ: {member.name}. Không thay đổi gì.")
                if member.isfile():
                    files, size = files + 1, size + member.size
                if media_dest is not None:
                    tar.extract(member, media_dest, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(f"Không đọc được bản sao lưu ({exc}). Không thay đổi gì.") from exc
    if not db_seen or digest.hexdigest() != manifest.get("db_sha256"):
        raise BackupError(CHECKSUM_MISMATCH)
    media = manifest.get("media") or {}
    if {"files": files, "bytes": size} != {"files": media.get("files"), "bytes": media.get("bytes")}:
        raise BackupError(f"Thư mục tệp trong bản sao lưu ({files} tệp, {size} byte) không khớp manifest.json. "
                          "Không khôi phục, không thay đổi gì.")


def backup_inspect(path: Path, *, identity: Path | None = None) -> Manifest:
    """Verify an archive completely without writing anything; returns its manifest."""
    with _open(path, identity) as tar:
        manifest = _manifest(tar, Path(path))
        _unpack(tar, manifest, None, None)
    return manifest


def _check_counts(counts: dict[str, int], manifest: Manifest, after: str) -> None:
    wrong = [f"{label}: {counts.get(label)} ≠ {n}" for label, n in manifest["counts"].items() if counts.get(label) != n]
    if wrong:
        raise BackupError(f"{after}: số bản ghi không khớp manifest.json ({'; '.join(wrong)}).")


def _replace_media(new: Path, root: Path) -> None:
    """Make MEDIA_ROOT hold exactly the archive's files (works when MEDIA_ROOT is a mount point too)."""
    root.mkdir(parents=True, exist_ok=True)
    old = Path(tempfile.mkdtemp(dir=root.parent, prefix=f".{root.name}.old-"))
    for child in list(root.iterdir()):
        shutil.move(child, old / child.name)
    if new.is_dir():
        for child in list(new.iterdir()):
            shutil.move(child, root / child.name)
    shutil.rmtree(old)


def _check_sqlite(new_db: Path, manifest: Manifest) -> None:
    check = sqlite3.connect(new_db)
    try:
        ok = check.execute("PRAGMA integrity_check").fetchone()[0]
        if ok != "ok":
            raise BackupError(f"Tệp cơ sở dữ liệu trong bản sao lưu bị hỏng ({ok}). Không thay đổi gì.")
        _check_counts(_state(check.cursor())[1], manifest, "Bản sao lưu không nhất quán, không thay đổi gì")
    finally:
        check.close()


def _swap_sqlite(new_db: Path, target: Path) -> None:
    """Atomic: os.replace within the database's directory."""
    if target.exists():
        # Fold the write-ahead log into the old file so no stale -wal is replayed onto the new one.
        old = sqlite3.connect(target, timeout=30)
        try:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            old.close()
    os.chmod(new_db, stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644)
    os.replace(new_db, target)
    for suffix in ("-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)


def backup_restore(path: Path, *, identity: Path | None = None) -> Manifest:
    """Replace the configured database and MEDIA_ROOT with the archive's, after verifying it."""
    kind = engine()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    media_root.parent.mkdir(parents=True, exist_ok=True)
    target = Path(settings.DATABASES["default"]["NAME"]).resolve()
    db_dir = target.parent if kind == "sqlite" else None
    if db_dir is not None:
        db_dir.mkdir(parents=True, exist_ok=True)
    with _open(path, identity) as tar, \
            tempfile.TemporaryDirectory(dir=media_root.parent, prefix=f".{media_root.name}.restore-") as media_tmp:
        manifest = _manifest(tar, Path(path))
        fd, db_tmp = tempfile.mkstemp(dir=db_dir, prefix=f".{DB_MEMBER[kind]}.restore-")
        try:
            with os.fdopen(fd, "wb") as db_file:
                _unpack(tar, manifest, db_file, Path(media_tmp))
            if kind == "sqlite":
                _check_sqlite(Path(db_tmp), manifest)
            connections.close_all()
            if kind == "sqlite":
                _swap_sqlite(Path(db_tmp), target)
            else:
                args, env = _pg_connection()
                _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *args,
                      f"--dbname={settings.DATABASES['default']['NAME']}", db_tmp], env)
                with connections["default"].cursor() as cursor:
                    _check_counts(_state(cursor)[1], manifest, "Đã khôi phục cơ sở dữ liệu nhưng kiểm tra lại thấy")
            if not media_in_bucket():  # a bucket is restored from its own versions, never emptied from here
                _replace_media(Path(media_tmp) / MEDIA, media_root)
        finally:
            Path(db_tmp).unlink(missing_ok=True)
    return manifest


def created_at_label(manifest: Manifest) -> str:
    try:
        return timezone.localtime(dt.datetime.fromisoformat(manifest["created_at"])).strftime("%d/%m/%Y %H:%M:%S")
    except (KeyError, ValueError, TypeError):
        return str(manifest.get("created_at", "?"))
