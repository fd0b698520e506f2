"""Turn raw article bytes into clean, predictable text.

Everything downstream (report parsing, language detection, sentence splitting, tagging)
assumes the output of :func:`normalize_text`: NFC, plain spaces, ``\\n`` line ends, no
invisible characters, at most one blank line in a row.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from summaries.errors import InputError

__all__ = ["decode_bytes", "normalize_text"]

# Control characters that never occur in a text file (tab, LF, FF and CR do).
_BAD_CONTROL = frozenset(range(0x20)) - {0x09, 0x0A, 0x0C, 0x0D}
# The same characters plus DEL and the C1 controls, as one regex: counting them with
# re.findall is about 50x faster than a Python loop over every character.
_CONTROL_RUN = re.compile(
    "[" + "".join(re.escape(chr(c)) for c in sorted(_BAD_CONTROL)) + "\x7f-\x9f]"
)
# Share of bad control characters above which data is treated as binary.
_MAX_CONTROL_RATIO = 0.05
_SAMPLE = 64 * 1024

_SPACES = {
    "\u00a0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space (French typography)
    "\u2007": " ",  # figure space
    "\u2009": " ",  # thin space
    "\u200a": " ",  # hair space
    "\u3000": " ",  # ideographic space
    "\t": " ",
    "\f": "\n",
    "\u2028": "\n",  # line separator
    "\u2029": "\n",  # paragraph separator
    "\x85": "\n",  # next line (NEL)
}
# Zero-width characters, soft hyphen, BOM, word joiner, directional marks.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u202a\u202b\u202c\u202d\u202e"),
    None,
)
_TRANSLATE = {**{ord(k): v for k, v in _SPACES.items()}, **_INVISIBLE}
_OTHER_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_INNER_SPACES = re.compile(r" {2,}")
_BLANK_RUNS = re.compile(r"\n{3,}")


def decode_bytes(data: bytes) -> str:
    """Decode an article file, refusing data that is not text.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are decoded as such. Other bytes are
    decoded as cp1252, falling back to latin-1, but only when the result looks like text,
    so a PDF or an image is an error rather than mojibake.

    Args:
        data: the raw file content.

    Returns:
        The decoded text, not yet normalised (see :func:`normalize_text`).

    Raises:
        InputError: the data is empty, binary (NUL bytes, many control characters) or
            cannot be decoded as text.
    """
    if not data or not data.strip():
        raise InputError("The input is empty: there is no article text.")
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                msg = f"The input claims to be {codec} but is not: {exc.reason}."
                raise InputError(msg) from exc
            _check_textual(text)
            return text
    if b"\x00" in data[:_SAMPLE]:
        raise InputError("The input looks like a binary file (it contains NUL bytes), not text.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = _decode_legacy(data)
    _check_textual(text)
    return text


def _decode_legacy(data: bytes) -> str:
    """Decode non-UTF-8 bytes as Windows-1252, the usual legacy encoding of Western news."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps them to C1 controls, which
        # _check_textual then judges.
        return data.decode("latin-1")


def _check_textual(text: str) -> None:
    sample = text[:_SAMPLE]
    if "\x00" in sample:
        raise InputError("The input looks like a binary file (it contains NUL bytes), not text.")
    bad = len(_CONTROL_RUN.findall(sample))
    if bad > _MAX_CONTROL_RATIO * len(sample):
        raise InputError("The input looks like a binary file (many control characters), not text.")
    if not sample.strip():
        raise InputError("The input is empty: there is no article text.")


def normalize_text(text: str) -> str:
    """Normalise text so that parsing and matching see one spelling of everything.

    Unicode NFC; no-break, narrow and figure spaces and tabs become plain spaces; CRLF and
    CR become LF; zero-width characters, soft hyphens, BOMs and stray control characters
    are removed; each line is stripped and runs of spaces inside it collapsed; runs of
    blank lines become one blank line; leading and trailing blank lines are dropped.

    Args:
        text: any text.

    Returns:
        The normalised text (possibly empty).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).translate(_TRANSLATE)
    text = _OTHER_CONTROL.sub("", text)
    lines = [_INNER_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")
