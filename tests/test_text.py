"""Decoding article bytes and normalising text."""

from __future__ import annotations

import codecs

import pytest

from summaries.errors import InputError
from summaries.text import decode_bytes, normalize_text


def test_decode_utf8_with_and_without_bom() -> None:
    text = "Außenminister rief an – «ça va»"
    assert decode_bytes(text.encode()) == text
    assert decode_bytes(codecs.BOM_UTF8 + text.encode()) == text


def test_decode_utf16_with_bom() -> None:
    text = "Прочитано: 1012\nПривет"
    assert decode_bytes(text.encode("utf-16")) == text


def test_decode_falls_back_to_cp1252_for_legacy_text() -> None:
    text = "Außenminister – “Zitat” für 5 €"
    assert decode_bytes(text.encode("cp1252")) == text


def test_decode_latin1_bytes_cp1252_leaves_undefined() -> None:
    # 0x81 is undefined in cp1252; a lone one in otherwise Latin-1 text still decodes.
    data = "Grüße aus Köln. ".encode("latin-1") * 10 + b"\x81"
    assert decode_bytes(data).startswith("Grüße aus Köln.")


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n\t\r\n ",
        b"\x00\x01\x02PDF",
        b"%PDF-1.4\n\x00\x00binary",
        bytes(range(256)) * 4,
        b"\x89PNG\r\n\x1a\n" + bytes([0x10, 0x02, 0x03, 0x1F]) * 50,
    ],
    ids=["empty", "whitespace", "nul", "pdf", "all-bytes", "png-like"],
)
def test_decode_rejects_empty_and_binary_input(data: bytes) -> None:
    with pytest.raises(InputError) as excinfo:
        decode_bytes(data)
    message = str(excinfo.value)
    assert "empty" in message or "binary" in message


def test_decode_rejects_broken_utf16() -> None:
    with pytest.raises(InputError, match="utf-16"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8")  # lone surrogate


def test_normalize_spaces_line_ends_and_invisible_characters() -> None:
    raw = (
        "\ufeff\u00a029\u00a0April 2021\u00a0\u00a0 Gelesen:\u202f1012  \r\n"
        "Zei\u00adlen\u200b mit\u2007Ziffer\r"
        "\r\n\r\n\r\n\r\n"
        "  Ende\t\t "
    )
    assert normalize_text(raw) == "29 April 2021 Gelesen: 1012\nZeilen mit Ziffer\n\nEnde"


def test_normalize_is_nfc() -> None:
    decomposed = "Cafe\u0301 Zu\u0308rich"
    assert normalize_text(decomposed) == "Café Zürich"


def test_normalize_keeps_single_blank_lines_and_drops_edges() -> None:
    assert normalize_text("\n\n a \n\n b\n\n\n") == "a\n\nb"
    assert normalize_text("") == ""
    assert normalize_text("\u00a0\n\u200b\n") == ""


def test_normalize_removes_stray_control_characters() -> None:
    assert normalize_text("a\x00b\x07c\x1bd") == "abcd"
