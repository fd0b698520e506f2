"""One article as any intake (feed entry, page, JSONL record) hands it to ingestion."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class IncomingArticle:
    """Title, text and whatever metadata the source gave; ingestion does the rest."""

    title: str
    body: str
    origin: str
    url: str | None = None
    guid: str | None = None
    teaser: str | None = None
    author: str | None = None
    published_at: dt.datetime | None = None
    tags: tuple[str, ...] = ()
    language: str | None = None
    source_id: int | None = None
    read_count: int | None = None
