"""Country, region and international-body names in several languages (data/places.tsv).

Two uses: finding places in article text (per language, on word sequences), and giving every
name of a place one language-independent tag key, so that a chat subscribed to
``Aserbaidschan`` also gets English news tagged ``Azerbaijan``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from summaries.lexicons import fold, stem

__all__ = ["Places", "normalise_name", "places", "prefix_index", "russian_place", "stem_index"]

#: Names that are also common words or first names elsewhere: never used as tag keys for a
#: place (a chat subscribed to "island" means islands), and not detected in text.
_AMBIGUOUS = frozenset(
    {
        "island", "grenade", "dominique", "maurice", "malte", "christmas", "того", "чад", "man",
        "georgia", "jordan", "chad", "guinea", "jersey", "niger", "mali", "tonga",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Places:
    """Lookup tables built from data/places.tsv."""

    by_alias: dict[str, str]  # casefolded name in any language -> place key
    display: dict[tuple[str, str], str]  # (place key, language) -> display name
    aliases: dict[str, dict[str, str]]  # language -> casefolded name -> place key

    def key_for(self, name: str) -> str | None:
        """Return the place key for a casefolded, space-normalised name, if it is a place."""
        return self.by_alias.get(name)

    def display_name(self, key: str, lang: str) -> str:
        """Return how a place is written in a language (English when the table lacks it)."""
        return self.display.get((key, lang)) or self.display.get((key, "en")) or key


@cache
def places() -> Places:
    """Load the place table once."""
    text = (resources.files("summaries") / "data" / "places.tsv").read_text("utf-8")
    by_alias: dict[str, str] = {}
    display: dict[tuple[str, str], str] = {}
    aliases: dict[str, dict[str, str]] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, lang, name, others = [*line.split("\t"), ""][:4]
        display[(key, lang)] = name
        per_lang = aliases.setdefault(lang, {})
        for alias in [name, *others.split("|"), key if lang == "en" else ""]:
            norm = normalise_name(alias)
            if not norm or norm in _AMBIGUOUS:
                continue
            per_lang.setdefault(norm, key)
            by_alias.setdefault(norm, key)
    return Places(by_alias=by_alias, display=display, aliases=aliases)


_SEPARATORS = str.maketrans("-‐‑–—_.ё", "       е")


def normalise_name(name: str) -> str:
    """Casefold a name and turn hyphens, dots and runs of spaces into single spaces.

    Not cached: its callers are, once per distinct word.
    """
    return " ".join(name.casefold().translate(_SEPARATORS).split())


_MIN_STEM = 4


@cache
def stem_index(lang: str) -> dict[str, str]:
    """Map the Snowball stems of a language's place names to place keys.

    "Vereinigten Staaten" and "Vereinigte Staaten" share the stems "vereinigt staat";
    "России", "Россией" and "Россия" share "росс". One-word stems shorter than four letters
    are left out: too many ordinary words share them.
    """
    index: dict[str, str] = {}
    for name, key in places().aliases.get(lang, {}).items():
        stems = [stem(word, lang) for word in name.split(" ")]
        if len(stems) == 1 and len(stems[0]) < _MIN_STEM:
            continue
        index.setdefault(" ".join(stems), key)
    return index


@cache
def prefix_index(lang: str) -> dict[str, str]:
    """Map one-word place names, their stems and these cut by one or two letters to keys.

    Used to recognise derived words once their own endings are cut: "armenisch" -> "armen"
    (from "Armenien"), "ukrainians" -> "ukrain" (from "Ukraine"). Prefixes that two places
    share are dropped.
    """
    index: dict[str, str] = {}
    clashes: set[str] = set()
    for name, key in places().aliases.get(lang, {}).items():
        if " " in name:
            continue
        for base in {fold(name, lang), stem(name, lang)}:
            for cut in range(3):
                prefix = base[: len(base) - cut]
                if len(prefix) < _MIN_STEM:
                    break
                if index.get(prefix, key) != key:
                    clashes.add(prefix)
                index[prefix] = key
    for prefix in clashes:
        del index[prefix]
    return index


_RU_CASE_ENDINGS = ("ами", "ями", "ом", "ем", "ой", "ей", "ию", "ии", "ия", "а", "я", "у", "ю",
                    "е", "ы", "и")  # fmt: skip


def russian_place(name: str) -> str | None:
    """Find the place an inflected Russian name means: "России", "Китая", "Соединённых Штатов".

    Snowball cuts some case forms shorter than the place's own stem ("Китая" -> "кит",
    "Китай" -> "кита"), so a case ending is also tried against the names' prefixes.
    """
    words = normalise_name(name).split(" ")
    key = stem_index("ru").get(" ".join(stem(w, "ru") for w in words))
    if key or len(words) != 1:
        return key
    prefixes = prefix_index("ru")
    for ending in _RU_CASE_ENDINGS:
        if words[0].endswith(ending) and (key := prefixes.get(words[0][: -len(ending)])):
            return key
    return None
