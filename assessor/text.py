"""What text a user gives may contain: one rule for web forms and answers files.

Everything a person types (titles, organisation names, evidence) ends up on pages, in the PDF
and in exported files. Some characters no keyboard produces, yet they change how the text
around them is shown or cannot be stored: control characters, bidi overrides that reverse the
app's own sentences, noncharacters, lone surrogates. And some input, within every length limit,
costs the PDF renderer minutes: thousands of line breaks, a "word" of thousands of letters. This
module says, once, what is allowed; :mod:`assessor.forms` and :mod:`assessor.answers` apply it.

**Never typed** (:func:`never_typed`): C0 controls but tab, line feed and carriage return; DEL
and the C1 controls U+0080-U+009F; the bidi embeddings and overrides U+202A-U+202E and isolates
U+2066-U+2069; the deprecated format characters U+206A-U+206F; the interlinear annotation
characters U+FFF9-U+FFFB; noncharacters (U+FDD0-U+FDEF and the last two code points of every
plane); lone surrogates. Kept, because people do type them and they cannot reach outside the
text: the marks LRM, RLM and ALM (U+200E, U+200F, U+061C: on Hebrew, Arabic and Persian
keyboards, to place punctuation), zero-width joiners and spaces (Persian, Indic scripts, emoji,
Thai word breaks), soft hyphens and variation selectors. A mark only affects the characters next
to it, and every page and report isolates user text in ``<bdi>`` (browsers give it
``unicode-bidi: isolate``; WeasyPrint lays out an inline element's text on its own), so even a
mark at the end of a name cannot reorder what follows.

**Forms filter, files refuse.** A form cleans what it is sent (:func:`clean_line`,
:func:`clean_text`): never-typed characters are dropped (they are invisible: a message about
them would name something the person cannot see, and they come from pasting, not typing), line
breaks become ``\\n``, and the text is trimmed; single-line fields turn line breaks and tabs into
spaces; multi-line fields keep at most :data:`MAX_BLANK_LINES` blank lines in a row. An answers
file is written by a program, so something odd in it is a fault worth reporting: the file is
refused with the field and the character named (:func:`never_typed`), never silently changed.
Evidence from a file is kept exactly as written, so an export imports back unchanged; titles
and names are trimmed and put on one line as a form does (:func:`clean_line`).

**Limits a person does not reach** (:func:`limit_problems`), refused by both with the field
named and the text kept: at most :data:`MAX_LINES` lines per multi-line text (a page of the PDF;
5,000 line breaks made a 2,705-page report), and no run of more than :data:`MAX_UNBROKEN_CHARS`
characters without a space (a script such as Chinese, which breaks between letters, has no
runs). Links fit: one of 1,000 characters is rare even after a mail program wraps it. The
PDF also gets an invisible break opportunity every :data:`BREAK_EVERY` characters of a long run
(:func:`breakable`): WeasyPrint's line breaking otherwise lays out the rest of the paragraph
again for every line of a run. With every evidence of the OSCE checklist made of 300-letter
runs, the PDF took 149 s of CPU instead of 23 s; with the breaks it costs what prose costs.

**Blank** (:func:`is_blank`): text made only of white space, invisible format characters,
combining marks and filler characters shows as nothing; a required field holding only that is
empty. Forms clean such text to ``""``; files get "must not be empty".

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
import unicodedata

MAX_BLANK_LINES = 2
MAX_LINES = 100
MAX_UNBROKEN_CHARS = 1000
BREAK_EVERY = 20

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_NEVER_TYPED = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f"  # C0 controls but tab, line feed, carriage return
    "\x7f-\x9f"  # DEL and C1 controls
    "\u202a-\u202e"  # bidi embeddings and overrides: LRE, RLE, PDF, LRO, RLO
    "\u2066-\u2069"  # bidi isolates: LRI, RLI, FSI, PDI
    "\u206a-\u206f"  # deprecated format characters
    "\ufff9-\ufffb"  # interlinear annotation
    "\ud800-\udfff"  # lone surrogates (a str may hold them; UTF-8 cannot)
    f"{_NONCHARACTERS}"
    "]"
)
_LINE_BREAK = re.compile("\r\n|[\r\n\u2028\u2029]")
_SPACES_IN_A_LINE = re.compile("[\t\r\n\u2028\u2029]+")
_BLANK_LINES = re.compile(rf"\n(?:[^\S\n]*\n){{{MAX_BLANK_LINES + 1},}}")
# Where a line may break without a space: scripts written without spaces between words
# (Thai, Lao, Myanmar, Khmer, Chinese, Japanese; fullwidth forms). Pango breaks them between
# letters or words, so they never make an unbroken run; nor does a zero-width space.
_BREAKS_ANYWHERE = (
    "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
    "\u2e80-\u2fff\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
    "\U00020000-\U0003ffff"
)
_UNBROKEN_RUN = re.compile(rf"[^\s\u200b{_BREAKS_ANYWHERE}]+")
_LONG_RUN = re.compile(rf"[^\s\u200b{_BREAKS_ANYWHERE}]{{{2 * BREAK_EVERY + 1},}}")
_ZERO_WIDTH_SPACE = "\u200b"
_JOINERS = frozenset("\u200c\u200d\u2060")
# Characters that show as nothing: besides white space and format characters (category Cf:
# zero-width spaces and joiners, marks, soft hyphen, tags) and combining marks.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f")
_BLANK_CATEGORIES = frozenset({"Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Mn", "Me", "Mc"})


def never_typed(value: str) -> list[str]:
    """The characters in ``value`` that no person types, each named once, e.g.
    ``"U+202E (RIGHT-TO-LEFT OVERRIDE)"``, in order of first appearance."""
    names: dict[str, str] = {}
    for match in _NEVER_TYPED.finditer(value):
        char = match.group()
        if char not in names:
            names[char] = describe(char)
    return list(names.values())


def describe(char: str) -> str:
    """A character as a person can look it up: its code point and, where it has one, its name."""
    name = unicodedata.name(char, "")
    if not name and unicodedata.category(char) == "Cc":
        name = "control character"
    elif not name:
        name = "not a character" if unicodedata.category(char) != "Cs" else "broken Unicode"
    return f"U+{ord(char):04X} ({name})"


def is_blank(value: str) -> bool:
    """Whether ``value`` shows as nothing: only spaces, invisible or combining characters."""
    return all(
        char.isspace() or char in _FILLERS or unicodedata.category(char) in _BLANK_CATEGORIES
        for char in value
    )


def clean_line(value: str) -> str:
    """A single-line text as typed into a form: never-typed characters dropped, line breaks
    and tabs made spaces, trimmed; ``""`` if nothing visible is left."""
    value = _SPACES_IN_A_LINE.sub(" ", _NEVER_TYPED.sub("", value)).strip()
    return "" if is_blank(value) else value


def clean_text(value: str) -> str:
    """A multi-line text as typed into a form: never-typed characters dropped, line breaks made
    ``\\n`` (browsers send CRLF), no more than :data:`MAX_BLANK_LINES` blank lines in a row,
    trimmed; ``""`` if nothing visible is left."""
    value = _LINE_BREAK.sub("\n", _NEVER_TYPED.sub("", value))
    value = _BLANK_LINES.sub("\n" * (MAX_BLANK_LINES + 1), value).strip()
    return "" if is_blank(value) else value


def line_count(value: str) -> int:
    """How many lines ``value`` has (CRLF, CR, LF and the Unicode separators each end one)."""
    return len(_LINE_BREAK.findall(value)) + 1 if value else 0


def longest_unbroken(value: str) -> str:
    """The longest run of characters in ``value`` a line cannot be broken in (no space)."""
    return max(_UNBROKEN_RUN.findall(value), key=len, default="")


def limit_problems(value: str, *, multiline: bool) -> list[str]:
    """What puts ``value`` over the limits on lines and unbroken runs, as phrases to follow
    the field's name ("has 140 lines; the limit is 100"); empty if nothing does."""
    from assessor.translation import current_translator

    t = current_translator()  # the page's language in a request, else English
    problems = []
    if multiline and (lines := line_count(value)) > MAX_LINES:
        problems.append(
            t.gettext(
                "has %(lines)s lines; the limit is %(limit)s",
                lines=t.format_number(lines),
                limit=t.format_number(MAX_LINES),
            )
        )
    run = longest_unbroken(value)
    if len(run) > MAX_UNBROKEN_CHARS:
        problems.append(
            t.gettext(
                "has %(count)s characters without a space (“%(start)s…”); the limit is %(limit)s",
                count=t.format_number(len(run)),
                start=_NEVER_TYPED.sub("", run[:20]),
                limit=t.format_number(MAX_UNBROKEN_CHARS),
            )
        )
    return problems


