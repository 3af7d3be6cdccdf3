import io
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from index.chunking import chunk_document
from index.documents import LoadError, load_document


def make_pdf(pages: list[str]) -> bytes:
    """A minimal valid PDF with one line of Helvetica text per page."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", ""]
    kids = []
    for text in pages:
        stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET"
        content_id = len(objects) + 2
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content_id} 0 R "
            f"/Resources << /Font << /F1 {len(pages) * 2 + 3} 0 R >> >> >>"
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream")
        kids.append(f"{len(objects) - 1} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(pages)} >>"
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for i, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(f"{i} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for off in offsets:
        out.write(f"{off:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def test_pdf_pages_carry_into_chunks(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(make_pdf(["The border is 5,525 miles long.", "NORAD is 60 years old."]))
    doc = load_document(path)
    assert doc.page_starts == (0, doc.text.index("NORAD"))
    chunks = chunk_document(doc, size=40)
    pages = {c.text: c.page for c in chunks}
    assert pages == {"The border is 5,525 miles long.": 1, "NORAD is 60 years old.": 2}
    for c in chunks:
        assert doc.text[c.start : c.end] == c.text


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(make_pdf(["secret text"]))).pages:
        writer.add_page(page)
    writer.encrypt("pw")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as fh:
        writer.write(fh)
    with pytest.raises(LoadError, match="encrypted PDF"):
        load_document(path)


def test_corrupt_pdf_gets_one_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.pdf"
    path.write_bytes(make_pdf(["hello"])[:120])
    with pytest.raises(LoadError) as info:
        load_document(path)
    assert "\n" not in str(info.value) and "PDF" in str(info.value)


def test_html_keeps_main_text_and_title(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Border facts</title><script>var x = 'tracking';</script></head>"
        "<body><nav><a href='/'>Home</a> Menu</nav><main><h1>The border</h1>"
        "<p>The land border is <b>5,525 miles</b> long.</p><ul><li>120 ports of entry</li></ul>"
        "</main><footer>Copyright notice</footer></body></html>"
    )
    doc = load_document(path)
    assert doc.title == "Border facts"
    assert "The land border is 5,525 miles long." in doc.text and "• 120 ports of entry" in doc.text
    for junk in ("tracking", "Menu", "Copyright"):
        assert junk not in doc.text
    [chunk] = chunk_document(doc, 600)
    assert chunk.heading == "Border facts > The border"


def test_docx_paragraphs_and_headings(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Partnership"
    document.add_heading("Defense", level=1)
    document.add_paragraph("NORAD is the crown jewel of defense cooperation.")
    path = tmp_path / "memo.docx"
    document.save(str(path))
    doc = load_document(path)
    assert doc.title == "Partnership"
    [chunk] = chunk_document(doc, 600)
    assert chunk.text == "NORAD is the crown jewel of defense cooperation."
    assert chunk.heading == "Partnership > Defense"


def test_corrupt_docx(tmp_path: Path) -> None:
    path = tmp_path / "bad.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(LoadError, match="unreadable DOCX"):
        load_document(path)


def test_oversized_file_is_refused_with_the_setting_to_change(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 1000)
    with pytest.raises(LoadError, match="ASSISTANT_MAX_FILE_MB"):
        load_document(path, max_bytes=1000)
