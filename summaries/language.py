"""Offline language detection for articles.

py3langid (a maintained fork of langid.py) ships its model inside the package, so detection needs
no network. The model knows ~140 labels, some of them ISO 639-3 codes for pidgins and regional
languages that tend to win on short English or French snippets; we restrict it to the labels that
have an ISO 639-1 code, which is also what the rest of newsbot stores.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

__all__ = ["LANGUAGE_NAMES", "UNDETERMINED", "detect_language", "language_name"]

#: ISO 639-2 code for "undetermined", returned when the text gives too little evidence.
UNDETERMINED = "und"

#: Below this many letters the classifier is guessing; "OK" or "Hallo" are not evidence.
_MIN_LETTERS = 6
#: A posterior below this means the text reads like several languages at once.
_MIN_CONFIDENCE = 0.5
#: The first part of an article decides its language; scanning a megabyte adds nothing.
_SAMPLE_CHARS = 4000

_LETTER = re.compile(r"[^\W\d_]")

#: ISO 639-1 code -> the English language name that Punkt, NLTK's Snowball and sumy's stop-word
#: files are keyed by. Only languages at least one of them knows are listed.
LANGUAGE_NAMES: dict[str, str] = {
    "ar": "arabic", "cs": "czech", "da": "danish", "de": "german", "el": "greek",
    "en": "english", "es": "spanish", "et": "estonian", "fi": "finnish", "fr": "french",
    "he": "hebrew", "hu": "hungarian", "it": "italian", "ja": "japanese", "ko": "korean",
    "ml": "malayalam", "nb": "norwegian", "nl": "dutch", "nn": "norwegian", "no": "norwegian",
    "pl": "polish", "pt": "portuguese", "ro": "romanian", "ru": "russian", "sk": "slovak",
    "sl": "slovene", "sv": "swedish", "th": "thai", "tr": "turkish", "uk": "ukrainian",
    "zh": "chinese",
}  # fmt: skip
_KNOWN_NAMES = frozenset(LANGUAGE_NAMES.values())


@lru_cache(maxsize=1)
def _identifier() -> LanguageIdentifier:
    """Load the model once (about a second) and restrict it to two-letter codes."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([code for code in identifier.labels if len(code) == 2])
    return identifier


def detect_language(text: str) -> str:
    """Return the ISO 639-1 code of the language ``text`` is written in.

    Args:
        text: any text; only its first few thousand characters are read.

    Returns:
        A two-letter code such as ``"de"`` or ``"en"``, or ``"und"`` when the text is too short
        or too ambiguous to tell.
    """
    sample = text[:_SAMPLE_CHARS]
    if sum(1 for _ in itertools.islice(_LETTER.finditer(sample), _MIN_LETTERS)) < _MIN_LETTERS:
        return UNDETERMINED
    code, confidence = _identifier().classify(sample)
    if confidence < _MIN_CONFIDENCE:
        return UNDETERMINED
    return str(code)


def language_name(language: str) -> str | None:
    """Return the model name (``"german"``) for a code (``"de"``, ``"de-AT"``) or name, if known."""
    key = language.strip().lower().replace("_", "-")
    if key in _KNOWN_NAMES:
        return key
    return LANGUAGE_NAMES.get(key.split("-", 1)[0])
