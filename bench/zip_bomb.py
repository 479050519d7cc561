"""Benchmark: a zip bomb sent through the people import (dry run) is refused before anything is parsed.

Builds an .xlsx of about 1 MB whose xl/workbook.xml unpacks to more than 1 GB (spaces inside the root element,
compressed about 1,000 to 1), sends it through `chidao.personnel.excel.people_import` with dry_run, and prints
the time taken and the growth of the process's peak memory (RSS). Target: under 1 s and under 50 MB, the
file refused with the Vietnamese reason and nothing written. It runs on a throwaway SQLite database.

Run:  .venv/bin/python bench/zip_bomb.py [--gigabytes 1.1]
"""

import argparse
import io
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def bomb(gigabytes: float) -> bytes:
    """A minimal workbook package whose workbook part is `gigabytes` of whitespace, written in streamed chunks."""
    buffer = io.BytesIO()
    chunk = b" " * (16 * 1024 * 1024)
    total = int(gigabytes * 1024 ** 3)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        with z.open("xl/workbook.xml", "w", force_zip64=True) as f:
            f.write(b'<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/'
                    b'main">')
            written = 0
            while written < total:
                f.write(chunk)
                written += len(chunk)
            f.write(b"</workbook>")
    return buffer.getvalue()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--gigabytes", type=float, default=1.1)
    p.add_argument("--path", help=argparse.SUPPRESS)  # the child: import this file
    args = p.parse_args()
    if args.path:
        child(Path(args.path))
        return
    work = tempfile.mkdtemp(prefix="chidao-zip-bomb-")
    t = time.perf_counter()
    data = bomb(args.gigabytes)
    built = time.perf_counter() - t
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        unpacked = sum(i.file_size for i in z.infolist())
    print(f"bomb: {len(data) / 1024 ** 2:.2f} MB packed, {unpacked / 1024 ** 3:.2f} GB unpacked "
          f"(built in {built:.1f} s)")
    path = Path(work) / "bomb.xlsx"
    path.write_bytes(data)
    # A fresh process, so its peak memory is not the builder's.
    subprocess.run([sys.executable, __file__, "--path", str(path)], check=True)


def child(path: Path) -> None:
    work = path.parent
    os.environ["DATABASE_URL"] = f"sqlite:///{work}/bench.sqlite3"
    os.environ["CHIDAO_VAR_DIR"] = str(work)
    os.environ["DJANGO_SETTINGS_MODULE"] = "chidao.settings"
    sys.path.insert(0, str(PROJECT_DIR))
    import django

    django.setup()
    from django.core.management import call_command

    from chidao.core.models import Role, User
    from chidao.personnel import excel
    from chidao.personnel.models import Person

    call_command("migrate", verbosity=0)
    admin = User.objects.create(username="bench-admin", full_name="Bench", role=Role.ADMIN, is_superuser=True)
    rss_before = peak_rss_mb()
    t = time.perf_counter()
    with path.open("rb") as f:
        result = excel.people_import(actor=admin, file=f, dry_run=True)
    elapsed = time.perf_counter() - t
    growth = peak_rss_mb() - rss_before
    print(f"errors: {[str(e) for e in result.errors]}")
    print(f"people written: {Person.objects.count()}")
    print(f"time: {elapsed * 1000:.1f} ms ({'PASS' if elapsed < 1 else 'MISS'} < 1 s); "
          f"peak RSS growth: {growth:.1f} MB ({'PASS' if growth < 50 else 'MISS'} < 50 MB); "
          f"process peak {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
