"""User text made safe to store and to show: no escape sequences, no control characters.

Textual and Rich pass ESC through to the terminal (TRAPS.md), so a note holding `ESC[2J`, an OSC 8 link or an
OSC 52 clipboard write would act on the reader's terminal. Everything a person types or imports goes through
`clean_text` on input, and the UI calls it again at display (cheap when there is nothing to remove).

Invisible format characters (Unicode category Cf: zero-width spaces, U+FEFF, joiners, bidi marks, soft hyphens,
tag characters) go too: `\u200bLea Santos` would look like Lea, a name of only U+FEFF would look blank, and a
leading U+FEFF would hide `=HYPERLINK(...)` from the CSV formula guard. Names are compared by `name_key`
(NFKC, case-folded), so "Ｌｅａ" and "LEA" are the same person as "Lea".
"""

from __future__ import annotations

import re
import unicodedata

# Whole escape sequences first, so their parameters do not linger as junk text: CSI (ESC [ ... final byte,
# or the 8-bit 0x9B), OSC / DCS / APC / PM / SOS strings ending in BEL or ST, then any other ESC and the one
# character after it. An unterminated string loses only its introducer: the text after it stays (harmless once
# the ESC is gone), so a stray control can never swallow the rest of a note. Linear time: a string body stops
# at the next introducer.
_ESCAPE_SEQUENCE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x90\x98\x9b-\x9f]*(?:\x07|\x1b\\|\x9c)"
    r"|\x1b[ -~]?"
)
# C0 controls, DEL, C1 controls; bidirectional embedding/override/isolate marks, which can make a name or a
# note read backwards ("Trojan Source"); U+2028/2029 line and paragraph separators.
_ALWAYS_REMOVED = "".join(chr(c) for c in (*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0))) + (
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Unicode category Cf (format characters), Unicode 14 (Python 3.11); tests/test_people.py checks it against
# the running Python's unicodedata, so a newer Unicode's additions are noticed.
_FORMAT_RANGES = ((0xAD, 0xAD), (0x600, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70F, 0x70F), (0x890, 0x891),
                  (0x8E2, 0x8E2), (0x180E, 0x180E), (0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x2064),
                  (0x2066, 0x206F), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0x110BD, 0x110BD), (0x110CD, 0x110CD),
                  (0x13430, 0x13438), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A), (0xE0001, 0xE0001),
                  (0xE0020, 0xE007F))
_FORMAT_CLASS = "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in _FORMAT_RANGES)
_FORMAT = re.compile(f"[{_FORMAT_CLASS}]")
_NEEDS_WORK = re.compile("[" + re.escape(_ALWAYS_REMOVED) + "\u2028\u2029" + _FORMAT_CLASS + "]")
_LEADING_INVISIBLE = re.compile(f"^[\\s{_FORMAT_CLASS}]+")
_SINGLE_LINE_SPACES = str.maketrans({"\t": " ", "\n": " ", "\r": " ", "\v": " ", "\f": " ",
                                     "\u2028": " ", "\u2029": " ", "\x85": " "})
_REMOVE = {ord(ch): None for ch in _ALWAYS_REMOVED}
_REMOVE_IN_NOTES = {**_REMOVE, ord("\t"): "\t", ord("\n"): "\n"}


def clean_text(value: str, *, multiline: bool = False) -> str:
    """`value` without escape sequences and control characters, stripped of surrounding whitespace.

    Single-line text (names, stages, ids) turns tabs and line breaks into spaces; multi-line text (notes)
    keeps tabs and newlines, with CRLF / CR / U+2028 / NEL normalised to a newline.
    """
    if not _NEEDS_WORK.search(value):
        return value.strip()
    text = _ESCAPE_SEQUENCE.sub("", value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x85", "\n")
        text = text.replace("\u2028", "\n").replace("\u2029", "\n")
        table = _REMOVE_IN_NOTES
    else:
        text = text.translate(_SINGLE_LINE_SPACES)
        table = _REMOVE
    return _FORMAT.sub("", text.translate(table)).strip()


def name_key(value: str) -> str:
    """How two names (or a name and an email) are compared: cleaned, NFKC-normalised, case-folded, with runs
    of spaces as one, so look-alikes such as "Ｌｅａ  SANTOS" and "lea santos" are one name."""
    return " ".join(unicodedata.normalize("NFKC", clean_text(value)).casefold().split())


def visible_start(value: str) -> str:
    """`value` from its first visible character: what a spreadsheet sees first once it drops invisible
    characters and leading spaces (the CSV formula guard looks here)."""
    return _LEADING_INVISIBLE.sub("", value)
