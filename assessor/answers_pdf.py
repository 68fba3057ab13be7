"""Answers files inside Assessor PDFs: every report carries its answers as ``answers.json``.

An NGO can compare its assessment with a government's published report because the PDF holds
the answers it was made from. This module takes the bytes of an upload or a file, and gives back
the answers file's bytes: as they are for JSON, or the PDF's attached ``answers.json``. Parsing
and validating them is :func:`assessor.answers.parse_answers_file`'s work.

A PDF may come from anyone, so reading one is bounded: its size, how much any stream may
decompress to (a PDF bomb stops at the limit), how many objects and filters it may hold, and
the attachment's own size. pypdf (a pure-Python reader) does the parsing under those limits;
anything it cannot read, however it fails, is an :class:`~assessor.answers.AnswersError` with a
clear message, never a traceback. Pure: no Flask, no database.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from assessor.answers import MAX_ANSWERS_FILE_BYTES, AnswersError

#: The largest PDF read (the web app's upload limit is lower: ``MAX_CONTENT_LENGTH``).
MAX_PDF_BYTES = 20 * 1024 * 1024
#: The most any one stream of a PDF may decompress to (the answers file, an object stream).
MAX_STREAM_BYTES = 8 * 1024 * 1024
#: The most decoding work (bytes) spent on any one stream.
MAX_DECODING_WORK = 32 * 1024 * 1024
#: The most elements an array or dictionary of a PDF may hold.
MAX_ELEMENTS = 20_000
#: The most objects a PDF may declare (its cross-reference size, an object stream's count):
#: reading a PDF parses whole object streams, so this bounds the time. An Assessor report of
#: the OSCE checklist has about 7,500.
MAX_OBJECTS = 100_000
ATTACHMENT_NAME = "answers.json"
PDF_MAGIC = b"%PDF-"

log = logging.getLogger(__name__)


def is_pdf(raw: bytes) -> bool:
    """Whether the bytes are a PDF: ``%PDF-`` within the first kilobyte, as readers accept."""
    return PDF_MAGIC in raw[:1024]


def answers_bytes(raw: bytes, *, max_pdf_bytes: int = MAX_PDF_BYTES) -> bytes:
    """The answers file's bytes in an upload or file: the bytes themselves, or for a PDF its
    attached ``answers.json``. Raises :class:`AnswersError` saying what is wrong."""
    if not is_pdf(raw):
        return raw
    return attached_answers(raw, max_pdf_bytes=max_pdf_bytes)


def attached_answers(pdf: bytes, *, max_pdf_bytes: int = MAX_PDF_BYTES) -> bytes:
    """The ``answers.json`` attached to a PDF made by Assessor.

    Raises :class:`AnswersError` when the PDF is too large, cannot be read within the limits,
    or has no such attachment (a PDF not made by Assessor, or printed again by another program).
    """
    if len(pdf) > max_pdf_bytes:
        raise AnswersError(
            [f"the PDF is too large ({len(pdf)} bytes; the limit is {max_pdf_bytes})"]
        )
    try:
        found = _read_attachment(pdf)
    except AnswersError:
        raise
    except Exception as exc:  # pypdf on hostile input: any failure is "not readable"
        log.info("an uploaded PDF could not be read: %s: %s", type(exc).__name__, exc)
        kind = type(exc).__name__
        detail = "it asks for more work than allowed" if "Limit" in kind else "it is damaged"
        raise AnswersError(
            [f"the PDF could not be read ({detail}); upload the answers file (JSON) instead"]
        ) from None
    if found is None:
        raise AnswersError(
            [
                "the PDF has no answers file attached: only PDF reports made by Assessor carry "
                "one (and only as downloaded: printing or saving it again in another program "
                "drops it); upload the answers file (JSON) instead"
            ]
        )
    return found


TOO_MANY_OBJECTS = (
    f"the PDF could not be read (it holds more than {MAX_OBJECTS:,} objects, more than any "
    "Assessor report); upload the answers file (JSON) instead"
)


def _check_object_counts(reader: Any) -> None:
    """Refuse a PDF that declares more than :data:`MAX_OBJECTS` objects, in all or in one
    object stream, before any object is parsed (reading one object of an object stream parses
    all of them)."""
    declared = reader.trailer.get("/Size", 0)
    if len(reader.xref_objStm) > MAX_OBJECTS or not 0 <= int(declared) <= MAX_OBJECTS:
        raise AnswersError([TOO_MANY_OBJECTS])
    for number in {stream for stream, _ in reader.xref_objStm.values()}:
        stream = reader.get_object(number)  # its dictionary: the data stays compressed
        count = stream.get("/N", 0) if hasattr(stream, "get") else 0
        if not 0 <= int(count) <= MAX_OBJECTS:
            raise AnswersError([TOO_MANY_OBJECTS])


def _read_attachment(pdf: bytes) -> bytes | None:
    """The first ``answers.json`` attachment, read under the limits; ``None`` if there is none."""
    from pypdf import PdfReader, apply_configuration

    with apply_configuration(
        maximum_declared_stream_length=MAX_STREAM_BYTES,
        array_based_stream_maximum_output_length=MAX_STREAM_BYTES,
        zlib_maximum_output_length=MAX_STREAM_BYTES,
        lzw_maximum_output_length=MAX_STREAM_BYTES,
        run_length_maximum_output_length=MAX_STREAM_BYTES,
        brotli_maximum_output_length=MAX_STREAM_BYTES,
        jbig2_maximum_output_length=MAX_STREAM_BYTES,
        image_maximum_buffer_size=MAX_STREAM_BYTES,
        stream_decoding_work_maximum_length=MAX_DECODING_WORK,
        array_maximum_element_count=MAX_ELEMENTS,
        dictionary_maximum_element_count=MAX_ELEMENTS,
        jbig2dec_binary=None,
    ):
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        _check_object_counts(reader)
        if reader.is_encrypted:
            raise AnswersError(["the PDF is encrypted; upload the answers file (JSON) instead"])
        for entry in reader.attachment_list:
            if ATTACHMENT_NAME not in (entry.name, entry.alternative_name):
                continue
            content = entry.content
            if not content.strip():
                raise AnswersError(["the answers file attached to the PDF is empty or damaged"])
            if len(content) > MAX_ANSWERS_FILE_BYTES:
                raise AnswersError(
                    [
                        f"the answers file in the PDF is too large ({len(content)} bytes; the "
                        f"limit is {MAX_ANSWERS_FILE_BYTES})"
                    ]
                )
            return content
    return None
