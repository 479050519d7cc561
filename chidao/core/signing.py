"""Digital signatures on PDF documents (issue 18): sign what Chidao issues, check what users upload.

Issuing: `pdf_render` writes an HTML document as PDF/A-3b (WeasyPrint; plain PDF when the archival variant
cannot be written) and `pdf_sign` signs it (PAdES, pyHanko) with the issuing body's key, drawing a visible
stamp (signer name, time) on the last page; `pdf_issue` does both for an issued document and leaves a draft
("DỰ THẢO", no number yet) unsigned. The key is a PKCS#12 file or a key on a hardware token (PKCS#11),
both from settings.CHIDAO_SIGNING (the environment: CHIDAO_SIGNING_PKCS12 + CHIDAO_SIGNING_PASSWORD, or
CHIDAO_SIGNING_PKCS11_MODULE + _TOKEN_LABEL + _KEY_LABEL + _PIN). With no key configured the PDF is left
unsigned; a key that cannot be used is logged for the operator and the PDF is left unsigned too: issuing a
document never fails for the user because of its signature (`signing_notice` says which case holds).

Checking: `pdf_verify` reads every signature in an uploaded PDF: the signed bytes are intact and nothing but
form filling or further signatures was added after signing, the signer's certificate chains up to a root the
administrator installed (settings.CHIDAO_TRUST_ROOTS, a folder of PEM files; `trust_root_add`, or
`chidao trust add FILE.pem`), and the signing time. No network is used: no certificate or revocation list is
fetched.
"""

import contextlib
import datetime as dt
import functools
import hashlib
import io
import logging
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

logger = logging.getLogger(__name__)

PDFA_VARIANT = "pdf/a-3b"
FIELD_NAME = "ChuKySo"
# A4 points: the stamp sits in the bottom right corner of the last page, under the signature block.
STAMP_BOX = (330, 28, 565, 88)
STAMP_FONTS = (
    "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
)


class SigningConfigError(Exception):
    """The signing settings name a key that cannot be used (missing file, wrong password, no token...)."""


class SignatureState(models.TextChoices):
    NONE = "none", gettext_lazy("Không có chữ ký số")
    VALID = "valid", gettext_lazy("Hợp lệ")
    ALTERED = "altered", gettext_lazy("Văn bản đã bị sửa sau khi ký")
    UNTRUSTED = "untrusted", gettext_lazy("Chứng thư số không thuộc tổ chức tin cậy")
    INVALID = "invalid", gettext_lazy("Chữ ký không khớp")
    UNREADABLE = "unreadable", gettext_lazy("Không đọc được tệp")


# The worst state of a file's signatures is the file's state.
_SEVERITY: list[str] = [SignatureState.VALID, SignatureState.UNTRUSTED, SignatureState.INVALID, SignatureState.ALTERED]


@dataclass(frozen=True)
class SignatureCheck:
    """What the check of one PDF found: its state, who signed (certificate holders, "; "-joined) and when."""

    state: str
    signer: str = ""
    signed_at: dt.datetime | None = None


def signature_message(state: str, signer: str = "", signed_at: dt.datetime | None = None) -> str:
    """The sentence shown next to a checked file, in Vietnamese."""
    when = timezone.localtime(signed_at).strftime("%H:%M %d/%m/%Y") if signed_at else _("không rõ thời điểm")
    if state == SignatureState.VALID:
        return _("Đã ký số bởi %(who)s lúc %(when)s, hợp lệ") % {"who": signer, "when": when}
    if state == SignatureState.ALTERED:
        return _("Chữ ký không hợp lệ: văn bản đã bị sửa sau khi ký")
    if state == SignatureState.UNTRUSTED:
        return _("Chữ ký không hợp lệ: chứng thư số của %(who)s không do tổ chức tin cậy cấp (ký lúc %(when)s)") % {
            "who": signer, "when": when}
    if state == SignatureState.INVALID:
        return _("Chữ ký không hợp lệ: chữ ký không khớp với văn bản")
    if state == SignatureState.UNREADABLE:
        return _("Không đọc được chữ ký số trong tệp")
    return _("Không có chữ ký số")


