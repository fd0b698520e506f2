"""The stock sumy algorithms, configured once per language with our stemmer and stop words.

Each factory returns a ready summarizer, so :mod:`summaries.summarizer` treats ours and sumy's
alike: ``summarizer(document, sentences_count) -> tuple[Sentence, ...]``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from sumy.models.dom import ObjectDocumentModel
from sumy.summarizers._summarizer import AbstractSummarizer
from sumy.summarizers.edmundson import EdmundsonSummarizer
from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.reduction import ReductionSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

__all__ = ["STOCK_METHODS", "LeadSummarizer", "NewsEdmundsonSummarizer", "build_stock"]

#: Words that mark a sentence as boilerplate rather than news, for Edmundson's cue method. Short
#: and cross-lingual on purpose: photo credits, "read more" links, sources.
_STIGMA_WORDS = (
    "foto", "photo", "bild", "image", "copyright", "getty", "reuters", "dpa", "afp", "ap",
    "lesen", "read", "lire", "newsletter", "abonnieren", "subscribe", "werbung", "anzeige",
    "cookie", "cookies", "click", "klicken", "cliquez",
)  # fmt: skip
_KEY_WORDS_PER_DOCUMENT = 10


class LeadSummarizer(AbstractSummarizer):
    """The first N sentences: the baseline every news summarizer has to beat."""

    def __call__(self, document: ObjectDocumentModel, sentences_count: int) -> tuple[Any, ...]:
        return tuple(document.sentences[: max(0, int(sentences_count))])


class NewsEdmundsonSummarizer(EdmundsonSummarizer):
    """Edmundson with defaults, so it runs on any article without hand-made word lists.

    Bonus words are the document's most frequent content words (Edmundson's "key" idea reused as
    cues), stigma words a small cross-lingual boilerplate list, null words the stop words.
    """

    def __init__(self, stemmer: Callable[[str], str], stop_words: frozenset[str]) -> None:
        super().__init__(stemmer)
        self._stop = stop_words
        self.null_words = stop_words or frozenset({"-"})
        self.stigma_words = _STIGMA_WORDS

    def __call__(self, document: ObjectDocumentModel, sentences_count: int) -> tuple[Any, ...]:
        counts = Counter(
            w
            for s in document.sentences
            for w in map(self.normalize_word, s.words)
            if w not in self._stop and len(w) > 2
        )
        keys = [w for w, _ in counts.most_common(_KEY_WORDS_PER_DOCUMENT)]
        self.bonus_words = keys or ["-"]
        return super().__call__(document, sentences_count)  # type: ignore[no-any-return]


def _with_stop_words(cls: type[Any]) -> Callable[[Callable[[str], str], frozenset[str]], Any]:
    def build(stemmer: Callable[[str], str], stop_words: frozenset[str]) -> Any:
        summarizer = cls(stemmer)
        summarizer.stop_words = stop_words
        return summarizer

    return build


#: name -> sumy class; :func:`build_stock` configures them.
STOCK_METHODS: dict[str, type[AbstractSummarizer]] = {
    "lexrank": LexRankSummarizer,
    "lsa": LsaSummarizer,
    "textrank": TextRankSummarizer,
    "luhn": LuhnSummarizer,
    "kl": KLSummarizer,
    "sumbasic": SumBasicSummarizer,
    "reduction": ReductionSummarizer,
    "edmundson": NewsEdmundsonSummarizer,
}


def build_stock(name: str, stemmer: Callable[[str], str], stop_words: frozenset[str]) -> Any:
    """Return a configured instance of the stock method ``name``."""
    cls = STOCK_METHODS[name]
    if cls is NewsEdmundsonSummarizer:
        return NewsEdmundsonSummarizer(stemmer, stop_words)
    return _with_stop_words(cls)(stemmer, stop_words)
