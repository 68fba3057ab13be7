"""Small PDFs written by hand, for the tests of reading an answers file out of a PDF.

A real Assessor PDF comes from the renderer; these are the others: a PDF with an attachment of
our choosing (any name, any bytes, compressed or not), a PDF bomb (an attachment that inflates
to far more than it weighs), a PDF without attachments. Each is a valid PDF with a correct
cross-reference table, so the reader is tested on what it reads, not on its repair mode.
"""

from __future__ import annotations

import zlib


def _pdf(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1; the first is the catalog)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _page_objects() -> list[bytes]:
    return [
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]


def pdf_without_attachments() -> bytes:
    """A one-page PDF with no attachment."""
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", *_page_objects()])


def pdf_with_stream(name: str, stream: bytes, *, compressed: bool) -> bytes:
    """A one-page PDF with one attachment called ``name`` whose stored stream is ``stream``
    (FlateDecode-compressed data if ``compressed``)."""
    filters = b" /Filter /FlateDecode" if compressed else b""
    quoted = name.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)")
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(%s) 4 0 R] >>"
            b" >> >>" % quoted,
            *_page_objects(),
            b"<< /Type /Filespec /F (%s) /UF (%s) /EF << /F 5 0 R >> >>" % (quoted, quoted),
            b"<< /Type /EmbeddedFile%s /Length %d >>\nstream\n%s\nendstream"
            % (filters, len(stream), stream),
        ]
    )


def pdf_with_attachment(name: str, content: bytes) -> bytes:
    """A one-page PDF with ``content`` attached (compressed) as ``name``."""
    return pdf_with_stream(name, zlib.compress(content), compressed=True)


def pdf_bomb(inflated_bytes: int = 200 * 1024 * 1024) -> bytes:
    """A PDF whose ``answers.json`` is small compressed and inflates to ``inflated_bytes``
    (of spaces), compressed chunk by chunk so the test never holds it whole."""
    compressor = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    parts = [compressor.compress(chunk) for _ in range(inflated_bytes // len(chunk))]
    parts.append(compressor.flush())
    return pdf_with_stream("answers.json", b"".join(parts), compressed=True)


def pdf_with_object_stream(objects: int, listed: int | None = None) -> bytes:
    """A PDF whose catalog is the first of ``objects`` objects in one object stream (as
    WeasyPrint writes them), found through a cross-reference stream listing ``listed`` of them
    (default: all): many objects cost a reader time, as the stream is parsed whole."""
    listed = objects if listed is None else listed
    parts = [b"<< /Type /Catalog /Pages 2 0 R >>"] + [b"null"] * (objects - 1)
    header, body = bytearray(), bytearray()
    for number, part in enumerate(parts, start=1):
        header += b"%d %d " % (number, len(body))
        body += part + b" "
    packed = zlib.compress(bytes(header + body), 9)
    stream_number = objects + 1
    out = bytearray(b"%PDF-1.7\n")
    stream_offset = len(out)
    out += (
        b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
        % (stream_number, objects, len(header), len(packed))
        + packed
        + b"\nendstream\nendobj\n"
    )
    entries = [
        (0, 0, 65535),
        *((2, stream_number, i) for i in range(listed)),
        (1, stream_offset, 0),
    ]
    rows = zlib.compress(
        b"".join(
            bytes([kind]) + a.to_bytes(4, "big") + b.to_bytes(3, "big") for kind, a, b in entries
        )
    )
    xref_offset = len(out)
    size = listed + 2
    out += (
        b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 3] /Index [0 %d %d 1] /Root 1 0 R"
        b" /Filter /FlateDecode /Length %d >>\nstream\n"
        % (stream_number + 1, size, listed + 1, stream_number, len(rows))
        + rows
        + b"\nendstream\nendobj\n"
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)
