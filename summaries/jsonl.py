"""News dumps as JSONL in the ../shared/eval schema, one article per line.

``{"id", "language", "title", "text", "summary", "topic", "source"}``; ``url``,
``published``/``date`` and ``tags`` are read when present. The reference ``summary`` is
the publisher's teaser in most dumps, so it is kept as the article's teaser, never as its
body. A bad line is an error for that line only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from typing import Any

from summaries.errors import InputError
from summaries.incoming import IncomingArticle
from summaries.text import normalize_text

__all__ = ["is_jsonl", "read_jsonl", "record_to_article"]

MAX_LINE_BYTES = 5 * 1024 * 1024


def is_jsonl(name: str) -> bool:
    return name.lower().endswith((".jsonl", ".ndjson", ".jsonl.gz"))


def read_jsonl(
    lines: Iterable[bytes], origin: str
) -> Iterator[tuple[str, IncomingArticle | InputError]]:
    """(origin of the line, article or the error that line had) for every non-blank line."""
    for number, raw in enumerate(lines, start=1):
        where = f"{origin}:{number}"
        if not raw.strip():
            continue
        if len(raw) > MAX_LINE_BYTES:
            yield where, InputError(f"{where}: line too long ({len(raw):,} bytes)")
            continue
        try:
            record = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            yield where, InputError(f"{where}: not JSON ({error})")
            continue
        try:
            yield where, record_to_article(record, where)
        except InputError as error:
            yield where, InputError(f"{where}: {error}")


def record_to_article(record: Any, origin: str) -> IncomingArticle:
    if not isinstance(record, dict):
        raise InputError("a record must be a JSON object")
    text = record.get("text") or record.get("body")
    if not isinstance(text, str) or not text.strip():
        raise InputError("the record has no text")
    title = record.get("title")
    body = normalize_text(text).strip()
    if not isinstance(title, str) or not title.strip():
        title = body.split("\n", 1)[0][:140]
    teaser = record.get("summary") or record.get("teaser")
    tags = record.get("tags") or ([record["topic"]] if record.get("topic") else [])
    if isinstance(tags, str):
        tags = [tags]
    record_id = record.get("id")
    return IncomingArticle(
        title=" ".join(normalize_text(title).split()),
        body=body,
        origin=f"{origin} {record_id}" if record_id else origin,
        url=record.get("url") if isinstance(record.get("url"), str) else None,
        guid=str(record_id) if record_id is not None else None,
        teaser=normalize_text(teaser).strip() if isinstance(teaser, str) and teaser else None,
        author=record.get("author") if isinstance(record.get("author"), str) else None,
        published_at=_date(record.get("published") or record.get("date")),
        tags=tuple(str(tag) for tag in tags if isinstance(tag, str | int)),
        language=record.get("language") if isinstance(record.get("language"), str) else None,
    )


def _date(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
