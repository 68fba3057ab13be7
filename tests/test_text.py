"""The one rule for user text: what is dropped, what is blank, the limits, the PDF's breaks."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessor.text import (
    BREAK_EVERY,
    MAX_LINES,
    MAX_UNBROKEN_CHARS,
    breakable,
    clean_line,
    clean_text,
    is_blank,
    limit_problems,
    line_count,
    longest_unbroken,
    never_typed,
)

NEVER_TYPED = [
    "\x00",
    "\x1b",
    "\x7f",
    "\x85",  # NEL, a C1 control
    "\x9b",  # CSI, a C1 control
    "\u202a",
    "\u202b",
    "\u202c",
    "\u202d",
    "\u202e",  # RIGHT-TO-LEFT OVERRIDE
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u206a",
    "\ufff9",
    "\ufffb",
    "\ufdd0",
    "\ufffe",
    "\uffff",
    "\U0001fffe",
    "\U0010ffff",
    "\ud800",  # a lone surrogate
    "\udfff",
]
TYPED_INVISIBLES = ["\u200e", "\u200f", "\u061c", "\u200c", "\u200d", "\u200b", "\u00ad"]


@pytest.mark.parametrize("char", NEVER_TYPED)
def test_characters_no_one_types_are_named_and_dropped(char: str) -> None:
    assert len(never_typed(f"a{char}b{char}")) == 1
    assert never_typed(f"a{char}b")[0].startswith(f"U+{ord(char):04X} (")
    assert clean_line(f"Min{char}istry") == "Ministry"
    assert clean_text(f"Law{char}\n12") == "Law\n12"


def test_the_named_character_says_what_it_is() -> None:
    assert never_typed("Ministry\u202e") == ["U+202E (RIGHT-TO-LEFT OVERRIDE)"]
    assert never_typed("\x00\ud800\ufdd0") == [
        "U+0000 (control character)",
        "U+D800 (broken Unicode)",
        "U+FDD0 (not a character)",
    ]


@pytest.mark.parametrize("char", TYPED_INVISIBLES)
def test_marks_joiners_and_soft_hyphens_people_type_are_kept(char: str) -> None:
    text = f"\u05de\u05e9\u05e8\u05d3{char} (2024)"
    assert never_typed(text) == []
    assert clean_line(text) == text
    assert clean_text(text) == text


def test_tab_and_line_breaks_are_not_controls_to_drop() -> None:
    assert never_typed("a\tb\r\nc\nd\re") == []
    assert clean_text("a\tb\r\nc\rd") == "a\tb\nc\nd"


@pytest.mark.parametrize(
    "value",
    ["", "   ", "\u200b", "\u200b\u200c\u200d\u2060\ufeff", "\u0301\u0308", "\u3164", " \u200e "],
)
def test_text_that_shows_as_nothing_is_blank_and_cleans_to_empty(value: str) -> None:
    assert is_blank(value)
    assert clean_line(value) == ""
    assert clean_text(value + "\n\u200b\n") == ""


@pytest.mark.parametrize("value", ["a", "\u0627", "\u4e2d", "e\u0301", ".", "0"])
def test_anything_visible_is_not_blank(value: str) -> None:
    assert not is_blank(f"\u200b{value}\u200b")


def test_a_single_line_puts_line_breaks_and_tabs_as_spaces() -> None:
    assert clean_line("  Ministry\r\nof\tthe\u2028Interior ") == "Ministry of the Interior"


def test_multi_line_text_keeps_at_most_two_blank_lines() -> None:
    assert clean_text("a\n\nb\n\n\nc") == "a\n\nb\n\n\nc"  # one and two blank lines kept
    assert clean_text("a\n\n\n\n\nb") == "a\n\n\nb"
    assert clean_text("a\r\n \r\n\t\r\n  \r\nb") == "a\n\n\nb"
    assert clean_text("a" + "\n" * 5000 + "b") == "a\n\n\nb"


def test_lines_and_unbroken_runs_are_measured() -> None:
    assert line_count("") == 0
    assert line_count("a") == 1
    assert line_count("a\r\nb\rc\nd\u2029e") == 5
    assert longest_unbroken("see https://example.org/a/b now") == "https://example.org/a/b"
    # Scripts written without spaces break between letters: no unbroken run.
    assert longest_unbroken("\u4e2d\u6587" * 400) == ""
    assert longest_unbroken("\u0e20\u0e32\u0e29\u0e32" * 200) == ""


def test_limits_name_the_lines_and_the_run() -> None:
    assert limit_problems("\n".join(["x"] * MAX_LINES), multiline=True) == []
    assert limit_problems("\n".join(["x"] * (MAX_LINES + 1)), multiline=True) == [
        f"has {MAX_LINES + 1} lines; the limit is {MAX_LINES}"
    ]
    link = "https://example.org/" + "a" * (MAX_UNBROKEN_CHARS - 20)
    assert limit_problems(f"See {link}.", multiline=True) == [
        f"has {MAX_UNBROKEN_CHARS + 1:,} characters without a space (“https://example.org/…”); "
        f"the limit is {MAX_UNBROKEN_CHARS:,}"
    ]
    assert limit_problems(f"See {link}", multiline=False) == []


def test_the_pdf_gets_invisible_breaks_in_long_runs_only() -> None:
    short = "ordinary words, and links like https://www.osce.org/odihr/migration"
    assert breakable(short) == short
    run = "a" * (3 * BREAK_EVERY + 1)
    assert breakable(f"x {run} y") == "x " + "\u200b".join(["a" * BREAK_EVERY] * 3 + ["a"]) + " y"
    # A combining mark or joiner stays with the letter before it.
    accented = "a" * (BREAK_EVERY - 1) + "e\u0301" + "b" * BREAK_EVERY
    assert "\u200b\u0301" not in breakable(accented)
    emoji = "x" * (BREAK_EVERY - 1) + "\U0001f469\u200d\U0001f4bb" + "y" * BREAK_EVERY
    assert "\u200b\u200d" not in breakable(emoji) and "\u200d\u200b" not in breakable(emoji)


# -- properties --------------------------------------------------------------------------------

any_text = st.text(max_size=200)
letters = {
    "latin": st.characters(min_codepoint=0x41, max_codepoint=0x24F, categories=["Lu", "Ll"]),
    "cyrillic": st.characters(min_codepoint=0x400, max_codepoint=0x4FF, categories=["Lu", "Ll"]),
    "arabic": st.characters(min_codepoint=0x620, max_codepoint=0x64A),
    "cjk": st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
}
words = st.one_of(*(st.text(alphabet, min_size=1, max_size=12) for alphabet in letters.values()))
punctuated = st.tuples(words, st.sampled_from(["", ".", ",", ":", " (2024)", "!", "?", "-"])).map(
    "".join
)
lines = st.lists(punctuated, min_size=1, max_size=8).map(" ".join)
ordinary_text = st.lists(lines, min_size=1, max_size=6).map("\n".join)


@given(any_text)
def test_cleaning_is_idempotent(value: str) -> None:
    assert clean_line(clean_line(value)) == clean_line(value)
    assert clean_text(clean_text(value)) == clean_text(value)


@given(any_text)
def test_cleaning_never_adds_characters(value: str) -> None:
    for cleaned, added in ((clean_line(value), " "), (clean_text(value), "\n")):
        assert len(cleaned) <= len(value)
        assert set(cleaned) <= set(value) | {added}


@given(any_text)
def test_cleaned_text_holds_nothing_no_one_types(value: str) -> None:
    assert never_typed(clean_line(value)) == []
    assert never_typed(clean_text(value)) == []
    assert "\n" not in clean_line(value) and "\r" not in clean_text(value)
    clean_text(value).encode("utf-8")  # storable: no lone surrogates


@given(ordinary_text)
def test_ordinary_text_in_any_script_is_kept(value: str) -> None:
    assert never_typed(value) == []
    assert clean_text(value) == value  # newlines of a multi-line field kept
    assert clean_line(value) == value.replace("\n", " ")
    assert not is_blank(value)
    assert limit_problems(value, multiline=True) == []


@given(any_text)
def test_breaks_for_the_pdf_are_the_only_change(value: str) -> None:
    assert breakable(value).replace("\u200b", "") == value.replace("\u200b", "")
    assert breakable(breakable(value)) == breakable(value)


@given(st.text(st.sampled_from("ab/. \n"), max_size=300))
def test_breaks_for_the_pdf_bound_every_run(value: str) -> None:
    assert len(longest_unbroken(breakable(value))) <= 2 * BREAK_EVERY


def test_two_limit_problems_are_joined_in_the_documents_language():
    from assessor.text import joined_problems
    from assessor.translation import writing_in

    joined = joined_problems(["has 3 lines", "has 5 characters"])
    assert joined == "has 3 lines and has 5 characters"
    assert joined_problems(["one"]) == "one" and joined_problems([]) == ""
    with writing_in("ro"):
        assert joined_problems(["a", "b", "c"]) == "a și b și c"
    with writing_in("ru"):
        assert joined_problems(["a", "b"]) == "a и b"
