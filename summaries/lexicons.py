"""Word knowledge for tagging, loaded once per language: stems, word frequencies, stop words.

Memory matters more than linguistic finesse here, because tagging runs inside the bot
process: simplemma's dictionaries take 100-140 MB each for German and Russian, and
wordfreq's full lists up to 70 MB per language. So inflections are merged with Snowball
stems (no data to load; NLTK is there for sumy anyway), and frequencies come from wordfreq's
*small* lists (about 4 MB per language), which know words down to Zipf 3 (once per million
words). English is the exception: German tagging asks how common a word is in English text
(names travel between languages, German nouns do not), and names such as "Maduro" sit just
below Zipf 3; so English keeps the large list down to Zipf 2 (about 10 MB).
"""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

import wordfreq
from nltk.stem.snowball import SnowballStemmer
from sumy.utils import get_stop_words

__all__ = ["RARE", "fold", "stem", "stop_words", "zipf"]

#: The Zipf value below which wordfreq's small lists know no word.
RARE = 3.0

_SNOWBALL = {
    "da": "danish", "nl": "dutch", "en": "english", "fi": "finnish", "fr": "french",
    "de": "german", "hu": "hungarian", "it": "italian", "nb": "norwegian", "no": "norwegian",
    "pt": "portuguese", "ro": "romanian", "ru": "russian", "es": "spanish", "sv": "swedish",
}  # fmt: skip
#: Languages with a small wordfreq list.
_FREQ_LANGS = frozenset(
    {
        "ar", "bn", "bs", "bg", "ca", "zh", "hr", "cs", "da", "nl", "en", "fi", "fr", "de",
        "el", "he", "hi", "hu", "is", "id", "it", "ja", "ko", "lv", "lt", "mk", "ms", "nb",
        "fa", "pl", "pt", "ro", "ru", "sl", "sk", "sr", "es", "sv", "fil", "ta", "tr", "uk",
        "ur", "vi",
    }
)  # fmt: skip
_SUMY_NAMES = {
    "ar": "arabic", "cs": "czech", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "fr": "french", "he": "hebrew", "it": "italian", "pl": "polish",
    "pt": "portuguese", "sk": "slovak", "sv": "swedish", "uk": "ukrainian",
}  # fmt: skip


@cache
def _stemmer(lang: str) -> SnowballStemmer | None:
    name = _SNOWBALL.get(lang)
    return SnowballStemmer(name) if name else None


@lru_cache(maxsize=200_000)
def stem(word: str, lang: str) -> str:
    """Return the lower-case, accent-free Snowball stem of a word ("России" -> "росс").

    Languages without a Snowball stemmer get the folded word. Accents are dropped after
    stemming because stemmers treat "Arménie" and "arméniens" differently.
    """
    stemmer = _stemmer(lang)
    lower = word.casefold().replace("ё", "е")
    return fold(stemmer.stem(lower) if stemmer else lower, lang)


def fold(word: str, lang: str) -> str:
    """Lower-case a word and drop its accents (except in Cyrillic, where "й" is a letter).

    Not cached: its callers are (a cache of many small entries is walked by every full
    garbage collection).
    """
    lower = word.casefold().replace("ё", "е")
    if lang == "ru" or lower.isascii():
        return lower
    return "".join(c for c in unicodedata.normalize("NFD", lower) if not unicodedata.combining(c))


#: Per language: (wordfreq list, lowest Zipf value kept).
_LISTS = {"en": ("large", 2.0)}
_DEFAULT_LIST = ("small", RARE)


@cache
def _frequencies(lang: str) -> dict[str, float]:
    """Load a wordfreq list as word -> Zipf value, without wordfreq's own caches."""
    if lang not in _FREQ_LANGS:
        return {}
    wordlist, floor = _LISTS.get(lang, _DEFAULT_LIST)
    path = Path(wordfreq.__file__).parent / "data" / f"{wordlist}_{lang}.msgpack.gz"
    if not path.is_file():  # pragma: no cover - a wordfreq without this list
        return {}
    # Bucket i holds the words with frequency 10 ** (-i / 100), i.e. Zipf 9 - i / 100.
    buckets = wordfreq.read_cBpack(str(path))
    last = round((9 - floor) * 100)
    return {
        word: round(9 - i / 100, 2)
        for i, bucket in enumerate(buckets[: last + 1])
        for word in bucket
    }


def zipf(word: str, lang: str) -> float:
    """Return the Zipf frequency of a lower-case word: 7 for "the", 3 once per million
    words, 0 for rarer or unknown words (below Zipf 3, or 2 in English).

    Not cached: it is a dict lookup, no slower than a cache's.
    """
    return _frequencies(lang).get(word, 0.0)


@cache
def stop_words(lang: str) -> frozenset[str]:
    """Return lower-case words that are never tags in a language: sumy's list plus ours."""
    words: set[str] = set()
    if lang in _SUMY_NAMES:
        words |= {w.lower() for w in get_stop_words(_SUMY_NAMES[lang])}
    path = resources.files("summaries") / "data" / "stopwords" / f"{lang}.txt"
    if path.is_file():
        lines = path.read_text("utf-8").splitlines()
        words |= {line.strip().lower() for line in lines if line and line[0] != "#"}
    return frozenset(words)
