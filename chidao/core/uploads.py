"""The one check every uploaded file passes before anything is written: size, extension and content.

Used by every upload path: deliverable attachments (page, progress notes and API, through
`programs.services.validate_upload`), the Excel imports (deliverables, cadre records, the procedure registry,
processing figures), the replacement of a Word report template and the file of a publication decision.

The content must match the extension, so a renamed file is refused: a .pdf starts with ``%PDF-``; a .docx or
.xlsx is a zip holding ``[Content_Types].xml`` and its main part (``word/document.xml``, ``xl/workbook.xml``); an
.odt/.ods is a zip whose ``mimetype`` says so; a .doc/.xls is an OLE2 compound file; a .jpg/.png has its
image signature. Limits: settings.CHIDAO_UPLOAD_MAX_BYTES; extensions: the caller's list.

A zip container (.xlsx, .docx, .odt, .ods) is also refused, before any of its parts is parsed, when its members
would unpack to more than settings.CHIDAO_UPLOAD_ZIP_MAX_UNPACKED_BYTES in total or one member unpacks to more
than settings.CHIDAO_UPLOAD_ZIP_MAX_RATIO times its packed size (`zip_problem`). The sizes are the ones the
archive declares; Python's zipfile never unpacks a member past its declared size (a member that lies fails its
CRC check), so the declared sizes bound what any later reader (openpyxl, python-docx, the import reader) gets.
"""

import os
import zipfile
from collections.abc import Callable, Sequence
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
PNG = b"\x89PNG\r\n\x1a\n"
HEAD = 16
ZIP_EXTENSIONS = (".xlsx", ".docx", ".odt", ".ods")
RATIO_FLOOR = 1024 * 1024  # members unpacking to less than this are never a bomb, whatever their ratio


class ZipRefused(ValueError):
    """A zip container over the unpacking limits; the message says why, in Vietnamese."""


def zip_problem(file: Any) -> str | None:
    """Why a zip container is refused before parsing (too much unpacked in total, or one member packed too
    tightly), in Vietnamese, or None (also None for a file that is not a zip: the content check says so).
    Reads only the archive's directory; the file is left at its start."""
    if hasattr(file, "seek"):
        file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    finally:
        if hasattr(file, "seek"):
            file.seek(0)
    limit, ratio = settings.CHIDAO_UPLOAD_ZIP_MAX_UNPACKED_BYTES, settings.CHIDAO_UPLOAD_ZIP_MAX_RATIO
    if sum(m.file_size for m in members) > limit:
        return _("Tệp nén bên trong quá lớn (giải nén vượt %(mb)s MB); không đọc tệp này.") % {
            "mb": limit // (1024 * 1024)}
    for m in members:
        if m.file_size > min(RATIO_FLOOR, limit) and m.file_size > ratio * max(m.compress_size, 1):
            return _("Tệp có phần nén bất thường (%(name)s nén %(r)s lần, cho phép %(max)s lần); không đọc tệp "
                     "này.") % {"name": m.filename, "r": m.file_size // max(m.compress_size, 1), "max": ratio}
    return None


def zip_check(file: Any) -> None:
    """Raise ZipRefused when `zip_problem` finds the container over the limits (readers call it first)."""
    problem = zip_problem(file)
    if problem is not None:
        raise ZipRefused(problem)


def _zip_parts(file: IO[bytes], *parts: str) -> bool:
    """A zip archive (Office Open XML package) holding every named part."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return False
    return all(p in names for p in parts)


def _opendocument(file: IO[bytes], mimetype: str) -> bool:
    try:
        with zipfile.ZipFile(file) as archive:
            return archive.read("mimetype").strip() == mimetype.encode()
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError):
        return False


# What the content of each extension must look like: (head of the file, the file) -> ok.
SIGNATURES: dict[str, Callable[[bytes, IO[bytes]], bool]] = {
    ".pdf": lambda head, f: head.startswith(b"%PDF-"),
    ".docx": lambda head, f: _zip_parts(f, "[Content_Types].xml", "word/document.xml"),
    ".xlsx": lambda head, f: _zip_parts(f, "[Content_Types].xml", "xl/workbook.xml"),
    ".odt": lambda head, f: _opendocument(f, "application/vnd.oasis.opendocument.text"),
    ".ods": lambda head, f: _opendocument(f, "application/vnd.oasis.opendocument.spreadsheet"),
    ".doc": lambda head, f: head.startswith(OLE2),
    ".xls": lambda head, f: head.startswith(OLE2),
    ".jpg": lambda head, f: head.startswith(b"\xff\xd8\xff"),
    ".jpeg": lambda head, f: head.startswith(b"\xff\xd8\xff"),
    ".png": lambda head, f: head.startswith(PNG),
}


def _size(file: Any) -> int:
    size = getattr(file, "size", None)
    if size is None:
        position = file.tell()
        file.seek(0, os.SEEK_END)
        size = file.tell()
        file.seek(position)
    return int(size)


def upload_problem(file: Any, *, extensions: Sequence[str]) -> str | None:
    """What is wrong with an uploaded file, in Vietnamese, or None. The file is read from its start and left
    at its start."""
    name = getattr(file, "name", "") or ""
    ext = os.path.splitext(name)[1].lower()
    allowed = [e.lower() for e in extensions]
    if ext not in allowed:
        return _("Loại tệp %(ext)s không được phép. Cho phép: %(allowed)s.") % {
            "ext": ext or "?", "allowed": ", ".join(allowed)}
    size = _size(file)
    if size == 0:
        return _("Tệp rỗng.")
    limit = settings.CHIDAO_UPLOAD_MAX_BYTES
    if size > limit:
        return _("Tệp vượt quá dung lượng cho phép (%(mb)s MB).") % {"mb": limit // (1024 * 1024)}
    if ext in ZIP_EXTENSIONS:
        problem = zip_problem(file)
        if problem is not None:
            return problem
    check = SIGNATURES.get(ext)
    if check is not None:
        file.seek(0)
        head = file.read(HEAD)
        file.seek(0)
        ok = check(head, file)
        file.seek(0)
        if not ok:
            return _("Nội dung tệp không đúng định dạng %(ext)s (tệp hỏng hoặc đã bị đổi đuôi).") % {"ext": ext}
    return None


def upload_check(file: Any, *, extensions: Sequence[str], field: str | None = "file") -> None:
    """Refuse a file that is empty, too large, of another type, or whose content is not what its extension
    says: a ValidationError keyed by `field` (services), or a plain one when `field` is None (a form field's
    clean method)."""
    problem = upload_problem(file, extensions=extensions)
    if problem is None:
        return
    if field is None:
        raise ValidationError(problem)
    raise ValidationError({field: [problem]})
