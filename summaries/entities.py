"""Find the people, places, organisations and topics an article is about.

No trained model: the evidence is capitalisation in context, word frequencies (wordfreq),
Snowball stems, a place table (data/places.tsv) and small stop and title lists.

The hard case is German, which capitalises every noun. There a capitalised word counts as a
name only with more evidence: it is common in *English* text too (names travel between
languages, "Präsident" and "Bedeutung" do not), it follows a title ("Präsident Ilham
Aliyev"), it is part of a multi-word name, and it does not follow an article ("der Sinn").

Scores are weighted mention counts, title mentions count extra. Variants of one name
("Путина"/"Путин", "Maduros"/"Maduro") and lone first or last names ("Aliyev" after "Ilham
Aliyev") are merged into one candidate.
"""

from __future__ import annotations

import itertools
import operator
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import Any, NamedTuple

from summaries.dates import _MONTH_OF
from summaries.lexicons import RARE, fold, stem, stop_words, zipf
from summaries.places import normalise_name, places, prefix_index, russian_place, stem_index
from summaries.tag_keys import tag_key

__all__ = ["Entity", "extract_entities"]

_WORD = re.compile(r"[^\W_](?:[\w'’.&+-]*[^\W_])?")
_SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+|\n+")
_CAPITAL = re.compile(r"[^\W\d_]")
_ROMAN = re.compile(r"^[IVXLC]+$")
_ELISION = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|dell|dall|nell|sull|all)['’]", re.I)
_ELIDING_LANGS = frozenset({"fr", "it", "ca"})
_CYRILLIC = re.compile(r"^[Ѐ-ӿ]")
# Month names in every language the date parser knows: "July" is capitalised, not a tag.
_CALENDAR_WORDS = frozenset(name for name in _MONTH_OF if len(name) > 3)
_CONTRACTION = re.compile(r"^\w{1,5}['’](?:ve|m|re|ll|d|t|s)$", re.IGNORECASE)
# Inflections that mark verbs, participles, adverbs and adjectives: not topics.
_NOT_TOPIC = {
    "en": re.compile(r"(?:ed|ing|ly|ous|ful|ive|able|ible)$"),
    "fr": re.compile(
        r"(?:ant|ante|ants|antes|é|ée|és|ées|ait|aient|ent|er|ir|eux|euse|ique|iques|able|ables)$"
    ),
    "ru": re.compile(
        r"(?:ть|ться|л|ла|ло|ли|лся|лась|лись|ет|ют|ит|ят|ый|ий|ой|ая|яя|ое|ее|ые|ие|ого|его|ому|ему|ым|им|ых|их|ую|юю)$"
    ),
}

# Lower-case particles inside names: "Ursula von der Leyen", "Bank of England".
_CONNECTORS = frozenset({"von", "van", "zu", "de", "da", "del", "della", "di", "du", "bin",
                         "ibn", "al", "el", "of"})  # fmt: skip
# Articles inside names only after another particle: "von der", "van den", "de la".
_CONNECTORS_AFTER = frozenset({"der", "den", "des", "la", "las", "los", "le"})
_PARTICLES = _CONNECTORS | _CONNECTORS_AFTER
# German words after which a capitalised word is a common noun: "der Sinn", "im Griff".
_GERMAN_DETERMINERS = frozenset(
    {
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einer", "einem", "einen",
        "eines", "kein", "keine", "keiner", "keinem", "keinen", "keines", "im", "am", "zum",
        "zur", "vom", "beim", "ins", "ans", "aufs", "mein", "meine", "sein", "seine", "seinen",
        "seinem", "seiner", "ihr", "ihre", "ihren", "ihrem", "ihrer", "unser", "unsere",
        "dieser", "diese", "dieses", "diesem", "diesen", "jeder", "jede", "jedes", "jeden",
        "viele", "vielen", "mehr", "alle", "allen",
    }
)  # fmt: skip
_GERMAN_PLACE_PREPOSITIONS = frozenset(
    {"in", "nach", "aus", "von", "bei", "über", "gegen", "bis", "ab", "durch"}
)
_TITLE_SUFFIXES = re.compile(
    r"(?:minister|ministerin|präsident|präsidentin|präsidenten|kanzler|kanzlerin|chef|chefin"
    r"|sekretär|sekretärin|sprecher|sprecherin|vorsitzende|vorsitzender|vorsitzenden|direktor"
    r"|direktorin|führer|führerin|botschafter|botschafterin|leiter|leiterin|gründer"
    r"|gründerin|trainer|trainerin|experte|expertin|ökonom|ökonomin|forscher|forscherin"
    r"|analyst|analystin|anwalt|anwältin|richter|richterin|autor|autorin|reporter|reporterin)$",
    re.IGNORECASE,
)
_GERMAN_NOUN_SUFFIX = re.compile(
    r"\w{4}(?:ung|ungen|heit|heiten|keit|keiten|schaft|schaften|tion|tionen|ität|itäten|ismus"
    r"|arbeit|arbeiten|gebiet|gebiete|gebieten|zeit|politik|gruppe|gruppen|prozess|prozesse)$"
)
_COMPOUND_MIN = 10  # German words this long are checked for a common noun at their end
_COMPOUND_HEAD_MIN = 5

# Demonyms and adjectives the stem rules below cannot map to their country.
_IRREGULAR = {
    "de": {
        "russ": "russia", "russisch": "russia", "franzos": "france", "brit": "united kingdom",
        "britisch": "united kingdom", "englander": "united kingdom", "syr": "syria",
        "syrisch": "syria", "ind": "india", "indisch": "india", "afghan": "afghanistan",
        "griech": "greece", "griechisch": "greece", "schwed": "sweden", "schwedisch": "sweden",
        "dan": "denmark", "danisch": "denmark", "finn": "finland", "finnisch": "finland",
        "ungar": "hungary", "ungarisch": "hungary", "polnisch": "poland",
        "niederland": "netherlands", "niederlandisch": "netherlands",
        "saudisch": "saudi arabia", "palastinens": "palestine", "palastinensisch": "palestine",
        "israelis": "israel", "schweiz": "switzerland", "schweizerisch": "switzerland",
    },
    "en": {
        "german": "germany", "french": "france", "british": "united kingdom",
        "briton": "united kingdom", "dutch": "netherlands", "swiss": "switzerland",
        "turk": "turkey", "turkish": "turkey", "greek": "greece", "swede": "sweden",
        "swedish": "sweden", "dane": "denmark", "danish": "denmark", "finn": "finland",
        "finnish": "finland", "pole": "poland", "polish": "poland", "spaniard": "spain",
        "spanish": "spain", "irish": "ireland", "afghan": "afghanistan", "saudi": "saudi arabia",
        "czech": "czech republic", "thai": "thailand", "filipino": "philippines",
        "palestinian": "palestine", "scottish": "united kingdom", "welsh": "united kingdom",
        "english": "united kingdom", "isra": "israel",
    },
    "fr": {
        "franc": "france", "francais": "france", "allemand": "germany",
        "britann": "united kingdom", "britanniqu": "united kingdom", "anglais": "united kingdom",
        "espagnol": "spain", "grec": "greece", "grecqu": "greece", "turc": "turkey",
        "turqu": "turkey", "suiss": "switzerland", "belg": "belgium", "afghan": "afghanistan",
        "palestinien": "palestine", "americain": "united states",
    },
    "ru": {
        "армянск": "armenia", "армянин": "armenia", "армян": "armenia",
        "французск": "france", "немецк": "germany", "британск": "united kingdom",
        "турецк": "turkey", "грузинск": "georgia", "польск": "poland",
        "сирийск": "syria", "белорусск": "belarus",
    },
}  # fmt: skip
# Endings of demonyms and adjectives, cut from their stems: "armenisch" -> "armen",
# "ukrainian" -> "ukrain", "arménien" -> "armen", "российск" -> "росс".
_DERIVED_SUFFIXES = {
    "de": ("esisch", "anisch", "isch", "ian", "an", "ier", "es", "er", "en", "is", "e", "i"),
    "en": ("ians", "ian", "ean", "ans", "an", "ese", "es", "is", "i", "n", "s"),
    "fr": ("iennes", "ienne", "iens", "ien", "een", "ains", "aine", "ain", "ois", "oise", "es",
           "e", "n"),
    "ru": ("ийск", "анск", "ейск", "ьск", "нск", "ск", "анц", "иян", "ц"),
}  # fmt: skip
# German adjectives that would tag every domestic article with its own country.
_DERIVED_SKIP = frozenset({"deutsch", "deutsche", "deutschen", "deutscher", "deutsches"})

# Weights of one mention by kind of evidence.
_W_PLACE = 1.0
_W_PLACE_IN_COMPOUND = 0.7  # "US" in "US-Außenminister"
_W_DEMONYM = 0.8  # "Armeniern", "Ukrainians"
_W_ADJECTIVE = 0.4  # "armenisch-aserbaidschanischen", "российского"
_W_NAME = 1.25  # a multi-word name
_W_ACRONYM = 0.9
_W_SINGLE = 0.8
_W_TOPIC = 0.5
_TITLE_BONUS = 1.0
_COMMON_AT_START = 5.5  # a sentence-initial word this frequent is not a name
_MAX_NAME_WORDS = 5


@dataclass
class Entity:
    """A tag candidate: its display forms, evidence and score.

    ``kind`` is place, name, acronym, topic, or part: a lone capitalised word that only
    counts if it completes a full name found elsewhere (a surname starting a sentence).
    """

    key: str
    kind: str
    forms: Counter[str] = field(default_factory=Counter)
    score: float = 0.0
    first: int = 1 << 30
    mentions: int = 0
    determined: int = 0  # German mentions after an article: a sign of a common noun

    @property
    def display(self) -> str:
        if len(self.forms) == 1:  # the usual case, asked often while merging
            return next(iter(self.forms))
        best = self.forms.most_common(1)[0][0]
        if self.kind in ("name", "part") and len(self.forms) > 1:
            # Inflected variants of one name: the base form is usually the shortest.
            shortest = min(self.forms, key=_base_form_rank)
            if all(_same_name(shortest, form) for form in self.forms):
                return shortest
        return best

    def add(self, form: str, weight: float, position: int, in_title: bool) -> None:
        self.forms[form] += 1
        self.score += weight + (_TITLE_BONUS if in_title else 0.0)
        self.mentions += 1
        self.first = min(self.first, position)


class _Token(NamedTuple):
    """A word of a sentence (a tuple: made for every word, so it must be cheap).

    All fields but the last three depend on the word alone and come from `_word`.
    """

    text: str
    lower: str  # text.casefold()
    capitalised: bool
    acronym: bool
    norm: str  # normalise_name(text)
    stem: str  # only for capitalised words
    longest: int  # the most words of a place name starting with this word
    derived: tuple[tuple[str, ...], float]  # places in compounds and demonyms, with weight
    topic: tuple[str, float] | None  # topic key and salience, if the word may be a topic
    name_word: bool  # may start or continue a name (if not a stop word starting a sentence)
    stop: bool  # a stop word of the language
    place_hint: bool  # a place name may start here (longest) or be derived from the word
    shift: int  # characters cut from the start of the matched word ("l'" in "l'Europe")
    start: int
    end: int
    initial: bool  # first word of its sentence


_new_token = tuple.__new__  # builds a _Token without a Python-level __new__ call
# Which tokens of a sentence can matter, found at C speed: most words are none of these.
_PLACE_HINTS = operator.attrgetter("place_hint")
_NAME_WORDS = operator.attrgetter("name_word")
_TOPICS = operator.attrgetter("topic")


def extract_entities(title: str, body: str, lang: str) -> list[Entity]:
    """Return tag candidates for an article, best first.

    Args:
        title: the headline.
        body: the article text.
        lang: ISO 639-1 code of the article's language.

    Returns:
        Candidates sorted by score, then by first position.
    """
    scanner = _Scanner(lang, title + "\n" + body)
    body_offset = len(title) + 1
    for sentence, start in _sentences(body):
        scanner.scan(sentence, body_offset + start, in_title=False)
    for sentence, start in _sentences(title):
        scanner.scan(sentence, start, in_title=True)
    scanner.merge()
    return sorted(scanner.found.values(), key=lambda e: (-e.score, e.first))


def _sentences(text: str) -> list[tuple[str, int]]:
    out = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if text[start : match.start()].strip():
            out.append((text[start : match.start()], start))
        start = match.end()
    if text[start:].strip():
        out.append((text[start:], start))
    return out


_NO_PLACES: tuple[tuple[str, ...], float] = ((), 0.0)
_WordInfo = tuple[Any, ...] | None  # the fields of `_Token` up to `shift`
_UNSEEN: _WordInfo = ("not seen yet",)
_MAX_KNOWN_WORDS = 100_000  # per language


@cache
def _known_words(lang: str) -> dict[str, _WordInfo]:
    """What `_word` found for each word of a language, up to `_MAX_KNOWN_WORDS` words.

    A plain dict rather than lru_cache: looked up for every word of every article, where
    lru_cache's key tuple and bookkeeping cost more than the lookup itself.
    """
    return {}


def _learn_word(raw: str, lang: str) -> _WordInfo:
    """Compute `_word` for a word not seen before and remember it (oldest half forgotten
    when full)."""
    known = _known_words(lang)
    if len(known) >= _MAX_KNOWN_WORDS:
        for old in list(itertools.islice(known, _MAX_KNOWN_WORDS // 2)):
            known.pop(old, None)  # another thread (the bot tags in worker threads) may race
    info = known[raw] = _word(raw, lang)
    return info


def _word(raw: str, lang: str) -> _WordInfo:
    """Return what the scanner knows about a matched word: the offset it was cut by and the
    fields of `_Token` before `start`; None for a word that is skipped. Called once per
    distinct word (see `_known_words`), so the helpers it calls are not cached themselves."""
    text, shift = raw.rstrip("'’"), 0
    if lang in _ELIDING_LANGS and (elided := _ELISION.match(text)):
        text, shift = text[elided.end() :], elided.end()
    if text.endswith(("'s", "’s")):
        text = text[:-2]
    if not text or _CONTRACTION.match(text):
        return None  # "I've", "we’re", "don't"
    capitalised, acronym, norm, word_stem = _features(text, lang)
    place_lang = _place_lang(lang)
    starts = _alias_starts(place_lang)
    longest = max(starts.get(norm, 0), starts.get(word_stem, 0))
    derived = _NO_PLACES if acronym else _derived_places(text, capitalised, lang, place_lang)
    lower = text.casefold()
    stop = lower in stop_words(lang)
    # Mid-sentence, a capitalised stop word is a name: "Ли Цян", "Theresa May" (not German).
    name_word = (
        capitalised
        and len(text) >= 2
        and not (stop and lang == "de")
        and lower not in _CALENDAR_WORDS
        and not _has_digit(lower)
    )
    topic = _topic(text, capitalised, word_stem, lang)
    fields = (text, lower, capitalised, acronym, norm, word_stem, longest, derived, topic)
    return (*fields, name_word, stop, bool(longest or derived[0]), shift)


def _place_lang(lang: str) -> str:
    """The language whose place names an article is matched against."""
    return lang if lang in places().aliases else "en"


def _features(text: str, lang: str) -> tuple[bool, bool, str, str]:
    """Return what the scanner needs to know about a word."""
    first = _CAPITAL.search(text)
    capitalised = bool(first and first.group().isupper())
    # A word with a lower-case letter is no acronym: skip the letter count (most words).
    letters = [] if text.islower() else [c for c in text if c.isalpha()]
    acronym = (
        2 <= len(letters) <= 6
        and all(c.isupper() for c in letters)
        and not _ROMAN.match(text)
        and not (len(letters) >= 5 and zipf(text.casefold(), lang) >= 3.5)  # "BUDGET"
    )
    # Stemming costs most; lower-case words are stemmed on demand, after cheaper filters.
    return capitalised, acronym, normalise_name(text), stem(text, lang) if capitalised else ""


class _Scanner:
    """Collect candidates sentence by sentence; holds what the whole text tells."""

    def __init__(self, lang: str, text: str) -> None:
        self.lang = lang
        self.place_lang = _place_lang(lang)
        self.stops = stop_words(lang)
        self.found: dict[str, Entity] = {}
        self.in_names: set[int] = set()  # text offsets of words inside capitalised runs
        self.text = text

    @cached_property
    def lower_words(self) -> frozenset[str]:
        """Words the text also writes in lower case: common words ("Sport" vs "sport").

        Only asked outside German, so found on first use.
        """
        return frozenset(w for w in set(_WORD.findall(self.text)) if not w[:1].isupper())

    # -- plumbing ---------------------------------------------------------------------------

    def _tokens(self, sentence: str) -> list[_Token]:
        tokens: list[_Token] = []
        lang = self.lang
        known = _known_words(lang).get
        for match in _WORD.finditer(sentence):
            raw = match.group()
            found = known(raw, _UNSEEN)
            if found is _UNSEEN:
                found = _learn_word(raw, lang)
            if found is not None:
                start, end = match.span()
                fields = (*found, start + found[-1], end, not tokens)
                tokens.append(_new_token(_Token, fields))
        return tokens

    def _add(self, key: str, kind: str, form: str, weight: float, pos: int, title: bool) -> Entity:
        entity = self.found.get(key)
        if entity is None:
            entity = self.found[key] = Entity(key=key, kind=kind)
        elif entity.kind == "part" and kind == "name":
            entity.kind = "name"
        entity.add(form, weight, pos, title)
        return entity

    def scan(self, sentence: str, offset: int, *, in_title: bool) -> None:
        tokens = self._tokens(sentence)
        used = [False] * len(tokens)
        self._places(sentence, tokens, used, offset, in_title)
        if in_title and self.lang != "de" and _is_title_case(tokens, self.stops):
            # "Biden Meets Zelensky In Washington": capitals say nothing; only confirm
            # names the body has.
            self._confirm_in_title(sentence, offset)
            return
        self._names(sentence, tokens, used, offset, in_title)
        self._topics(tokens, used, offset, in_title)

    def _confirm_in_title(self, sentence: str, offset: int) -> None:
        for entity in list(self.found.values()):
            if entity.kind in ("name", "acronym") and entity.display in sentence:
                entity.add(entity.display, _W_SINGLE, offset, True)

    # -- places -----------------------------------------------------------------------------

    def _places(
        self, sentence: str, tokens: list[_Token], used: list[bool], offset: int, title: bool
    ) -> None:
        aliases = places().aliases[self.place_lang]
        stems = stem_index(self.place_lang)
        count = len(tokens)
        next_free = 0  # the first token after the last place name found
        for i in itertools.compress(range(count), map(_PLACE_HINTS, tokens)):
            if i < next_free:
                continue
            token = tokens[i]
            for n in range(min(token.longest, count - i), 0, -1):
                window = tokens[i : i + n]
                if not any(t.capitalised for t in window) or _has_break(sentence, window):
                    continue
                key = aliases.get(" ".join(t.norm for t in window)) or stems.get(
                    " ".join(t.stem or stem(t.text, self.lang) for t in window)
                )
                if key is not None:
                    self._add_place(key, _W_PLACE, offset + token.start, title)
                    used[i : i + n] = [True] * n
                    next_free = i + n
                    break
            else:
                keys, weight = token.derived
                for key in keys:
                    self._add_place(key, weight, offset + token.start, title)
                used[i] = bool(keys) and weight > _W_ADJECTIVE

    def _add_place(self, key: str, weight: float, pos: int, title: bool) -> None:
        form = places().display_name(key, self.place_lang)
        self._add(key, "place", form, weight, pos, title)

    # -- names ------------------------------------------------------------------------------

    def _names(
        self, sentence: str, tokens: list[_Token], used: list[bool], offset: int, title: bool
    ) -> None:
        count = len(tokens)
        i = 0  # the first token after the last run
        for k in itertools.compress(range(count), map(_NAME_WORDS, tokens)):
            token = tokens[k]
            if k < i or used[k] or (token.initial and token.stop):
                continue
            run = [token]
            i = k + 1
            while i < count:
                token = tokens[i]
                if sentence[run[-1].end : token.start].strip():
                    break  # punctuation ends a name; this word may start the next one
                if used[i] or not self._continues_name(token, run):
                    break
                run.append(token)
                i += 1
            self._name(run, tokens, offset, title)

    @staticmethod
    def _continues_name(token: _Token, run: list[_Token]) -> bool:
        """Tell whether a word continues a capitalised run (a capitalised word or a particle)."""
        if token.capitalised:
            return token.name_word and not (token.initial and token.stop)
        lower = token.lower
        return len(token.text) >= 2 and (
            lower in _CONNECTORS or (lower in _CONNECTORS_AFTER and run[-1].lower in _CONNECTORS)
        )

    def _name(self, run: list[_Token], tokens: list[_Token], offset: int, title: bool) -> None:
        self.in_names.update(t.start + offset for t in run)
        for part in self._split_run(run):
            self._name_part(part, tokens, offset, title)

    def _split_run(self, run: list[_Token]) -> list[list[_Token]]:
        """Split runs that join two things: "Jakutien von Moskau", "Maduros Entführung"."""
        pieces: list[list[_Token]] = [[]]
        for k, token in enumerate(run):
            lower = token.lower
            if lower in _CONNECTORS and pieces[-1] and self.lang == "de":
                # German "von" belongs to names only after a first name: "Ursula von der".
                first = pieces[-1][0].lower
                if len(pieces[-1]) != 1 or zipf(first, "en") < RARE:
                    pieces.append([])
                    continue
            if lower in _PARTICLES and not pieces[-1]:
                continue
            pieces[-1].append(token)
            nxt = run[k + 1] if k + 1 < len(run) else None
            if (
                self.lang == "de"
                and nxt is not None
                and lower.endswith("s")
                and lower not in _first_names()
                and _german_common_noun(nxt.text)
            ):
                pieces.append([])  # a genitive name before a noun: "Chinas Führung"
        return [p for p in pieces if p]

    def _name_part(self, run: list[_Token], tokens: list[_Token], offset: int, title: bool) -> None:
        while run and run[-1].lower in _PARTICLES:
            run = run[:-1]
        # A first name starts the name: "Labour Robin Cook", "Blairite Alan Milburn".
        first_names = _first_names()
        firsts = [k for k, t in enumerate(run[1:-1], 1) if t.lower in first_names]
        if len(run) >= 3 and firsts and run[0].lower not in first_names:
            run = run[firsts[0] :]
        # Titles end where the name starts: "Senate Majority Leader Chuck Schumer".
        titles = [k for k, t in enumerate(run[:-1]) if _is_title(t.text)]
        after_title = bool(titles)
        if titles:
            run = run[titles[-1] + 1 :]
        while run and not run[0].acronym and self._leading_noise(run[0], len(run), tokens):
            after_title = _is_title(run[0].text)
            run = run[1:]
        if self.lang == "de":
            while len(run) > 1 and _german_trailing_noun(run[-1].text):
                run = run[:-1]
        while run and run[0].lower in _PARTICLES:
            run = run[1:]
        # Capitalised stop words belong to names only inside them ("Theresa May").
        while run and run[0].lower in self.stops and (run[0].initial or len(run) == 1):
            run = run[1:]
        while run and run[-1].lower in self.stops and len(run) > 1 and self.lang != "en":
            run = run[:-1]
        if not run or len(run) > _MAX_NAME_WORDS:
            return
        pos = offset + run[0].start
        if len(run) > 1:
            form = " ".join(t.text for t in run)
            self._add(tag_key(form), "name", form, _W_NAME, pos, title)
            return
        token = run[0]
        if token.acronym and len(token.text) <= 8:
            self._add(tag_key(token.text), "acronym", token.text, _W_ACRONYM, pos, title)
            return
        kind = "name" if after_title else self._single_kind(token, tokens)
        if kind and token.lower in first_names:
            kind = "part"  # "Trainer Jürgen" alone names nobody
        if kind:
            entity = self._add(tag_key(token.text), kind, token.text, _W_SINGLE, pos, title)
            if self.lang == "de" and not after_title and self._determined(token, tokens):
                entity.determined += 1

    def _determined(self, token: _Token, tokens: list[_Token]) -> bool:
        """Tell whether a German word follows an article or an inflected adjective
        ("der Sinn", "große Angst"): then it is a common noun, not a name."""
        index = tokens.index(token)
        if index == 0:
            return False
        before = tokens[index - 1].text
        lower = before.casefold()
        return lower in _GERMAN_DETERMINERS or (
            not tokens[index - 1].capitalised
            and before.isalpha()
            and len(before) >= 4
            and lower.endswith(("e", "en", "er", "es", "em"))
        )

    def _leading_noise(self, token: _Token, length: int, tokens: list[_Token]) -> bool:
        """Tell whether the first word of a capitalised run is a title, a common noun or a
        sentence start rather than part of the name after it."""
        if _is_title(token.text):
            return True
        if self.lang == "de":
            # Many German first names are as rare in English text as German nouns.
            if length == 1 or token.lower in _first_names():
                return False  # a lone word is judged by _single_kind
            return _german_common_noun(token.text, compounds=True) or _german_trailing_noun(
                token.text
            )
        if token.initial and length > 1:
            lower = token.lower
            not_name = _NOT_TOPIC.get(self.lang)  # "Entering Westminster"
            return (
                lower in self.lower_words
                or zipf(lower, self.lang) >= _COMMON_AT_START
                or bool(not_name and not_name.search(lower))
            )
        return False

    def _single_kind(self, token: _Token, tokens: list[_Token]) -> str | None:
        """Classify a lone capitalised word: "name", "part" or None."""
        if "." in token.text:
            return None
        lower = token.lower
        if self.lang == "de":
            common = _german_common_noun(token.text, cognates=False)
            if common or zipf(lower, "en") >= _COMMON_AT_START:
                return "part"
            if _german_common_noun(token.text):
                # A cognate: "Paris" or "Region"? Places follow bare prepositions ("in
                # Paris"), nouns take an article ("in der Region").
                index = tokens.index(token)
                before = tokens[index - 1].lower if index else ""
                return "name" if before in _GERMAN_PLACE_PREPOSITIONS else "part"
            if lower in _first_names():
                return "part"
            return "part" if token.initial and zipf(lower, self.lang) > 4.0 else "name"
        if lower in self.lower_words:
            return None
        if token.initial and zipf(lower, self.lang) >= RARE:
            return "part"
        return "name"

    # -- topics -----------------------------------------------------------------------------

    def _topics(self, tokens: list[_Token], used: list[bool], offset: int, title: bool) -> None:
        """Count rare content words: "Friedensmission", "broadband", "инфляция"."""
        for i in itertools.compress(range(len(tokens)), map(_TOPICS, tokens)):
            if used[i]:
                continue
            token = tokens[i]
            topic = token.topic
            if topic is None:  # compress() already kept only tokens with a topic
                continue
            in_name = offset + token.start in self.in_names
            if in_name and not _german_common_noun(token.text, compounds=True):
                continue  # a German name, not a topic
            key, salience = topic
            self._add(key, "topic", token.text, _W_TOPIC * salience, offset + token.start, title)

    # -- merging ----------------------------------------------------------------------------

    def merge(self) -> None:
        """Merge variants of a name, then lone first or last names into full names; drop
        lone words that were never more than a part of a name or were mostly common nouns."""
        names = sorted(
            (e for e in self.found.values() if e.kind in ("name", "part")),
            key=lambda e: (-e.mentions, len(e.display)),
        )
        groups: dict[tuple[int, str], list[Entity]] = {}
        for entity in names:  # only names of equal length and initials can be variants
            groups.setdefault(_variant_group(entity.display), []).append(entity)
        for entity in names:
            if entity.key not in self.found:
                continue
            group = groups[_variant_group(entity.display)]
            for other in group[group.index(entity) + 1 :]:
                if other.key in self.found and _same_name(entity.display, other.display):
                    self._fold(other, entity, keep_forms=True)
        multi = [e for e in self.found.values() if e.kind == "name" and " " in e.display]
        by_part: dict[str, Entity] = {}
        for entity in sorted(multi, key=lambda e: e.score):
            words = entity.display.split()
            by_part[tag_key(words[0])] = entity
            by_part[tag_key(words[-1])] = entity
        for entity in list(self.found.values()):
            if entity.kind in ("name", "acronym", "part") and " " not in entity.display:
                key = entity.key
                target = by_part.get(key)
                if target is None and key.endswith("s") and self.lang == "de":
                    # A genitive: "Maduros" -> "Nicolás Maduro" or a lone "Maduro".
                    target = by_part.get(key[:-1]) or self.found.get(key[:-1])
                if target is not None and target is not entity:
                    self._fold(entity, target, keep_forms=False)
        if self.lang == "de":
            self._fold_genitive_phrases(by_part)
        for key, entity in list(self.found.items()):
            if entity.kind == "part" or (
                entity.kind == "name" and 2 * entity.determined >= entity.mentions
            ):
                del self.found[key]

    def _fold_genitive_phrases(self, by_part: dict[str, Entity]) -> None:
        """Fold "Maduros Lager" into "Maduro": a genitive name and the noun it governs."""
        for entity in list(self.found.values()):
            words = entity.display.split()
            if entity.kind != "name" or len(words) != 2 or not words[0].endswith("s"):
                continue
            base = tag_key(words[0][:-1])
            target = by_part.get(base) or self.found.get(base)
            if target is not None and target is not entity:
                self._fold(entity, target, keep_forms=False)

    def _fold(self, source: Entity, target: Entity, *, keep_forms: bool) -> None:
        target.score += source.score
        target.mentions += source.mentions
        target.determined += source.determined
        if keep_forms:
            target.forms.update(source.forms)
        if source.kind == "name":
            target.kind = "name"
        target.first = min(target.first, source.first)
        del self.found[source.key]


def _topic(text: str, capitalised: bool, word_stem: str, lang: str) -> tuple[str, float] | None:
    """The topic key and salience of a word that may be a topic (rare content words), once
    per word; whether it sits inside a name is for the caller to check."""
    if len(text) < 5 or not text.isalpha():
        return None
    if (lang == "de") != capitalised:
        return None  # German topics are nouns, which German capitalises; others not
    if text.casefold() in stop_words(lang) or _is_title(text):
        return None
    not_topic = _NOT_TOPIC.get(lang)
    if not_topic and not_topic.search(text.casefold()):
        return None
    rarity = zipf(text.casefold(), lang)
    if rarity > 4.5:
        return None
    salience = min(1.0, (4.5 - max(rarity, RARE)) / 1.5)
    return "~" + (word_stem or stem(text, lang)), salience  # "~": not a name key


def _base_form_rank(form: str) -> tuple[int, int]:
    """Order name variants so the likely base form comes first: shortest, and among Russian
    forms of equal length the one without an oblique case ending ("Москва" before "Москве")."""
    oblique = bool(_CYRILLIC.match(form)) and form.endswith(("е", "у", "ю", "ой", "ом", "ы", "и"))
    return len(form), int(oblique)


def _variant_group(display: str) -> tuple[int, str]:
    words = display.split()
    return len(words), "".join(w[:2] for w in words)


def _is_title_case(tokens: list[_Token], stops: frozenset[str]) -> bool:
    words = [t for t in tokens if t.lower not in stops and t.text.isalpha()]
    return len(words) >= 3 and sum(t.capitalised for t in words) >= 0.75 * len(words)


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _same_name(a: str, b: str) -> bool:
    """Tell whether two names differ only by inflection: "Си Цзиньпин"/"Си Цзиньпином"."""
    wa, wb = a.split(), b.split()
    if len(wa) != len(wb):
        return False
    for x, y in zip(wa, wb, strict=True):
        if x == y:
            continue
        short, long = sorted((x, y), key=len)
        if _CYRILLIC.match(x):
            if len(_common_prefix(x, y)) < max(3, len(long) - 3):
                return False
        elif not (long.startswith(short) and len(long) - len(short) <= 2 and len(short) >= 4):
            return False
    return True


def _common_prefix(a: str, b: str) -> str:
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:i]


@cache
def _alias_starts(lang: str) -> dict[str, int]:
    """Map the first word (and its stem) of each place name to the most words such a name has."""
    starts: dict[str, int] = {}
    for name in places().aliases[lang]:
        words = name.split(" ")
        for first in (words[0], stem(words[0], lang)):
            starts[first] = max(starts.get(first, 0), len(words))
    return starts


def _has_break(sentence: str, window: list[_Token]) -> bool:
    """Tell whether punctuation separates the tokens of a window."""
    return any(sentence[a.end : b.start].strip() for a, b in itertools.pairwise(window))


@cache
def _derived_heads(lang: str) -> frozenset[str]:
    """The first four letters of every stem that _derived_place can map to a place."""
    irregular = _IRREGULAR.get(lang, {})
    return frozenset(k[:4] for k in [*prefix_index(lang), *irregular] if len(k) >= 4) | frozenset(
        k[:4] for k in irregular
    )


def _derived_places(
    text: str, capitalised: bool, lang: str, place_lang: str
) -> tuple[tuple[str, ...], float]:
    """Find places in compounds ("US-Außenminister"), demonyms ("Armeniern") and
    adjectives ("armenisch-aserbaidschanischen", "российского") of a word that is not an
    acronym; once per word. Tuples, not lists: cached results that hold no list are
    left alone by the garbage collector."""
    aliases = places().aliases[place_lang]
    parts = text.split("-")
    if len(parts) > 1:
        keys = [aliases.get(normalise_name(p)) for p in parts if p[:1].isupper()]
        if any(keys):
            return tuple(k for k in keys if k), _W_PLACE_IN_COMPOUND
    if lang == "ru" and capitalised and (key := russian_place(text)):
        return (key,), _W_PLACE
    found: list[str] = []
    heads = _derived_heads(lang)
    for part in parts:
        if len(part) < 4 or fold(part[:4], lang) not in heads:
            continue  # cheap test first: no place name starts like this word
        if part.casefold() in _DERIVED_SKIP:
            continue
        key = _derived_place(stem(part, lang), lang)
        if key:
            found.append(key)
    if not found:
        return _NO_PLACES  # most words: one shared tuple, not one per word
    return tuple(found), _W_DEMONYM if capitalised else _W_ADJECTIVE


@lru_cache(maxsize=50_000)
def _derived_place(word_stem: str, lang: str) -> str | None:
    """Map the stem of a demonym or adjective to its country: "armeni" -> armenia."""
    if lang not in _DERIVED_SUFFIXES:
        return None
    irregular = _IRREGULAR[lang].get(word_stem)
    if irregular:
        return irregular
    prefixes = prefix_index(lang)
    key = prefixes.get(word_stem)
    if key:
        return key
    for suffix in _DERIVED_SUFFIXES[lang]:
        if word_stem.endswith(suffix) and len(word_stem) - len(suffix) >= 4:
            cut = word_stem[: -len(suffix)]
            key = _IRREGULAR[lang].get(cut) or prefixes.get(cut)
            if key:
                return key
    return None


@cache
def _first_names() -> frozenset[str]:
    return _word_list("first_names.txt")


@cache
def _title_words() -> frozenset[str]:
    return _word_list("titles.txt")


def _word_list(name: str) -> frozenset[str]:
    text = (resources.files("summaries") / "data" / name).read_text("utf-8")
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    return frozenset(word for line in lines for word in line.split())


@lru_cache(maxsize=50_000)
def _is_title(word: str) -> bool:
    """Tell whether a word is a title or role that precedes names ("Präsident", "Minister")."""
    lower = word.casefold()
    last = lower.rsplit("-", 1)[-1]  # "Editor-in-Chief", "Ex-Ministerin"
    return lower in _title_words() or last in _title_words() or bool(_TITLE_SUFFIXES.search(lower))


def _german_trailing_noun(word: str) -> bool:
    """Tell whether the last word of a German run is a noun after a name ("... Vorteil").

    Frequency alone is not enough here ("Anthony Blinken": "blinken" is a German verb).
    """
    lower = word.casefold()
    last = lower.rsplit("-", 1)[-1]
    return (
        _is_title(word)
        or bool(_GERMAN_NOUN_SUFFIX.search(lower))
        or (_german_common_noun(word) and zipf(lower, "de") >= 4.0)
        or (last != lower and len(last) >= 4 and _german_common_noun(last.capitalize()))
        or _german_compound(lower)
    )


@lru_cache(maxsize=100_000)
def _german_common_noun(word: str, compounds: bool = False, cognates: bool = True) -> bool:
    """Tell whether a capitalised German word is most likely a common noun, not a name.

    Names travel between languages, common nouns mostly do not: "Präsident" is frequent in
    German and nearly unseen in English, "Blinken" or "Merkel" are seen in both. With
    ``compounds``, long words ending in a common noun count too ("Onlinemarktplatz"); not
    for lone names, where it would catch "Steinmeier".
    """
    if _is_title(word):
        return True
    lower = word.casefold()
    own = zipf(lower, "de")
    other = zipf(lower, "en")
    if own >= RARE and own - other >= 2.0:
        return True  # a German word, rarely seen in English text
    if cognates and own >= 4.3 and other >= 4.3:
        return True  # a cognate such as "Region" or "Sport" (or "Paris")
    if _GERMAN_NOUN_SUFFIX.search(lower):
        return True
    return compounds and _german_compound(lower)


def _german_compound(lower: str) -> bool:
    """Tell whether a long German word ends in a common noun: "onlinemarktplatz"."""
    if len(lower) < _COMPOUND_MIN:
        return False
    for cut in range(3, len(lower) - _COMPOUND_HEAD_MIN + 1):
        head = lower[cut:]
        if zipf(head, "de") >= 3.5 and zipf(head, "de") - zipf(head, "en") >= 1.0:
            return True
    return False
