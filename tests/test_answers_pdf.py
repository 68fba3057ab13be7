"""Reading the answers file out of a PDF: Assessor's own, other PDFs, damaged and hostile ones."""

from __future__ import annotations

import resource

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from assessor.answers import MAX_ANSWERS_FILE_BYTES, AnswersError
from assessor.answers_pdf import answers_bytes, attached_answers, is_pdf
from tests.support.pdf_files import (
    pdf_bomb,
    pdf_with_attachment,
    pdf_with_object_stream,
    pdf_with_stream,
    pdf_without_attachments,
)

JSON = b'{"checklist": "school-meals-demo"}'


def problems(raw: bytes, **options: int) -> str:
    with pytest.raises(AnswersError) as caught:
        answers_bytes(raw, **options)
    return "; ".join(caught.value.problems)


def test_json_passes_through_untouched():
    assert answers_bytes(JSON) == JSON
    assert answers_bytes(b"") == b""
    assert not is_pdf(JSON)


def test_the_attachment_is_read():
    pdf = pdf_with_attachment("answers.json", JSON)
    assert is_pdf(pdf)
    assert answers_bytes(pdf) == JSON
    # Stored uncompressed too.
    assert attached_answers(pdf_with_stream("answers.json", JSON, compressed=False)) == JSON


def test_a_pdf_without_the_attachment_is_explained():
    for pdf in (pdf_without_attachments(), pdf_with_attachment("notes.txt", b"hello")):
        message = problems(pdf)
        assert "has no answers file attached" in message
        assert "upload the answers file (JSON) instead" in message


def test_a_damaged_pdf_is_explained():
    good = pdf_with_attachment("answers.json", JSON)
    for damaged in (
        b"%PDF-1.7\n" + b"\x00garbage" * 100,
        good[: len(good) // 2],
        good.replace(b"/FlateDecode", b"/FlateDecode /DecodeParms << /Predictor 12 /Columns 0 >>"),
        pdf_with_stream("answers.json", b"not deflate data", compressed=True),
    ):
        message = problems(damaged)
        assert any(
            words in message for words in ("could not be read", "has no answers", "damaged")
        ), message


def test_a_pdf_bomb_stops_at_the_limit():
    bomb = pdf_bomb(200 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024  # small on the wire
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    message = problems(bomb)
    assert "could not be read (it asks for more work than allowed)" in message
    # Far less than the 200 MB it inflates to was ever held (ru_maxrss is in KiB on Linux).
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before < 100 * 1024


def test_an_attachment_over_the_answers_limit_is_refused():
    big = b"x" * (MAX_ANSWERS_FILE_BYTES + 10)
    assert "too large" in problems(pdf_with_attachment("answers.json", big))


def test_a_pdf_over_the_size_limit_is_refused_before_reading():
    pdf = pdf_with_attachment("answers.json", JSON)
    assert "the PDF is too large" in problems(pdf, max_pdf_bytes=len(pdf) - 1)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_mutated_pdfs_give_the_answers_or_a_clear_error(data):
    """A valid PDF cut, with bytes flipped, or spliced: only ever bytes or AnswersError."""
    pdf = bytearray(pdf_with_attachment("answers.json", JSON))
    kind = data.draw(st.sampled_from(["cut", "flip", "splice"]))
    at = data.draw(st.integers(0, len(pdf) - 1))
    if kind == "cut":
        pdf = pdf[:at]
    elif kind == "flip":
        for offset in data.draw(st.lists(st.integers(0, len(pdf) - 1), min_size=1, max_size=8)):
            pdf[offset] = data.draw(st.integers(0, 255))
    else:
        pdf[at:at] = data.draw(st.binary(max_size=64))
    try:
        result = answers_bytes(bytes(pdf))
    except AnswersError as exc:
        assert exc.problems
    else:
        assert isinstance(result, bytes)


@pytest.mark.parametrize("listed", [None, 1], ids=["all-listed", "one-listed"])
def test_a_pdf_of_too_many_objects_is_refused_before_they_are_parsed(listed, monkeypatch):
    parsed: list[int] = []
    original = PdfReader._get_object_from_stream

    def recording(self, reference):
        parsed.append(reference.idnum)
        return original(self, reference)

    monkeypatch.setattr(PdfReader, "_get_object_from_stream", recording)
    # An ordinary number of objects is read (and has no attachment)...
    assert "has no answers file attached" in problems(pdf_with_object_stream(2000, listed))
    assert parsed
    # ...but 300,000 in one stream are refused before the stream is parsed.
    parsed.clear()
    message = problems(pdf_with_object_stream(300_000, listed))
    assert "holds more than 100,000 objects" in message
    assert parsed == []