# --- Issuing ---------------------------------------------------------------------------------------------

def pdf_render(html: str, base_url: str | None = None) -> bytes:
    """The HTML document as PDF/A-3b, or as plain PDF when WeasyPrint cannot write the archival variant."""
    from weasyprint import HTML  # imported here: it loads Pango, which only PDF builds need

    document = HTML(string=html, base_url=base_url)
    try:
        return document.write_pdf(pdf_variant=PDFA_VARIANT)
    except Exception:  # noqa: BLE001 - archival output is best effort; the document itself must come out
        logger.warning("PDF/A output failed; writing plain PDF", exc_info=True)
        return document.write_pdf()


def _conf() -> dict[str, Any]:
    return dict(getattr(settings, "CHIDAO_SIGNING", {}) or {})


def signing_configured() -> bool:
    """A signing key is configured (PKCS#12 file or PKCS#11 token)."""
    conf = _conf()
    return bool(conf.get("pkcs12") or conf.get("pkcs11_module"))


def signing_notice() -> str:
    """What the page and the API say about the signature of the PDFs Chidao issues."""
    if signing_configured():
        return _("Văn bản PDF đã ban hành (có số) được ký số bằng chứng thư số của cơ quan ban hành; bản dự thảo "
                 "không ký số.")
    return _("Văn bản PDF chưa được ký số: máy chủ chưa cài chứng thư số của cơ quan ban hành.")


def pdf_signed(pdf_bytes: bytes) -> bool:
    """The PDF carries at least one digital signature (not checked: see pdf_verify)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader

    try:
        return bool(PdfFileReader(io.BytesIO(pdf_bytes), strict=False).embedded_signatures)
    except (PdfReadError, ValueError, KeyError, TypeError):
        return False


def _pkcs12_signer(conf: dict[str, Any]) -> Any:
    from pyhanko.sign import signers

    path = Path(conf["pkcs12"])
    if not path.is_file():
        raise SigningConfigError(f"PKCS#12 file not found: {path}")
    password = conf.get("password") or ""
    try:
        return signers.SimpleSigner.load_pkcs12_data(path.read_bytes(), other_certs=[],
                                                     passphrase=password.encode() if password else None)
    except (ValueError, TypeError) as exc:
        raise SigningConfigError(f"PKCS#12 file {path} cannot be opened (wrong password?): {exc}") from exc


def pkcs11_settings_check(conf: dict[str, Any]) -> None:
    """Raise SigningConfigError when the PKCS#11 settings are incomplete or name no module on disk."""
    missing = [k for k in ("pkcs11_module", "token_label", "key_label") if not conf.get(k)]
    if missing:
        raise SigningConfigError(f"PKCS#11 signing needs {', '.join(missing)}")
    if not Path(conf["pkcs11_module"]).is_file():
        raise SigningConfigError(f"PKCS#11 module not found: {conf['pkcs11_module']}")


@contextlib.contextmanager
def signer_open() -> Iterator[Any]:
    """The configured signer (None when no key is configured); a PKCS#11 session is closed on leaving."""
    conf = _conf()
    if conf.get("pkcs12"):
        yield _pkcs12_signer(conf)
        return
    if not conf.get("pkcs11_module"):
        yield None
        return
    pkcs11_settings_check(conf)
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    try:
        session = open_pkcs11_session(conf["pkcs11_module"], token_criteria=TokenCriteria(label=conf["token_label"]),
                                      user_pin=conf.get("pin") or None)
    except Exception as exc:  # noqa: BLE001 - any token failure is a configuration problem for the operator
        raise SigningConfigError(f"PKCS#11 token {conf['token_label']!r} cannot be opened: {exc}") from exc
    try:
        yield PKCS11Signer(session, key_label=conf["key_label"], cert_label=conf.get("cert_label") or conf["key_label"])
    finally:
        session.close()


