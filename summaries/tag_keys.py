"""The matching key of a tag: one spelling for everything a reader would call the same tag.

Users subscribe without saying a language, so the key is language-independent. The rule,
applied in order:

1. Unicode NFKC; leading ``#`` signs, surrounding whitespace and surrounding punctuation
   (quotes, brackets, commas, full stops) are removed.
2. Case folding (``ß`` -> ``ss``) and ``ё`` -> ``е``; typographic apostrophes -> ``'``.
3. Whitespace, underscores, hyphens and dashes, and dots between words, in runs, become one
   space: ``US-Präsident``, ``us_präsident`` and ``US Präsident`` share a key, as do
   ``U.S.`` and ``US``.
4. Per word: an English possessive ``'s`` is dropped; a German genitive ``-s`` is dropped
   when the German dictionary says the word is that inflection (``Aserbaidschans`` ->
   ``aserbaidschan``, while ``News``, ``Paris`` and ``USA`` stay); a Cyrillic word becomes
   its Russian lemma (``России`` -> ``россия``, ``Путина`` -> ``путин``).
5. A name of a country, region or international body in any of the languages of
   data/places.tsv becomes the place's English name: ``Aserbaidschan``, ``Azerbaïdjan`` and
   ``Азербайджан`` all have the key ``azerbaijan``; ``USA``, ``US`` and ``Vereinigte
   Staaten`` the key ``united states``. Names that are also ordinary words elsewhere
   (``Island``, German for Iceland) are left alone.

No other lemmatising: English and French plurals stay apart (``election`` vs ``elections``),
because a word-level lemmatiser without the article's language merges unrelated words
("News" -> "new").
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from summaries.lexicons import lemma
from summaries.places import places

__all__ = ["tag_key"]

_EDGE_PUNCT = "\"'«»„“”‚‘’‹›()[]{}<>.,;:!?¡¿*|/\\ \t\n\r"
_SEPARATORS = re.compile(r"[\s_\-‐‑‒–—―]+|(?<=\w)\.(?=\w)")
_CYRILLIC = re.compile(r"^[Ѐ-ӿ]+$")
_GENITIVE_MIN = 5


@lru_cache(maxsize=100_000)
def tag_key(tag: str) -> str:
    """Return the matching key of a tag (see the module docstring for the rule).

    Args:
        tag: a tag as typed by a user, given by a feed or found in an article.

    Returns:
        The key; empty when the tag has no word characters.
    """
    text = unicodedata.normalize("NFKC", tag).strip().lstrip("#").strip(_EDGE_PUNCT)
    text = text.casefold().replace("ё", "е").replace("’", "'").replace("ʼ", "'")
    text = _SEPARATORS.sub(" ", text).strip(_EDGE_PUNCT)
    words = [_word_key(word) for word in text.split(" ") if word]
    key = " ".join(w for w in words if w)
    place = places().key_for(key) or places().key_for(" ".join(text.split()))
    return place or key


def _word_key(word: str) -> str:
    if word.endswith("'s"):
        return word[:-2]
    word = word.strip("'")
    if _CYRILLIC.match(word):
        # The dictionary knows names capitalised ("Путина" -> "Путин") and words in lower
        # case ("россии" -> "россия"); a tag may come either way.
        capitalised = word[:1].upper() + word[1:]
        base = lemma(capitalised, "ru")
        if base == capitalised:
            base = lemma(word, "ru")
        return base.casefold().replace("ё", "е") or word
    if len(word) >= _GENITIVE_MIN and word.endswith("s") and word.isalpha():
        stem = word[:-1]
        if lemma(word[:1].upper() + word[1:], "de").casefold() == stem:
            return stem
    return word