def joined_problems(problems: list[str]) -> str:
    """Phrases from :func:`limit_problems` joined with "and" in the page's language (else
    English): "has 140 lines; the limit is 100 and has 300 characters without a space…"."""
    from assessor.translation import current_translator

    t = current_translator()
    joined = problems[0] if problems else ""
    for problem in problems[1:]:
        joined = t.gettext("%(first)s and %(second)s", first=joined, second=problem)
    return joined


def breakable(value: str) -> str:
    """``value`` with an invisible break opportunity (U+200B) every :data:`BREAK_EVERY`
    characters of a run without a space longer than twice that, for the PDF.

    WeasyPrint looks for a line break in a short window of text and, finding none, lays out
    the whole rest of the paragraph again for every line: a 300-character link costs as much
    as pages of prose. With a break opportunity every few characters the window always holds
    one. Text extraction and copying drop U+200B; marks, joiners and emoji modifiers stay with
    the character before them.
    """
    return _LONG_RUN.sub(lambda match: _with_breaks(match.group()), value)


def _with_breaks(run: str) -> str:
    pieces: list[str] = []
    since_break = 0
    for index, char in enumerate(run):
        if (
            since_break >= BREAK_EVERY
            and not unicodedata.category(char).startswith("M")
            and not "\U0001f3fb" <= char <= "\U0001f3ff"  # an emoji's skin tone
            and char not in _JOINERS
            and run[index - 1] not in _JOINERS
        ):
            pieces.append(_ZERO_WIDTH_SPACE)
            since_break = 0
        pieces.append(char)
        since_break += 1
    return "".join(pieces)


# -- what error messages quote ----------------------------------------------------------------

#: Error reports about a file (a checklist, an answers file) list at most this many problems,
#: quote at most this many characters of a value, and cut each message to this length: a broken
#: file can hold thousands of problems and values megabytes long.
MAX_PROBLEMS_LISTED = 50
MAX_QUOTED_CHARS = 200
MAX_MESSAGE_CHARS = 1000


def shorten(text: str, limit: int) -> str:
    """The text itself if short enough, else its start and end around an ellipsis."""
    if len(text) <= limit:
        return text
    half = (limit - 5) // 2
    return f"{text[:half]} ... {text[-half:]}"


def quoted(value: object) -> str:
    """A value as an error message quotes it: its repr, cut to :data:`MAX_QUOTED_CHARS`."""
    return shorten(repr(value), MAX_QUOTED_CHARS)


def listed(problems: list[str]) -> list[str]:
    """Problems as they are reported: the first :data:`MAX_PROBLEMS_LISTED`, each cut short,
    then how many more there are."""
    shown = [shorten(problem, MAX_MESSAGE_CHARS) for problem in problems[:MAX_PROBLEMS_LISTED]]
    if len(problems) > len(shown):
        shown.append(f"... and {len(problems) - len(shown)} more problems")
    return shown
