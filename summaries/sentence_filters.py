"""Which sentences make bad summary lines, whatever their score.

News pages carry text that no reader wants in a three-line summary: datelines, bylines, photo
credits, "read more" links, subscription prompts, all-caps labels, a repeat of the headline,
headings and other fragments. :func:`grade` sorts sentences into three levels:

- ``GOOD``: may be chosen;
- ``WEAK``: fragments (too short, no sentence punctuation, starts mid-sentence); chosen only when
  an article has no good sentence at all, so a one-line text still gets a summary;
- ``BAD``: boilerplate; never chosen.

The patterns are deliberately cross-lingual and structural (counters, colons, short lines,
capitalisation) rather than tied to one outlet's markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["BAD", "GOOD", "WEAK", "Grader", "grade"]

GOOD, WEAK, BAD = 0, 1, 2

#: Fewer words than this is a fragment, not a sentence a reader can take on its own.
_MIN_WORDS = 4
#: A line without sentence punctuation this short is a heading, caption or label.
_MAX_UNPUNCTUATED_WORDS = 12
#: "Short" for the patterns that are only boilerplate when they stand alone.
_SHORT_WORDS = 15
#: Subscription and sharing prompts are short; a long sentence mentioning a newsletter is news.
_MAX_PROMPT_WORDS = _SHORT_WORDS
#: Word-set overlap (Jaccard) above which a sentence repeats the headline.
_TITLE_DUPLICATE = 0.8

_I = re.IGNORECASE

#: Cross-references to other articles, in the languages newsbot handles.
_READ_MORE = re.compile(
    r"^\W*(?:"
    r"(?:lesen|sehen|hören) sie (?:auch|mehr|hier)|mehr zum thema|mehr dazu|auch interessant"
    r"|das könnte sie (?:auch )?interessieren|weiterlesen|zum artikel|zum thema"
    r"|read (?:more|also|next)|see also|related(?: articles?| stories| coverage)?\s*:"
    r"|more on this|recommended|watch\s*:|listen\s*:"
    r"|(?:[aà] )?lire (?:aussi|également|la suite)|(?:[aà] )?voir aussi|[aà] (?:lire|voir)\s*:"
    r"|(?:lea|lee|vea) (?:también|más)|leer más|leggi (?:anche|tutto)|vedi anche"
    r"|lees (?:ook|meer|verder)|czytaj (?:też|także|więcej|dalej)|zobacz (?:też|także)"
    r"|читайте (?:также|тоже)|смотрите также|подробнее|devamı(?:nı oku)?|ayrıca bakınız"
    r"|ler (?:também|mais)|veja (?:também|mais)|saiba mais"
    r")",
    _I,
)
#: Subscription, cookie and sharing prompts (lower-case substrings: cheaper than a regex).
_CALL_TO_ACTION = (
    "click here", "subscribe now", "subscribe to", "sign up", "newsletter", "follow us",
    "share this", "hier klicken", "jetzt abonnieren", "jetzt anmelden", "abonnieren sie",
    "folgen sie uns", "abonnez-vous", "inscrivez-vous", "cliquez ici", "suivez-nous",
    "all rights reserved", "alle rechte vorbehalten", "tous droits réservés", "javascript",
    "cookies",
)  # fmt: skip
_ADVERT = re.compile(r"^\W*(?:anzeige|werbung|advertisement|sponsored|publicité)\W*$", _I)
#: Photo and video credits ("Foto: dpa", "Photo by X/Getty Images", "© Reuters").
_CREDIT = re.compile(
    r"^\W*(?:fotos?|photos?|bild(?:er)?|images?|pictures?|credits?|crédits?|grafik|video"
    r"|quelle|source|zdjęcie|фото)\s*(?:[:|©/]|by\b|von\b|de\b)"
    r"|©|\((?:fotos?|photos?|bild|image)\b[^)]*\)\s*$"
    r"|\b(?:getty images|imago(?: images)?|keystone|shutterstock|picture alliance|afp photo"
    r"|ap photo|epa-efe)\b",
    _I,
)
#: Embedded video or article teasers glued into the text ("...?par franceinfoCette fois").
_EMBED = re.compile(r"[?!.]par [A-Z0-9]")
#: Bylines: "By Jane Doe", "Von Max Muster, Berlin", "Par Jean Dupont", "Autor: ...".
_BYLINE = re.compile(
    r"^\W*(?:(?P<by>by|von|par|por|di|door|av|af|przez|от)\s+(?P<name>\w)|"
    r"(?:autor(?:in)?|author|text|reporter|redaktion|rédaction|correspondent)\s*:)",
    _I,
)
#: Datelines and counters ("29 April 2021 Gelesen: 1012", "Updated 10:32 GMT").
_DATELINE = re.compile(
    r"^\W*(?:updated|published|posted|last modified|aktualisiert|veröffentlicht|stand|"
    r"mis à jour|publié le|actualizado|publicado|aggiornato|pubblicato)\b"
    r"|\b(?:gelesen|read|views|aufrufe|прочитано|просмотров|lu)\s*:\s*\d",
    _I,
)
#: Words besides numbers that a date or score line may have ("29 April 2021", "3:1 (1:0)").
_MAX_LABEL_WORDS = 3
_TIME_OR_NUMBER = re.compile(r"^\d[\d.:/,\-h]*$")
_TERMINATORS = frozenset(".!?…。！？")
_CLOSING_QUOTES = "\"'»«”“’)]"
_MIN_SHOUTING_LETTERS = 8
_CLOSERS = frozenset(",;:)]}")
_LEADING_QUOTES = re.compile(r"^[\"'«»„“”‘’‚‹›\s]+")


def grade(
    sentences: Sequence[str], words: Sequence[Sequence[str]], title_words: Sequence[str] = ()
) -> list[int]:
    """Return ``GOOD``, ``WEAK`` or ``BAD`` for each sentence.

    Args:
        sentences: sentence texts.
        words: their word tokens.
        title_words: the headline's word tokens (same tokenizer); sentences repeating it are
            ``BAD``.
    """
    grader = Grader(title_words)
    return [grader(s, ws) for s, ws in zip(sentences, words, strict=True)]


class Grader:
    """Grades sentences of one article; built once per article for its headline."""

    __slots__ = ("_title",)

    def __init__(self, title_words: Sequence[str] = ()) -> None:
        self._title = {w.lower() for w in title_words}

    def __call__(self, sentence: str, words: Sequence[str]) -> int:
        """Return ``GOOD``, ``WEAK`` or ``BAD`` for one sentence and its word tokens."""
        return _grade(sentence, words, self._title)


def _grade(sentence: str, words: Sequence[str], title_words: set[str]) -> int:
    # Cheap checks first and the long-sentence path short: most sentences are fine.
    text = sentence.strip()
    count = len(words)
    if count == 0 or _READ_MORE.match(text) or _is_shouting(text):
        return BAD
    if "par " in text and _EMBED.search(text):
        return BAD
    if count <= _SHORT_WORDS and (
        _ADVERT.match(text)
        or _CREDIT.search(text)
        or _is_byline(text)
        or _DATELINE.search(text)
        or _is_mostly_numbers(words)
    ):
        return BAD
    if count <= _MAX_PROMPT_WORDS:
        lowered = text.lower()
        if any(prompt in lowered for prompt in _CALL_TO_ACTION):
            return BAD
    if (
        title_words
        and count <= 2 * len(title_words)
        and _jaccard({w.lower() for w in words}, title_words) >= _TITLE_DUPLICATE
    ):
        return BAD
    if count < _MIN_WORDS or _opens_mid_sentence(text) or text.endswith((":", ",", ";")):
        return WEAK
    if count <= _MAX_UNPUNCTUATED_WORDS and text.rstrip(_CLOSING_QUOTES)[-1:] not in _TERMINATORS:
        return WEAK
    return GOOD


def _is_byline(text: str) -> bool:
    match = _BYLINE.match(text)
    if match is None:
        return False
    name = match.group("name")
    return name is None or name.isupper()


def _opens_mid_sentence(text: str) -> bool:
    """A continuation: starts with punctuation that closes, or (after quotes) lower case.

    Quote characters alone say nothing: "»" opens a quote in German and closes one in French.
    """
    if text[:1] in _CLOSERS:
        return True
    rest = _LEADING_QUOTES.sub("", text, count=1)
    return not rest or rest[0].islower()


def _is_mostly_numbers(words: Sequence[str]) -> bool:
    """Dates, scores and tables: at least half the tokens are numbers and few words remain."""
    if len(words) > 2 * _MAX_LABEL_WORDS:
        return False
    numbers = sum(1 for w in words if _TIME_OR_NUMBER.match(w))
    return numbers * 2 >= len(words) and len(words) - numbers <= _MAX_LABEL_WORDS


def _is_shouting(text: str) -> bool:
    """All-caps labels ("BREAKING NEWS", "ADVERTISEMENT"); acronyms in normal text are fine."""
    return text.isupper() and sum(1 for c in text if c.isalpha()) >= _MIN_SHOUTING_LETTERS


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0
