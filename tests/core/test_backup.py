"""Backup and restore, verified by round trips in real processes.

pytest-django's SQLite test database lives in memory and cannot be backed up, so every test runs the
`chidao` command against its own file database (SQLite) or a throwaway PostgreSQL database.
"""

import hashlib
import hmac
import io
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tarfile
import time
import urllib.request
from pathlib import Path

import pytest

from chidao.core.backup import BAD_SIGNATURE, CHECKSUM_MISMATCH, UNSIGNED

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]
PG_ADMIN = os.environ.get("CHIDAO_TEST_PG", "postgres://postgres@127.0.0.1:5432")
PG_DB = "chidao_backup_test"
SIGNING_KEY = "khoa-ky-sao-luu-cua-bai-kiem-tra"
ATTACHMENT = b"%PDF-1.4\n" + bytes(range(256)) + b"\n%%EOF\n"

UPLOAD = f"""
from django.core.files.uploadedfile import SimpleUploadedFile
from chidao.core.models import User
from chidao.programs import services
from chidao.programs.models import Deliverable
services.attachment_upload(
    actor=User.objects.get(username="admin"), deliverable=Deliverable.objects.order_by("id").first(),
    file=SimpleUploadedFile("kiem-tra-sao-luu.pdf", {ATTACHMENT!r}, content_type="application/pdf"))
"""
STATE = """
import json
from django.apps import apps
from django.conf import settings
from chidao.core.backup import KEY_MODELS
from chidao.programs.models import Attachment, Deliverable
d = Deliverable.objects.order_by("id").first()
print(json.dumps({
    "counts": {label: apps.get_model(label).objects.count() for label in KEY_MODELS},
    "deliverable": [d.code, d.title, d.status, d.version],
    "attachment": Attachment.objects.get(original_name="kiem-tra-sao-luu.pdf").file.name,
    "media": sorted(p.relative_to(settings.MEDIA_ROOT).as_posix()
                    for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()),
}, ensure_ascii=False))
"""
CHANGE = """
from django.conf import settings
from chidao.core.models import User
from chidao.indicators.models import Indicator
from chidao.programs.models import Attachment, Deliverable
Indicator.objects.all().delete()
User.objects.create(username="sau-sao-luu")
Deliverable.objects.filter(pk=Deliverable.objects.order_by("id").first().pk).update(title="Đã sửa sau khi sao lưu")
open(Attachment.objects.get(original_name="kiem-tra-sao-luu.pdf").file.path, "wb").write(b"hong")
(settings.MEDIA_ROOT / "them-sau-sao-luu.txt").write_bytes(b"x")
"""
# What the demo (`chidao demo --people 0`: 149 units and the 4 departments of Sở Nội vụ) plus the one upload gives.
DEMO_COUNTS = {
    "core.Unit": 153, "core.User": 16, "programs.Program": 1, "programs.Deliverable": 38, "programs.Attachment": 35,
    "personnel.Person": 0, "procedures.Procedure": 2614, "indicators.Indicator": 5, "reports.ReportJob": 0,
}


class Site:
    """One Chidao installation: a database URL and a media directory, driven through `chidao`."""

    def __init__(self, root: Path, database_url: str) -> None:
        self.root, self.media = root, root / "media"
        self.env = {**os.environ, "DATABASE_URL": database_url, "CHIDAO_MEDIA_ROOT": str(self.media),
                    "CHIDAO_VAR_DIR": str(root), "CHIDAO_DEBUG": "1", "CHIDAO_TASKS_BACKEND": "immediate",
                    "CHIDAO_BACKUP_SIGNING_KEY": SIGNING_KEY}

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([str(BIN / "chidao"), *args], env=self.env, capture_output=True, text=True,
                              timeout=300, check=False)
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    def shell(self, code: str) -> str:
        return self.run("shell", "-v0", "-c", code).stdout

    def state(self) -> dict:
        return json.loads(self.shell(STATE).strip().splitlines()[-1])

    def attachment_bytes(self) -> bytes:
        return (self.media / self.state()["attachment"]).read_bytes()

    def load(self) -> None:
        self.run("migrate", "-v0")
        self.run("demo", "--people", "0")
        self.shell(UPLOAD)


