"""Reading a produced document back: the text of a Word file (body and table cells) and of a PDF, and the
fonts a PDF uses (poppler's pdffonts)."""

import io
import subprocess
import tempfile

from docx import Document
from pypdf import PdfReader

BLANK = "\u00a0" * 6


def docx_lines(content: bytes) -> list[str]:
    """Every paragraph's text, those inside tables included (the heading and signing blocks are tables)."""
    doc = Document(io.BytesIO(content))
    lines = [p.text for p in doc.paragraphs]
    for t in doc.tables:
        for row in t.rows:
            for c in row.cells:
                lines.extend(p.text for p in c.paragraphs)
    return lines


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(content)).pages)


def pdf_fonts(content: bytes) -> list[tuple[str, bool]]:
    """(font name, embedded) of every font in the PDF."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        out = subprocess.run(["pdffonts", f.name], check=True, capture_output=True, text=True).stdout
    fonts = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name ... type ... encoding  emb sub uni  object-id generation
        fonts.append((parts[0], parts[-5] == "yes"))
    return fonts


def assert_liberation_serif_only(content: bytes) -> None:
    fonts = pdf_fonts(content)
    assert fonts
    for name, embedded in fonts:
        assert embedded, name
        assert name.split("+")[-1].replace("-", "").startswith("LiberationSerif"), name


def docx_heading(content: bytes) -> tuple[list[str], list[str]]:
    """The paragraphs of the heading table's left (bodies, number) and right (heading, place and date) cells."""
    left, right = Document(io.BytesIO(content)).tables[0].rows[0].cells
    return [p.text for p in left.paragraphs], [p.text for p in right.paragraphs]


def docx_signature(content: bytes) -> tuple[list[str], list[str]]:
    """The paragraphs of the last table: "Nơi nhận:" and its list (left), the signing block (right)."""
    left, right = Document(io.BytesIO(content)).tables[-1].rows[0].cells
    return [p.text for p in left.paragraphs], [p.text for p in right.paragraphs]
