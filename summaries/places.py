"""Country, region and international-body names in several languages (data/places.tsv).

Two uses: finding places in article text (per language, on word sequences), and giving every
name of a place one language-independent tag key, so that a chat subscribed to
``Aserbaidschan`` also gets English news tagged ``Azerbaijan``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

__all__ = ["Places", "places"]

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


def normalise_name(name: str) -> str:
    """Casefold a name and turn hyphens, dots and runs of spaces into single spaces."""
    out = name.casefold().replace("ё", "е")
    for ch in "-‐‑–—_.":
        out = out.replace(ch, " ")
    return " ".join(out.split())
