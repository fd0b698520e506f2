"""Word knowledge for tagging, loaded once per language: lemmas, word frequencies, stop words.

simplemma (lemmas) and wordfreq (how common a word is) both load a dictionary per language
on first use, which costs up to a second; after that every lookup is a cached dict hit.
"""

from __future__ import annotations

import logging
from functools import cache, lru_cache
from importlib import resources

import simplemma
from sumy.utils import get_stop_words
from wordfreq import zipf_frequency

logger = logging.getLogger(__name__)

__all__ = ["is_known", "lemma", "stop_words", "zipf"]

#: Languages simplemma lemmatises well enough for merging inflected names.
_LEMMA_LANGS = frozenset(
    {
        "bg", "ca", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "gl", "hu", "id",
        "it", "lt", "lv", "nb", "nl", "pl", "pt", "ro", "ru", "sk", "sl", "sv", "tr", "uk",
    }
)  # fmt: skip
#: Languages with a wordfreq list (a subset of what wordfreq knows).
_FREQ_LANGS = frozenset(
    {
        "ar", "bg", "ca", "cs", "da", "de", "el", "en", "es", "fa", "fi", "fr", "he", "hi", "hu",
        "id", "it", "ja", "ko", "lt", "lv", "mk", "ms", "nb", "nl", "pl", "pt", "ro", "ru", "sk",
        "sl", "sr", "sv", "tr", "uk", "vi", "zh",
    }
)  # fmt: skip
_SUMY_NAMES = {
    "ar": "arabic", "cs": "czech", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "fr": "french", "he": "hebrew", "it": "italian", "pl": "polish",
    "pt": "portuguese", "sk": "slovak", "sv": "swedish", "uk": "ukrainian",
}  # fmt: skip


@lru_cache(maxsize=200_000)
def lemma(word: str, lang: str) -> str:
    """Return simplemma's lemma for a word (the word itself for unsupported languages)."""
    if lang not in _LEMMA_LANGS:
        return word
    try:
        return simplemma.lemmatize(word, lang=lang)
    except (ValueError, KeyError):  # pragma: no cover - simplemma rejects odd input
        return word


@lru_cache(maxsize=200_000)
def is_known(word: str, lang: str) -> bool:
    """Tell whether simplemma's dictionary has this word form."""
    if lang not in _LEMMA_LANGS:
        return False
    return bool(simplemma.is_known(word, lang=lang))


@lru_cache(maxsize=200_000)
def zipf(word: str, lang: str) -> float:
    """Return the Zipf frequency (0 = unseen, 7 = "the") of a word in a language."""
    if lang not in _FREQ_LANGS:
        return 0.0
    return zipf_frequency(word, lang, wordlist="best")


@cache
def stop_words(lang: str) -> frozenset[str]:
    """Return lower-case words that are never tags in a language: sumy's list plus ours."""
    words: set[str] = set()
    if lang in _SUMY_NAMES:
        words |= {w.lower() for w in get_stop_words(_SUMY_NAMES[lang])}
    try:
        ours = (resources.files("summaries") / "data" / "stopwords" / f"{lang}.txt").read_text(
            "utf-8"
        )
    except FileNotFoundError:
        ours = ""
    words |= {line.strip().lower() for line in ours.splitlines() if line and line[0] != "#"}
    return frozenset(words)