def listing(root: Path) -> dict[str, str]:
    """Every file under root with its sha256: proves that nothing changed, temporary files included."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and p.suffix != ".tar.gz"}


def sign(data: bytes, key: str = SIGNING_KEY) -> bytes:
    return hmac.new(key.encode(), data, hashlib.sha256).hexdigest().encode()


def rewrite(source: Path, dest: Path, change) -> None:
    """Copy an archive member by member, passing each (info, bytes) through change."""
    with tarfile.open(source, "r:gz") as src, tarfile.open(dest, "w:gz") as out:
        for info in src:
            data = src.extractfile(info).read() if info.isfile() else None
            info, data = change(info, data)
            if data is not None:
                info.size = len(data)
            out.addfile(info, io.BytesIO(data) if data is not None else None)


@pytest.fixture(scope="module")
def pristine(tmp_path_factory):
    """The demo plus one upload in an SQLite file, and its backup (made once for the module)."""
    site = Site(root := tmp_path_factory.mktemp("pristine"), f"sqlite:///{root / 'chidao.sqlite3'}")
    site.load()
    done = site.run("backup", "-o", str(root / "a.tar.gz"))
    assert "Đã sao lưu SQLite vào" in done.stdout
    return site, site.state()


@pytest.fixture
def site(pristine, tmp_path):
    """A private copy of the pristine installation."""
    source, _state = pristine
    shutil.copy(source.root / "chidao.sqlite3", tmp_path / "chidao.sqlite3")
    shutil.copytree(source.media, tmp_path / "media")
    return Site(tmp_path, f"sqlite:///{tmp_path / 'chidao.sqlite3'}")


@pytest.fixture
def archive(pristine) -> Path:
    return pristine[0].root / "a.tar.gz"


def test_sqlite_backup_then_restore_brings_back_the_data_and_the_files(site, archive, pristine):
    before = site.state()
    assert before == pristine[1]
    assert before["counts"] == DEMO_COUNTS
    assert site.attachment_bytes() == ATTACHMENT
    with tarfile.open(archive, "r:gz") as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert (manifest["engine"], manifest["counts"], manifest["media"]["files"]) == ("sqlite", DEMO_COUNTS, 35)
    assert manifest["migrations"]["programs"].startswith("000")

    site.shell(CHANGE)
    changed = site.state()
    assert changed["counts"]["indicators.Indicator"] == 0 and changed["counts"]["core.User"] == 17
    assert changed["deliverable"][1] == "Đã sửa sau khi sao lưu"
    assert site.attachment_bytes() == b"hong"

    done = site.run("restore", str(archive), "--yes")

    assert "Đã khôi phục SQLite" in done.stdout
    after = site.state()
    assert after == before
    assert after["counts"] == DEMO_COUNTS
    assert "them-sau-sao-luu.txt" not in after["media"]
    assert site.attachment_bytes() == ATTACHMENT
    assert sorted(p.name for p in site.root.iterdir()) == ["chidao.sqlite3", "media"]  # no temporary files left


def test_restore_without_yes_refuses_and_changes_nothing(site, archive):
    site.shell(CHANGE)
    before = listing(site.root)

    done = site.run("restore", str(archive), ok=False)

    assert done.returncode == 1
    assert "Khôi phục sẽ THAY THẾ toàn bộ SQLite" in done.stdout
    assert "indicators.Indicator     hiện có      0 → sau khôi phục      5" in done.stdout
    assert done.stderr.strip() == "CommandError: Chưa khôi phục, không thay đổi gì: chạy lại với --yes để xác nhận."
    assert listing(site.root) == before
    assert site.state()["counts"]["indicators.Indicator"] == 0


def test_tampered_archive_is_refused_and_changes_nothing(site, archive, tmp_path_factory):
    tampered = tmp_path_factory.mktemp("tampered") / "a.tar.gz"

    def flip_a_byte(info, data):
        if info.name == "db.sqlite3":
            data = data[:4096] + bytes([data[4096] ^ 0xFF]) + data[4097:]
        return info, data

    rewrite(archive, tampered, flip_a_byte)
    site.shell(CHANGE)
    before = listing(site.root)

    done = site.run("restore", str(tampered), "--yes", ok=False)

    assert done.returncode == 1
    assert done.stderr.strip() == f"CommandError: {CHECKSUM_MISMATCH}"
    assert CHECKSUM_MISMATCH == ("Bản sao lưu bị hỏng hoặc đã bị sửa: mã kiểm tra sha256 của cơ sở dữ liệu không "
                                 "khớp với manifest.json. Không khôi phục, không thay đổi gì.")
    assert listing(site.root) == before


def test_archive_of_the_other_engine_is_refused(site, archive, tmp_path_factory):
    foreign = tmp_path_factory.mktemp("foreign") / "a.tar.gz"
    dump = b"PGDMP not really"

    def as_postgresql(info, data):
        if info.name == "db.sqlite3":
            info.name, data = "db.dump", dump
        elif info.name == "manifest.json":
            manifest = json.loads(data)
            manifest.update(engine="postgresql", db_file="db.dump", db_sha256=hashlib.sha256(dump).hexdigest())
            data = json.dumps(manifest).encode()
            signatures["manifest.sig"] = sign(data)
        elif info.name == "manifest.sig":
            data = signatures["manifest.sig"]
        return info, data

    signatures: dict[str, bytes] = {}

    rewrite(archive, foreign, as_postgresql)
    before = listing(site.root)

    done = site.run("restore", str(foreign), "--yes", ok=False)

    assert done.stderr.strip() == (
        "CommandError: Bản sao lưu này là của PostgreSQL, còn cơ sở dữ liệu đang cấu hình (DATABASE_URL) là SQLite: "
        "không khôi phục chéo giữa hai loại cơ sở dữ liệu. Không thay đổi gì.")
    assert listing(site.root) == before


def _superuser_cb_snv(data: bytes, tmp: Path) -> bytes:
    """The archive's database with the lead officer cb.snv made a superuser, as an attacker would edit it."""
    db = tmp / "edit.sqlite3"
    db.write_bytes(data)
    with sqlite3.connect(db) as con:
        assert con.execute("UPDATE core_user SET is_superuser = 1 WHERE username = 'cb.snv'").rowcount == 1
    con.close()
    return db.read_bytes()


