"""Tags: validating what users type, matching keys, and tags found in article text.

A tag has a display form (what readers see, in the article's language) and a key (what
subscriptions match; see :func:`tag_key`). Articles get the tags their source gave them
first, then automatic tags for the people, places, organisations and topics they are about.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from summaries.entities import Entity, extract_entities
from summaries.errors import InputError
from summaries.tag_keys import tag_key

logger = logging.getLogger(__name__)

__all__ = ["MAX_TAG_LENGTH", "Tag", "auto_tags", "merge_tags", "tag_key", "validate_tag"]

MAX_TAG_LENGTH = 64
# An automatic tag needs at least this score (about two mentions, or one in the title).
_MIN_SCORE = 1.6
_MIN_TOPIC_MENTIONS = 2
_MAX_TEXT = 20_000  # longer bodies are cut: tags come from the start of an article


@dataclass(frozen=True)
class Tag:
    """A tag as shown to readers and the key subscriptions match on."""

    display: str
    key: str


def validate_tag(raw: str) -> str:
    """Check a tag a user typed or a source gave, and return its display form.

    The display form is NFKC-normalised, without leading ``#`` and surrounding whitespace,
    with inner whitespace runs collapsed to one space.

    Args:
        raw: the tag as given.

    Returns:
        The display form.

    Raises:
        InputError: the tag is empty, has no letters or digits, contains control
            characters, or is longer than ``MAX_TAG_LENGTH`` characters.
    """
    text = unicodedata.normalize("NFKC", raw)
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") for ch in text.strip()):
        raise InputError("A tag cannot contain control or invisible characters.")
    display = " ".join(text.strip().lstrip("#").split())
    if not display:
        raise InputError("The tag is empty.")
    if len(display) > MAX_TAG_LENGTH:
        raise InputError(f"The tag is too long: at most {MAX_TAG_LENGTH} characters, please.")
    if not any(ch.isalnum() for ch in display) or not tag_key(display):
        raise InputError(f"The tag {display!r} has no letters or digits.")
    return display


def auto_tags(title: str, body: str, language: str, *, limit: int = 8) -> list[Tag]:
    """Find tags for an article: people, places, organisations and salient topics.

    Never raises: an article whose text defeats the tagger gets no tags and a log line.

    Args:
        title: the headline.
        body: the article text.
        language: the article's language, an ISO 639-1 code such as ``"de"``.
        limit: the most tags to return.

    Returns:
        Up to ``limit`` tags, best first, with distinct keys.
    """
    if limit <= 0 or not (title.strip() or body.strip()):
        return []
    lang = language.strip().lower().replace("_", "-").split("-")[0]
    try:
        candidates = extract_entities(title[:1000], body[:_MAX_TEXT], lang)
    except Exception:  # a tagger bug must not lose the article
        logger.exception("Automatic tagging failed (language %r)", language)
        return []
    tags: list[Tag] = []
    seen: set[str] = set()
    for entity in candidates:
        if len(tags) >= limit:
            break
        if not _good_enough(entity):
            continue
        tag = _as_tag(entity.display)
        if tag is not None and tag.key not in seen:
            seen.add(tag.key)
            tags.append(tag)
    return tags


def _good_enough(entity: Entity) -> bool:
    if entity.score < _MIN_SCORE:
        return False
    return entity.kind != "topic" or entity.mentions >= _MIN_TOPIC_MENTIONS


def _as_tag(display: str) -> Tag | None:
    try:
        display = validate_tag(display)
    except InputError:
        return None
    return Tag(display=display, key=tag_key(display))


def merge_tags(given: Iterable[str], auto: Iterable[Tag], *, limit: int) -> list[Tag]:
    """Combine a source's tags with automatic ones: given tags first, one tag per key.

    Given tags that are not valid (empty, punctuation only, too long) are skipped: a feed's
    odd category must not cost the article.

    Args:
        given: tags from the report's ``Tags:`` line or a feed's categories.
        auto: tags from :func:`auto_tags`.
        limit: the most tags to return.

    Returns:
        Up to ``limit`` tags.
    """
    tags: list[Tag] = []
    seen: set[str] = set()
    candidates = [_as_tag(raw) for raw in given]
    for tag in [*candidates, *auto]:
        if len(tags) >= limit:
            break
        if tag is not None and tag.key and tag.key not in seen:
            seen.add(tag.key)
            tags.append(tag)
    return tags
