"""The matching key of a tag: one spelling for everything a reader would call the same tag.

Users subscribe without saying a language, so the key is language-independent. The rule,
applied in order:

1. Unicode NFKC; leading ``#`` signs, surrounding whitespace and surrounding punctuation
   (quotes, brackets, commas, full stops) are removed.
2. Case folding (``ß`` -> ``ss``) and ``ё`` -> ``е``; typographic apostrophes -> ``'``.
3. Whitespace, underscores, hyphens and dashes, and dots between words, in runs, become one
   space: ``US-Präsident``, ``us_präsident`` and ``US Präsident`` share a key, as do
   ``U.S.`` and ``US``.
4. Per word: an English possessive ``'s`` is dropped.
5. A name of a country, region or international body in any of the languages of
   data/places.tsv becomes the place's English name: ``Aserbaidschan``, ``Azerbaïdjan`` and
   ``Азербайджан`` all have the key ``azerbaijan``; ``USA``, ``US`` and ``Vereinigte
   Staaten`` the key ``united states``. Names that are also ordinary words elsewhere
   (``Island``, German for Iceland) are left alone.

   Inflected place names count too: a German genitive ``-s`` (``Aserbaidschans``,
   ``Russlands``) and Russian case endings (``России``, ``Россией``), found by the Russian
   Snowball stem of the place names.

No other stemming or lemmatising: without the article's language a word-level lemmatiser
merges unrelated words ("News" -> "new"), and plurals stay apart (``election`` vs
``elections``). Automatic tags use base forms ("Путин", not "Путина"), so subscriptions
typed in the base form match them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from summaries.places import places, russian_place

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
    words = [w[:-2] if w.endswith("'s") else w.strip("'") for w in text.split(" ")]
    key = " ".join(w for w in words if w)
    return _place_key(key) or key


def _place_key(key: str) -> str | None:
    table = places()
    found = table.key_for(key)
    if found:
        return found
    if key.endswith("s") and len(key) >= _GENITIVE_MIN:
        found = table.key_for(key[:-1])  # German genitive: "aserbaidschans", "chinas"
        if found:
            return found
    if _CYRILLIC.match(key.replace(" ", "")):
        return russian_place(key)
    return None