@pytest.mark.parametrize("signature", ["kept", "removed", "other key"])
def test_forged_archive_with_a_recomputed_checksum_is_refused_and_changes_nothing(
        site, archive, tmp_path_factory, signature):
    """Given an archive whose database was edited (cb.snv made superuser) and whose manifest's db_sha256 was
    recomputed to match, when it is restored, then the signature check refuses it and nothing changes."""
    work = tmp_path_factory.mktemp("forged")
    forged = work / "a.tar.gz"

    def forge(info, data):
        if info.name == "db.sqlite3":
            data = _superuser_cb_snv(data, work)
            forge.sha = hashlib.sha256(data).hexdigest()
        elif info.name == "manifest.json":
            manifest = json.loads(data)
            manifest["db_sha256"] = forge.sha
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            forge.manifest = data
        elif info.name == "manifest.sig" and signature == "other key":
            data = sign(forge.manifest, "mot-khoa-khac")
        return info, data

    rewrite(archive, forged, forge)
    if signature == "removed":
        with tarfile.open(forged, "r:gz") as src, tarfile.open(work / "b.tar.gz", "w:gz") as out:
            for info in src:
                if info.name != "manifest.sig":
                    out.addfile(info, src.extractfile(info) if info.isfile() else None)
        forged = work / "b.tar.gz"
    before = listing(site.root)

    done = site.run("restore", str(forged), "--yes", ok=False)

    assert done.returncode == 1
    assert done.stderr.strip() == f"CommandError: {UNSIGNED if signature == 'removed' else BAD_SIGNATURE}"
    assert listing(site.root) == before
    assert site.shell("from chidao.core.models import User; print(User.objects.get(username='cb.snv').is_superuser)"
                      ).strip() == "False"


def test_archive_signed_with_another_key_is_refused(site, archive):
    """Given the signing key of this installation differs from the one that made the archive, the restore refuses
    it (the operator sets the same CHIDAO_BACKUP_SIGNING_KEY on both machines)."""
    site.env["CHIDAO_BACKUP_SIGNING_KEY"] = "khoa-cua-may-khac"
    before = listing(site.root)

    done = site.run("restore", str(archive), "--yes", ok=False)

    assert done.stderr.strip() == f"CommandError: {BAD_SIGNATURE}"
    assert listing(site.root) == before


