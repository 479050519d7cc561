"""The one check every uploaded file passes before anything is written: size, extension and content.

Used by every upload path: deliverable attachments (page, progress notes and API, through
`programs.services.validate_upload`), the Excel imports (deliverables, cadre records, the procedure registry,
processing figures), the replacement of a Word report template and the file of a publication decision.

The content must match the extension, so a renamed file is refused: a .pdf starts with ``%PDF-``; a .docx or
.xlsx is a zip holding ``[Content_Types].xml`` and its main part (``word/document.xml``, ``xl/workbook.xml``); an
.odt/.ods is a zip whose ``mimetype`` says so; a .doc/.xls is an OLE2 compound file; a .jpg/.png has its
image signature. Limits: settings.CHIDAO_UPLOAD_MAX_BYTES; extensions: the caller's list.
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
