"""Callback data for inline buttons: short, versionless, validated on the way back in.

Telegram limits callback data to 64 bytes and anyone can send any data, so every
payload is an action code from a fixed set plus arguments of a fixed shape. Tag keys
can be 128 characters long; buttons carry a 12-hex-digit digest of the key instead, and
the handler resolves it against the chat's own subscriptions (or tag ids for /tags),
so a forged or stale digest simply matches nothing.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

MAX_CALLBACK_BYTES = 64

UNSUBSCRIBE_FROM_LIST = "ul"  # ul:<digest>
UNSUBSCRIBE_FROM_ARTICLE = "ua"  # ua:<digest>
TAGS_PAGE = "tp"  # tp:<page>
TAG_TOGGLE = "tt"  # tt:<tag id>:<page>
TAG_SUBSCRIBE = "ts"  # ts:<tag id>   (popular tags under /start)
STOP = "st"  # st:y | st:n
LANGUAGE = "lg"  # lg:<code>
SETTING = "cf"  # cf:<setting>  (toggle or step)

_DIGEST = r"[0-9a-f]{12}"
_INT = r"\d{1,9}"
_SHAPES: dict[str, re.Pattern[str]] = {
    UNSUBSCRIBE_FROM_LIST: re.compile(rf"{_DIGEST}"),
    UNSUBSCRIBE_FROM_ARTICLE: re.compile(rf"{_DIGEST}"),
    TAGS_PAGE: re.compile(rf"{_INT}"),
    TAG_TOGGLE: re.compile(rf"{_INT}:{_INT}"),
    TAG_SUBSCRIBE: re.compile(rf"{_INT}"),
    STOP: re.compile(r"[yn]"),
    LANGUAGE: re.compile(r"[a-z]{2}"),
    SETTING: re.compile(r"[a-z+-]{1,8}"),
}


@dataclass(frozen=True)
class Callback:
    action: str
    args: tuple[str, ...]

    def int_arg(self, index: int) -> int:
        return int(self.args[index])


def key_digest(tag_key: str) -> str:
    """A stable 12-hex-digit stand-in for a tag key that fits in callback data."""
    return hashlib.sha256(tag_key.encode("utf-8")).hexdigest()[:12]


def encode(action: str, *args: object) -> str:
    """Callback data for a button; raises ValueError if it would be malformed or too long."""
    body = ":".join(str(arg) for arg in args)
    shape = _SHAPES.get(action)
    if shape is None or not shape.fullmatch(body):
        raise ValueError(f"malformed callback {action!r} {body!r}")
    data = f"{action}:{body}"
    if len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {data!r}")
    return data


def decode(data: str | None) -> Callback | None:
    """The callback a button carries, or None for anything we did not make."""
    if not data or len(data.encode("utf-8")) > MAX_CALLBACK_BYTES:
        return None
    action, _, body = data.partition(":")
    shape = _SHAPES.get(action)
    if shape is None or not shape.fullmatch(body):
        return None
    return Callback(action, tuple(body.split(":")))