@functools.cache
def _stamp_font() -> str | None:
    """A font with every Vietnamese glyph, rescaled to 1,000 units per em: pyHanko's text shaping assumes that
    scale (TrueType fonts use 2,048, which would double the spacing of the letters). Made once per process."""
    source = next((f for f in STAMP_FONTS if Path(f).is_file()), None)
    if source is None:
        return None
    from fontTools.ttLib import TTFont
    from fontTools.ttLib.scaleUpem import scale_upem

    font = TTFont(source)
    if font["head"].unitsPerEm != 1000:
        scale_upem(font, 1000)
    target = Path(tempfile.gettempdir()) / f"chidao-stamp-{os.getpid()}-{Path(source).name}"
    font.save(str(target))
    return str(target)


def _stamp_style(signer_name: str) -> Any:
    from pyhanko import stamp
    from pyhanko.pdf_utils import text

    lines = [_("Ký bởi:"), signer_name or "%(signer)s", _("Thời gian: %(ts)s")]
    font = _stamp_font()
    box_style = text.TextBoxStyle(font_size=8)
    if font is not None:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory

        box_style = text.TextBoxStyle(font=GlyphAccumulatorFactory(font, font_size=8), font_size=8)
    return stamp.TextStampStyle(stamp_text="\n".join(lines), text_box_style=box_style,
                                timestamp_format="%H:%M %d/%m/%Y", border_width=1)


def _sign_with(signer: Any, pdf_bytes: bytes, *, signer_name: str, reason: str, location: str) -> bytes:
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign import fields, signers

    last_page = int(PdfFileReader(io.BytesIO(pdf_bytes)).root["/Pages"]["/Count"]) - 1
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, reason=reason or None, location=location or None,
                                        name=signer_name or None, subfilter=fields.SigSeedSubFilter.PADES)
    pdf_signer = signers.PdfSigner(
        meta, signer=signer, stamp_style=_stamp_style(signer_name),
        new_field_spec=fields.SigFieldSpec(FIELD_NAME, on_page=last_page, box=STAMP_BOX))
    return pdf_signer.sign_pdf(writer).getvalue()


def pdf_issue(html: str, *, draft: bool, signer_name: str, reason: str, location: str) -> bytes:
    """The document as PDF/A, signed when it is issued; a draft ("DỰ THẢO", no number yet) is never signed."""
    pdf = pdf_render(html)
    return pdf if draft else pdf_sign(pdf, signer_name=signer_name, reason=reason, location=location)


def pdf_sign(pdf_bytes: bytes, *, signer_name: str, reason: str, location: str) -> bytes:
    """The PDF signed (PAdES, visible stamp) with the configured key; unchanged when no key is configured or
    the key cannot be used (logged for the operator, never an error for the user)."""
    try:
        with signer_open() as signer:
            if signer is None:
                return pdf_bytes
            return _sign_with(signer, pdf_bytes, signer_name=signer_name, reason=reason, location=location)
    except Exception:  # noqa: BLE001 - an unusable key leaves the document unsigned; the log tells the operator
        logger.exception("PDF signing failed; the document is issued unsigned")
        return pdf_bytes


# --- Checking --------------------------------------------------------------------------------------------

# With the files in a bucket (CHIDAO_STORAGE=s3, several machines) the roots installed from any machine are stored
# there too, under this prefix, so every app server and worker checks against the same roots.
TRUST_PREFIX = "trust-roots/"


def trust_roots_dir() -> Path:
    return Path(settings.CHIDAO_TRUST_ROOTS)


def _trust_in_bucket() -> bool:
    return getattr(settings, "CHIDAO_STORAGE", "local") == "s3"


def trust_roots_location() -> str:
    """Where `trust_root_add` installs roots, in words for the operator."""
    if _trust_in_bucket():
        return f"bucket {settings.STORAGES['default']['OPTIONS']['bucket_name']}/{TRUST_PREFIX}"
    return f"thư mục {trust_roots_dir()}"


def _trust_pems() -> list[bytes]:
    """The PEM files' bytes: the trust folder's (installed on this machine), then the bucket's."""
    folder = trust_roots_dir()
    bodies = [path.read_bytes() for path in sorted(folder.glob("*.pem"))] if folder.is_dir() else []
    if _trust_in_bucket():
        from django.core.files.storage import default_storage

        _dirs, files = default_storage.listdir(TRUST_PREFIX)
        for name in sorted(f for f in files if f.endswith(".pem")):
            with default_storage.open(f"{TRUST_PREFIX}{name}", "rb") as f:
                bodies.append(f.read())
    return bodies


