"""Summaries at the length a chat asked for (1-10 sentences), computed once per process.

Ingestion stores one summary per article (3 sentences). A chat that wants another length
gets the article summarized again with the same method, so a 1-sentence summary is the
best single sentence rather than the first of three. Results are kept in a bounded
in-memory cache, not in the `summaries` table: other readers take an article's newest
summary row as *the* summary, and variants must not change that.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Sequence
from threading import Lock

from summaries.store import Store
from summaries.summarizer import DEFAULT_MAX_CHARS, summarize

CACHE_SIZE = 4096
# The default character budget is sized for three sentences; scale it with the length.
CHARS_PER_SENTENCE = DEFAULT_MAX_CHARS // 3


class SummaryLengths:
    def __init__(self, store: Store, *, cache_size: int = CACHE_SIZE) -> None:
        self.store = store
        self.cache_size = cache_size
        self._cache: OrderedDict[tuple[int, int], tuple[str, ...]] = OrderedDict()
        self._lock = Lock()

    def get(self, article_id: int, sentences: int, stored: Sequence[str]) -> tuple[str, ...]:
        """`stored` when it already has that length, else the article summarized to it."""
        if sentences == len(stored) or not stored:
            return tuple(stored)
        key = (article_id, sentences)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        source = self.store.article_source_text(article_id)
        if source is None:
            return tuple(stored[:sentences])
        title, body, language = source
        lines = tuple(
            summarize(
                body,
                language,
                sentences=sentences,
                title=title,
                max_chars=CHARS_PER_SENTENCE * sentences,
            )
        ) or tuple(stored[:sentences])
        with self._lock:
            self._cache[key] = lines
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return lines

    async def aget(self, article_id: int, sentences: int, stored: Sequence[str]) -> tuple[str, ...]:
        return await asyncio.to_thread(self.get, article_id, sentences, stored)
