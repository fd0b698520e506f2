"""Callback data: at most 64 bytes, only our own shapes decode, everything else is None."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot import callbacks, keyboards
from bot.callbacks import MAX_CALLBACK_BYTES, decode, encode, key_digest
from bot.i18n import translator
from summaries.store import ChatConfig, TagCount, TagRef


def test_round_trip() -> None:
    data = encode(callbacks.TAG_TOGGLE, 123456789, 42)
    assert data == "tt:123456789:42"
    decoded = decode(data)
    assert decoded is not None and decoded.int_arg(0) == 123456789 and decoded.int_arg(1) == 42
    digest = key_digest("ilham aliyev " * 10)
    assert decode(encode(callbacks.UNSUBSCRIBE_FROM_LIST, digest)).args == (digest,)  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "data",
    [None, "", "xx:1", "tt:1", "tt:a:b", "tt:1:2:3", "st:maybe", "ul:" + "0" * 11, "lg:deu",
     "ul:" + "A" * 12, "tp:-1", "tp:1" + "0" * 70, "cf:" + "x" * 9],
)  # fmt: skip
def test_foreign_or_malformed_data_is_rejected(data: str | None) -> None:
    assert decode(data) is None


def test_encode_refuses_bad_shapes() -> None:
    with pytest.raises(ValueError):
        encode(callbacks.TAG_TOGGLE, "x", 1)
    with pytest.raises(ValueError):
        encode("zz", 1)


@given(st.text(max_size=100))
def test_decode_never_raises(data: str) -> None:
    result = decode(data)
    assert result is None or len(data.encode()) <= MAX_CALLBACK_BYTES


def test_every_keyboard_button_fits_and_decodes() -> None:
    t = translator("de")
    long_tags = [TagRef("X" * 64 + str(i), ("x" * 64 + str(i)).casefold()) for i in range(80)]
    counts = [TagCount(10**8 + i, f"k{i}", "Y" * 64, 10**6) for i in range(8)]
    markups = [
        keyboards.unsubscribe_list(long_tags),
        keyboards.tag_page(t, counts, {"k1"}, 10**6, 10**6 + 2),
        keyboards.popular_tags(counts),
        keyboards.stop_confirmation(t),
        keyboards.languages(),
        keyboards.settings_menu(t, ChatConfig(1)),
        keyboards.article_buttons(t, "x" * 128, "https://example.org/" + "p" * 500),
    ]
    for markup in markups:
        assert markup is not None
        for row in markup.inline_keyboard:
            for button in row:
                if button.callback_data is not None:
                    assert isinstance(button.callback_data, str)
                    assert len(button.callback_data.encode()) <= MAX_CALLBACK_BYTES
                    assert decode(button.callback_data) is not None
                assert len(button.text) <= 64
    assert len(keyboards.unsubscribe_list(long_tags).inline_keyboard) * 2 <= 100  # type: ignore[union-attr]