def test_encrypted_backup_restores_only_with_the_operators_key(site, tmp_path_factory):
    """Given a key pair made by `chidao backup --new-key` and a backup encrypted to its public key, the archive
    is unreadable as a tar file; a restore without the identity or with another one refuses and changes nothing;
    with the identity it brings the data back."""
    keys = tmp_path_factory.mktemp("keys")
    made = site.run("backup", "--new-key", str(keys / "operator.key"))
    public = made.stdout.strip().splitlines()[-1]
    assert public.startswith("age1")
    assert oct((keys / "operator.key").stat().st_mode & 0o777) == "0o600"
    site.run("backup", "--new-key", str(keys / "other.key"))
    encrypted = keys / "a.tar.gz.age"

    done = site.run("backup", "-o", str(encrypted), "--recipient", public)

    assert "đã mã hóa" in done.stdout
    assert encrypted.read_bytes().startswith(b"age-encryption.org/v1")
    with pytest.raises(tarfile.TarError):
        tarfile.open(encrypted, "r:gz").getmembers()
    before_state = site.state()
    site.shell(CHANGE)
    before = listing(site.root)

    without = site.run("restore", str(encrypted), "--yes", ok=False)
    wrong = site.run("restore", str(encrypted), "--yes", "--identity", str(keys / "other.key"), ok=False)

    assert without.stderr.strip() == (
        "CommandError: Bản sao lưu đã được mã hóa: cần tệp khóa bí mật (chidao restore --identity TỆP hoặc "
        "CHIDAO_BACKUP_IDENTITY_FILE). Không thay đổi gì.")
    assert wrong.stderr.startswith("CommandError: Không giải mã được bản sao lưu bằng khóa đã cho")
    assert listing(site.root) == before

    done = site.run("restore", str(encrypted), "--yes", "--identity", str(keys / "operator.key"))

    assert "Đã khôi phục SQLite" in done.stdout
    assert site.state() == before_state
    assert sorted(p.name for p in site.root.iterdir()) == ["chidao.sqlite3", "media"]


def _postgresql_admin():
    if shutil.which("pg_dump") is None or shutil.which("pg_restore") is None:
        pytest.skip("pg_dump/pg_restore không có trên PATH")
    import psycopg

    try:
        return psycopg.connect(f"{PG_ADMIN}/postgres", autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip(f"không kết nối được PostgreSQL tại {PG_ADMIN}")


def test_postgresql_backup_then_restore_brings_back_the_data_and_the_files(tmp_path):
    admin = _postgresql_admin()
    admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
    admin.execute(f"CREATE DATABASE {PG_DB}")
    try:
        site = Site(tmp_path, f"{PG_ADMIN}/{PG_DB}")
        site.load()
        before = site.state()
        assert before["counts"] == DEMO_COUNTS
        done = site.run("backup", "-o", str(tmp_path / "p.tar.gz"))
        assert "Đã sao lưu PostgreSQL vào" in done.stdout
        site.shell(CHANGE)
        assert site.state()["counts"]["indicators.Indicator"] == 0

        done = site.run("restore", str(tmp_path / "p.tar.gz"), "--yes")

        assert "Đã khôi phục PostgreSQL" in done.stdout
        assert site.state() == before
        assert site.attachment_bytes() == ATTACHMENT
    finally:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        admin.close()


def test_prod_web_serves_pages_and_static_files(site):
    """scripts/prod-web.sh: gunicorn serves the login page and, through whitenoise, the static files."""
    site.run("collectstatic", "--noinput", "-v0")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**site.env, "CHIDAO_BIND": f"127.0.0.1:{port}", "CHIDAO_WEB_WORKERS": "1"}
    web = subprocess.Popen(["bash", str(ROOT / "scripts/prod-web.sh")], env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE)
    try:
        deadline, status = time.monotonic() + 15, None
        while time.monotonic() < deadline and status is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/dang-nhap/", timeout=2) as page:
                    status = page.status
            except OSError:
                assert web.poll() is None, web.stderr.read().decode() if web.stderr else ""
                time.sleep(0.2)
        assert status == 200
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/chidao/app.css", timeout=5) as css:
            assert css.status == 200
            assert css.read() == (ROOT / "chidao/static/chidao/app.css").read_bytes()
    finally:
        web.terminate()
        web.wait(timeout=10)
