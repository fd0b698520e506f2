"""Per-language stemmers and stop words, built once.

Snowball stemmers come through sumy's ``Stemmer`` (NLTK's Snowball underneath) and stop words
from sumy's bundled lists. Where sumy has none, jusText's stop lists (installed with trafilatura)
fill in; where neither has the language, the summarizer still works: a prefix-truncation stemmer
(first six letters, known to do about as well as real stemmers for agglutinative languages such as
Turkish or Azerbaijani) and an empty stop-word set, which TF-IDF weighting largely makes up for.
"""

from __future__ import annotations

import pkgutil
from collections.abc import Callable
from functools import lru_cache

from sumy.nlp.stemmers import Stemmer
from sumy.utils import get_stop_words

__all__ = ["stemmer_for", "stop_words_for"]

_TRUNCATE_AT = 6
_STEM_CACHE_SIZE = 200_000

#: Languages whose Snowball stemmer NLTK lacks but truncation handles well.
_JUSTEXT_NAMES = {"norwegian": "Norwegian_Bokmal", "slovene": "Slovenian"}


def _truncate(word: str) -> str:
    return word.lower()[:_TRUNCATE_AT]


@lru_cache(maxsize=64)
def stemmer_for(language: str) -> Callable[[str], str]:
    """Return a memoised stemmer for a language name such as ``"german"``; never raises."""
    try:
        stem: Callable[[str], str] = Stemmer(language)
        stem("probe")  # some of sumy's stemmers (Polish) need an optional package at call time
    except (LookupError, ValueError, KeyError, ImportError):
        stem = _truncate
    return lru_cache(maxsize=_STEM_CACHE_SIZE)(stem)


@lru_cache(maxsize=64)
def stop_words_for(language: str) -> frozenset[str]:
    """Return lower-cased stop words for a language name; empty when none are known."""
    try:
        return frozenset(w.lower() for w in get_stop_words(language))
    except LookupError:
        pass
    name = _JUSTEXT_NAMES.get(language, language.capitalize())
    try:
        data = pkgutil.get_data("justext", f"stoplists/{name}.txt")
    except (OSError, ImportError, ValueError):
        data = None
    if not data:
        return frozenset()
    return frozenset(w.strip().lower() for w in data.decode("utf-8").splitlines() if w.strip())
