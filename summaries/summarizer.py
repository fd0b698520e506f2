"""Summaries in the article's language: sentences taken verbatim from the text, in article order.

:func:`summarize` is the one entry point. It builds sumy's document model with our offline
tokenizer (:mod:`summaries.tokenizer`), picks a summarizer by name from :data:`METHODS` and
applies a character budget so a pushed message stays readable. ``"default"`` is our news-aware
method (:class:`summaries.news.NewsSummarizer`); ``"lead"`` and the stock sumy algorithms are
there for comparison (``newsbot eval``).

Summarizers, tokenizers, stemmers and stop-word sets are built once per (method, language).
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.summarizers._summarizer import AbstractSummarizer

from summaries.language import UNDETERMINED, language_name
from summaries.lexicon import stemmer_for, stop_words_for
from summaries.news import HeadlineSummarizer, NewsSummarizer
from summaries.sumy_methods import STOCK_METHODS, LeadSummarizer, build_stock
from summaries.tokenizer import SentenceTokenizer, get_tokenizer

__all__ = [
    "DEFAULT_MAX_CHARS",
    "DEFAULT_METHOD",
    "METHODS",
    "SUMMARY_VERSION",
    "build_document",
    "prepare",
    "summarize",
]

logger = logging.getLogger(__name__)

#: Bumped whenever the default algorithm changes, so stored summaries are keyed by what made them.
SUMMARY_VERSION = f"default-{NewsSummarizer.VERSION}"

DEFAULT_METHOD = "default"
#: A push of three sentences and a title stays well inside one phone screen at this budget.
DEFAULT_MAX_CHARS = 600

#: name -> summarizer class. ``default`` is ours, ``lead`` the first-N baseline, the rest sumy's.
METHODS: dict[str, type[AbstractSummarizer]] = {
    "default": NewsSummarizer,
    "headline": HeadlineSummarizer,
    "lead": LeadSummarizer,
    **STOCK_METHODS,
}

#: Only the start of a huge input is read: no article needs more, and summarizing stays fast.
_MAX_TEXT_CHARS = 100_000
_MAX_SENTENCES = 400
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def summarize(
    text: str,
    language: str,
    *,
    sentences: int = 3,
    title: str | None = None,
    method: str = DEFAULT_METHOD,
    max_chars: int | None = DEFAULT_MAX_CHARS,
) -> list[str]:
    """Return up to ``sentences`` sentences of ``text`` that summarize it, in article order.

    Args:
        text: the article body; paragraphs separated by blank lines.
        language: ISO 639-1 code (``"de"``) or language name; unknown codes and ``"und"`` use a
            language-neutral tokenizer, stemmer and no stop words.
        sentences: the most sentences to return.
        title: the headline, if known; it guides the default method and is never repeated.
        method: a key of :data:`METHODS`.
        max_chars: total length of the returned sentences (joined by one space) is at most
            this; ``None`` for no budget. Sentences longer than the budget are never chosen,
            so a text of only such sentences gets an empty summary.

    Returns:
        Sentences copied verbatim (stripped) from ``text``; empty for empty text.

    Raises:
        ValueError: ``method`` is not a known method name.
    """
    if method not in METHODS:
        raise ValueError(f"unknown summary method {method!r}; choose from {', '.join(METHODS)}")
    if sentences <= 0 or not text.strip():
        return []
    name = _language_key(language)
    tokenizer = get_tokenizer(name)
    document = build_document(text, tokenizer, title=title)
    if not document.sentences:
        return []
    summarizer = _summarizer(method, name)
    if isinstance(summarizer, NewsSummarizer):
        chosen = summarizer.select(document, sentences, max_chars=max_chars)
    else:
        chosen = _within_budget(_run_stock(summarizer, document, sentences), max_chars)
    return [str(s) for s in chosen]


def prepare(language: str, method: str = DEFAULT_METHOD) -> None:
    """Load the models ``summarize`` needs for ``language`` and ``method`` ahead of time.

    The first summary in a language otherwise pays for loading its Punkt model and building
    its stemmer and stop words; benchmarks and evaluations call this so they time
    summarizing, not start-up.

    Raises:
        ValueError: ``method`` is not a known method name.
    """
    if method not in METHODS:
        raise ValueError(f"unknown summary method {method!r}; choose from {', '.join(METHODS)}")
    name = _language_key(language)
    get_tokenizer(name)
    _summarizer(method, name)


def build_document(
    text: str, tokenizer: SentenceTokenizer, *, title: str | None = None
) -> ObjectDocumentModel:
    """Build sumy's document model: blank-line paragraphs, the title as a heading.

    Sentences are stripped substrings of ``text``. Input past ``_MAX_TEXT_CHARS`` characters or
    ``_MAX_SENTENCES`` sentences is ignored.
    """
    paragraphs: list[Paragraph] = []
    heading = [Sentence(title, tokenizer, is_heading=True)] if title and title.strip() else []
    budget = _MAX_SENTENCES
    for block in _PARAGRAPH_BREAK.split(text[:_MAX_TEXT_CHARS]):
        if budget <= 0:
            break
        pieces = tokenizer.to_sentences(block)[:budget] if block.strip() else ()
        budget -= len(pieces)
        sentences = [Sentence(p, tokenizer) for p in pieces]
        if heading:
            sentences = heading + sentences
            heading = []
        if sentences:
            paragraphs.append(Paragraph(sentences))
    if heading:
        paragraphs.append(Paragraph(heading))
    return ObjectDocumentModel(paragraphs)


def _language_key(language: str) -> str:
    """The language name that tokenizers and summarizers are built and cached for."""
    return language_name(language) or (language.strip().lower() or UNDETERMINED)


@lru_cache(maxsize=128)
def _summarizer(method: str, language: str) -> Any:
    """Build the summarizer for ``method`` in ``language`` once."""
    stemmer: Callable[[str], str] = stemmer_for(language)
    stop_words = stop_words_for(language)
    if method in ("default", "headline"):
        return METHODS[method](stemmer, stop_words)  # type: ignore[call-arg]
    if method == "lead":
        return LeadSummarizer()
    return build_stock(method, stemmer, stop_words)


def _run_stock(summarizer: Any, document: ObjectDocumentModel, count: int) -> tuple[Any, ...]:
    """Run a third-party sumy algorithm; on its failure fall back to the lead, never raise.

    Stock algorithms fail or warn on degenerate input (LSA on a text without content words,
    for instance); a summary of the first sentences is better than no message.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return tuple(summarizer(document, count))
    except Exception:
        logger.warning(
            "sumy %s failed; using the lead instead", type(summarizer).__name__, exc_info=True
        )
        return tuple(document.sentences[:count])


def _within_budget(chosen: tuple[Sentence, ...], max_chars: int | None) -> list[Sentence]:
    """Keep chosen sentences in order while they fit ``max_chars``."""
    if max_chars is None:
        return list(chosen)
    kept: list[Sentence] = []
    used = 0
    for sentence in chosen:
        size = len(str(sentence)) + (1 if kept else 0)
        if used + size > max_chars:
            continue
        kept.append(sentence)
        used += size
    return kept