def trust_roots() -> list[Any]:
    """The installed trust roots (asn1crypto certificates) from every *.pem file in the trust folder (and the
    bucket's, with several machines)."""
    from asn1crypto import pem, x509

    roots = []
    for body in _trust_pems():
        for _kind, _headers, der in pem.unarmor(body, multiple=True):
            roots.append(x509.Certificate.load(der))
    return roots


def trust_root_add(*, pem_bytes: bytes) -> PurePath:
    """Install a trust root (PEM certificate) in the trust folder, or in the bucket with several machines; the
    file is named by its fingerprint, so installing the same root twice keeps one file. ValueError when the bytes
    hold no certificate."""
    from cryptography import x509

    try:
        certs = x509.load_pem_x509_certificates(pem_bytes)
    except ValueError as exc:
        raise ValueError(_("Tệp không chứa chứng thư số dạng PEM.")) from exc
    from cryptography.hazmat.primitives.serialization import Encoding

    body = b"".join(c.public_bytes(Encoding.PEM) for c in certs)
    name = f"{hashlib.sha256(body).hexdigest()[:20]}.pem"
    if _trust_in_bucket():
        from django.core.files.base import ContentFile
        from django.core.files.storage import default_storage

        stored = f"{TRUST_PREFIX}{name}"
        if not default_storage.exists(stored):
            default_storage.save(stored, ContentFile(body))
        return PurePosixPath(stored)
    folder = trust_roots_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    target.write_bytes(body)
    return target


def _holder(status: Any) -> str:
    try:
        return str(status.signing_cert.subject.native.get("common_name") or status.signing_cert.subject.human_friendly)
    except (AttributeError, ValueError):
        return ""


def _state(status: Any) -> SignatureState:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    if not status.intact:
        return SignatureState.ALTERED
    if not status.valid:
        return SignatureState.INVALID
    if status.coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
        return SignatureState.ALTERED
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE and (
            status.docmdp_ok is False
            or status.modification_level in (ModificationLevel.OTHER, ModificationLevel.NONE)):
        # Bytes after the signed revision: only a later revision that adds signatures, fills the form or adds
        # comments is allowed; anything else, or bytes that are no revision at all (level NONE), is an alteration.
        return SignatureState.ALTERED
    if not status.trusted:
        return SignatureState.UNTRUSTED
    return SignatureState.VALID


def _signed_at(status: Any) -> dt.datetime | None:
    ts = getattr(status, "timestamp_validity", None)
    if ts is not None and getattr(ts, "timestamp", None):
        return ts.timestamp
    return getattr(status, "signer_reported_dt", None)


def pdf_verify(pdf_bytes: bytes) -> SignatureCheck:
    """Check every signature in the PDF against the installed trust roots (no network)."""
    from pyhanko.pdf_utils.misc import PdfReadError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        signatures = PdfFileReader(io.BytesIO(pdf_bytes), strict=False).embedded_signatures
    except (PdfReadError, ValueError, KeyError, TypeError):
        return SignatureCheck(SignatureState.UNREADABLE)
    if not signatures:
        return SignatureCheck(SignatureState.NONE)
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False)
    states: list[str] = []
    holders: list[str] = []
    times: list[dt.datetime | None] = []
    for sig in signatures:
        try:
            status = validate_pdf_signature(sig, context)
        except Exception:  # noqa: BLE001 - a malformed signature is reported as not matching, not as a crash
            logger.warning("signature validation failed", exc_info=True)
            states.append(SignatureState.INVALID)
            continue
        states.append(_state(status))
        holders.append(_holder(status))
        times.append(_signed_at(status))
    worst = max(states, key=_SEVERITY.index)
    known = [t for t in times if t is not None]
    return SignatureCheck(worst, "; ".join(h for h in holders if h), max(known) if known else None)
