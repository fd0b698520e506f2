"""Find the people, places, organisations and topics an article is about.

No trained model: the evidence is capitalisation in context, word frequencies (wordfreq),
lemmas (simplemma), a place table (data/places.tsv) and small stop and title lists. The
main difficulty is German, which capitalises every noun; there a capitalised word counts as
a name only with more evidence: it is unknown to the German dictionary, it is common in
*English* text too (names travel between languages, "Präsident" or "Bedeutung" do not), it
follows a title ("Präsident Ilham Aliyev"), or it is part of a multi-word name.

Scores are weighted mention counts; title mentions count extra. Candidates that share a tag
key (inflections, the same place in two spellings) or a surname ("Aliyev" after "Ilham
Aliyev") are merged.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

from summaries.lexicons import is_known, lemma, stop_words, zipf
from summaries.places import normalise_name, places
from summaries.tag_keys import tag_key

__all__ = ["Entity", "extract_entities"]

_WORD = re.compile(r"[^\W_](?:[\w'’.&+-]*[^\W_])?")
_SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+|\n+")
_CAPITAL = re.compile(r"[^\W\d_]")
# Lower-case particles inside names: "Ursula von der Leyen", "Bank of England".
_CONNECTORS = frozenset(
    ["von", "van", "zu", "de", "da", "del", "della", "di", "du", "bin", "ibn", "al", "el", "of"]
)
# Articles inside names only after another particle: "von der", "van den", "de la".
_CONNECTORS_AFTER = frozenset(["der", "den", "des", "la", "las", "los", "le"])
_TITLE_SUFFIXES = re.compile(
    r"(?:minister|ministerin|präsident|präsidentin|präsidenten|kanzler|kanzlerin|chef|chefin"
    r"|sekretär|sekretärin|sprecher|sprecherin|vorsitzende|vorsitzender|vorsitzenden|direktor"
    r"|direktorin|führer|führerin|meister|meisterin|botschafter|botschafterin|general|leiter"
    r"|leiterin|gründer|gründerin|trainer|trainerin|star|experte|expertin|ökonom|ökonomin)$",
    re.IGNORECASE,
)
# Demonyms that no suffix rule turns into the country (the rules in _DEMONYM_SUFFIXES do
# "Armenier" -> "Armenien", "Ukrainians" -> "Ukraine", "Américains" -> "Amérique").
_IRREGULAR_DEMONYMS = {
    "de": {
        "russe": "russia", "franzose": "france", "brite": "united kingdom",
        "engländer": "united kingdom", "syrer": "syria", "inder": "india",
        "afghane": "afghanistan", "grieche": "greece", "schwede": "sweden", "däne": "denmark",
        "finne": "finland", "ungar": "hungary", "tscheche": "czech republic",
        "kroate": "croatia", "serbe": "serbia", "pole": "poland", "deutsche": "germany",
        "israeli": "israel",
    },
    "en": {
        "german": "germany", "french": "france", "british": "united kingdom",
        "briton": "united kingdom", "dutch": "netherlands", "swiss": "switzerland",
        "turk": "turkey", "turkish": "turkey", "greek": "greece", "swede": "sweden",
        "swedish": "sweden", "dane": "denmark", "danish": "denmark", "finn": "finland",
        "finnish": "finland", "pole": "poland", "polish": "poland", "spaniard": "spain",
        "spanish": "spain", "irish": "ireland", "afghan": "afghanistan", "saudi": "saudi arabia",
        "czech": "czech republic", "thai": "thailand", "filipino": "philippines",
        "palestinian": "palestine", "israeli": "israel", "scottish": "united kingdom",
        "welsh": "united kingdom", "english": "united kingdom",
    },
    "fr": {
        "français": "france", "française": "france", "allemand": "germany",
        "allemande": "germany", "britannique": "united kingdom", "anglais": "united kingdom",
        "anglaise": "united kingdom", "israélien": "israel", "israélienne": "israel",
        "espagnol": "spain", "espagnole": "spain", "grec": "greece", "grecque": "greece",
        "turc": "turkey", "turque": "turkey", "suisse": "switzerland", "belge": "belgium",
        "afghan": "afghanistan", "afghane": "afghanistan", "palestinien": "palestine",
        "palestinienne": "palestine",
    },
}  # fmt: skip
_DEMONYM_SUFFIXES = {
    "de": ("ianer", "aner", "enser", "esen", "ese", "ier", "ner", "er", "en", "e", "i", "n"),
    "en": ("ians", "ian", "ans", "an", "ese", "ean", "is", "i", "n", "s"),
    "fr": ("iennes", "ienne", "iens", "ien", "ains", "aine", "ain", "ois", "oise", "es", "e", "n"),
}
# Lower-case adjectives and (Russian) nouns of origin: "armenisch-aserbaidschanischen",
# "américaine", "российского", "украинцы". Lemmatised first where the language allows.
_ADJECTIVE_SUFFIXES = {
    "de": tuple(
        stem + ending
        for stem in ("äisch", "esisch", "anisch", "isch")
        for ending in ("en", "e", "er", "es", "em", "")
    ),
    "fr": _DEMONYM_SUFFIXES["fr"],
    "ru": ("ийский", "анский", "ский", "анец", "анцы", "ец", "цы", "янин", "яне"),
}
_IRREGULAR_ADJECTIVES = {
    "de": {
        "russisch": "russia", "französisch": "france", "britisch": "united kingdom",
        "afghanisch": "afghanistan", "syrisch": "syria", "indisch": "india",
        "griechisch": "greece", "polnisch": "poland", "schwedisch": "sweden",
        "dänisch": "denmark", "finnisch": "finland", "niederländisch": "netherlands",
        "saudisch": "saudi arabia", "palästinensisch": "palestine", "schweizerisch": "switzerland",
    },
    "fr": _IRREGULAR_DEMONYMS["fr"],
    "ru": {
        "армянский": "armenia", "армянин": "armenia", "армяне": "armenia",
        "французский": "france", "немецкий": "germany", "британский": "united kingdom",
        "турецкий": "turkey", "израильский": "israel", "грузинский": "georgia",
        "польский": "poland", "иранский": "iran", "сирийский": "syria",
    },
}  # fmt: skip
_MIN_STEM = 4
_GERMAN_NOUN_SUFFIX = re.compile(
    r"\w{4}(?:ung|ungen|heit|heiten|keit|keiten|schaft|schaften|tion|tionen|ität|itäten|ismus"
    r"|arbeit|arbeiten|gebiet|gebiete|gebieten|zeit|politik|gruppe|gruppen|prozess|prozesse)$"
)

# Weights of one mention by kind of evidence.
_W_PLACE = 1.0
_W_PLACE_IN_COMPOUND = 0.7  # "US" in "US-Außenminister"
_W_DEMONYM = 0.8
_W_ADJECTIVE = 0.4  # "armenisch-aserbaidschanischen"
_W_NAME = 1.0
_W_MULTI_BONUS = 0.25  # multi-word names are rarely accidental
_W_ACRONYM = 0.9
_W_SINGLE = 0.8
_W_TOPIC = 0.5
_TITLE_BONUS = 1.0


@dataclass
class Entity:
    """A tag candidate: its display forms, evidence and score."""

    key: str
    kind: str  # place | name | acronym | topic
    forms: Counter[str] = field(default_factory=Counter)
    score: float = 0.0
    first: int = 1 << 30
    mentions: int = 0
    in_title: bool = False

    @property
    def display(self) -> str:
        best = self.forms.most_common(1)[0][0]
        if self.kind in ("name", "part") and len(self.forms) > 1:
            # Inflected variants of one name: the base form is usually the shortest.
            shortest = min(self.forms, key=len)
            if all(_same_name(shortest, form) for form in self.forms):
                return shortest
        return best

    def add(self, form: str, weight: float, position: int, in_title: bool) -> None:
        self.forms[form] += 1
        self.score += weight + (_TITLE_BONUS if in_title else 0.0)
        self.mentions += 1
        self.first = min(self.first, position)
        self.in_title = self.in_title or in_title


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: int
    end: int
    initial: bool  # first word of its sentence
    capitalised: bool
    acronym: bool
    norm: str  # normalise_name(text)
    lemma_norm: str  # normalise_name(lemma(text))


def _make_token(text: str, start: int, end: int, initial: bool, lang: str) -> _Token:
    first = _CAPITAL.search(text)
    letters = [c for c in text if c.isalpha()]
    return _Token(
        text=text,
        start=start,
        end=end,
        initial=initial,
        capitalised=bool(first and first.group().isupper()),
        acronym=2 <= len(letters) <= 6 and all(c.isupper() for c in letters),
        norm=normalise_name(text),
        lemma_norm=normalise_name(lemma(text, lang)),
    )


_ELISION = re.compile(r"^(?:[ldjmnstc]|qu|jusqu|lorsqu|puisqu|dell|dall|nell|sull|all)['’]", re.I)
_ELIDING_LANGS = frozenset({"fr", "it", "ca"})
_FUZZY_SCRIPT = re.compile(r"^[Ѐ-ӿ]")
_COMMON_AT_START = 5.5  # a sentence-initial word this frequent is not a name


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


class _Scanner:
    """Collect candidates sentence by sentence; holds what the whole text tells."""

    def __init__(self, lang: str, text: str) -> None:
        self.lang = lang
        self.place_lang = lang if lang in places().aliases else "en"
        self.stops = stop_words(lang)
        self.found: dict[str, Entity] = {}
        self.in_names: set[int] = set()  # text offsets of words inside capitalised runs
        # Words the text also writes in lower case are common words ("Sport" vs "sport").
        self.lower_words = frozenset(
            m.group() for m in _WORD.finditer(text) if not m.group()[:1].isupper()
        )

    # -- plumbing ---------------------------------------------------------------------------

    def _tokens(self, sentence: str) -> list[_Token]:
        tokens = []
        for match in _WORD.finditer(sentence):
            text, start = match.group().rstrip("'’"), match.start()
            if self.lang in _ELIDING_LANGS and (elided := _ELISION.match(text)):
                text, start = text[elided.end() :], start + elided.end()
            if text.endswith(("'s", "’s")):
                text = text[:-2]
            if text:
                tokens.append(_make_token(text, start, match.end(), not tokens, self.lang))
        return tokens

    def _add(self, key: str, kind: str, form: str, weight: float, pos: int, title: bool) -> None:
        entity = self.found.get(key)
        if entity is None:
            entity = self.found[key] = Entity(key=key, kind=kind)
        entity.add(form, weight, pos, title)

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
                entity.add(entity.display, _W_NAME, offset, True)

    # -- places -----------------------------------------------------------------------------

    def _places(
        self, sentence: str, tokens: list[_Token], used: list[bool], offset: int, title: bool
    ) -> None:
        aliases = places().aliases[self.place_lang]
        starts = _alias_starts(self.place_lang)
        i = 0
        while i < len(tokens):
            token = tokens[i]
            longest = max(starts.get(token.norm, 0), starts.get(token.lemma_norm, 0))
            for n in range(min(longest, len(tokens) - i), 0, -1):
                window = tokens[i : i + n]
                if not any(t.capitalised for t in window) or _has_break(sentence, window):
                    continue
                key = aliases.get(" ".join(t.norm for t in window)) or aliases.get(
                    " ".join(t.lemma_norm for t in window)
                )
                if key is not None:
                    self._add_place(key, _W_PLACE, offset + token.start, title)
                    used[i : i + n] = [True] * n
                    i += n
                    break
            else:
                keys = _compound_places(token.text, aliases)
                weight = _W_PLACE_IN_COMPOUND
                if not keys and token.capitalised:
                    keys, weight = _demonym(token, self.lang), _W_DEMONYM
                elif not keys:
                    keys, weight = _adjective_places(token.text, self.lang), _W_ADJECTIVE
                for key in keys:
                    self._add_place(key, weight, offset + token.start, title)
                used[i] = bool(keys)
                i += 1

    def _add_place(self, key: str, weight: float, pos: int, title: bool) -> None:
        form = places().display_name(key, self.place_lang)
        self._add(key, "place", form, weight, pos, title)

    # -- names ------------------------------------------------------------------------------

    def _names(
        self, sentence: str, tokens: list[_Token], used: list[bool], offset: int, title: bool
    ) -> None:
        run: list[_Token] = []
        for i, token in enumerate(tokens):
            lower = token.text.casefold()
            if run and sentence[run[-1].end : token.start].strip():
                self._name(run, offset, title)  # punctuation ends a name
                run = []
            if used[i]:
                pass
            elif (token.capitalised and lower not in self.stops and not _has_digit(lower)) or (
                run
                and not token.capitalised
                and (
                    lower in _CONNECTORS
                    or (lower in _CONNECTORS_AFTER and run[-1].text.casefold() in _CONNECTORS)
                )
            ):
                run.append(token)
                continue
            if run:
                self._name(run, offset, title)
            run = []
        if run:
            self._name(run, offset, title)

    def _name(self, run: list[_Token], offset: int, title: bool) -> None:
        self.in_names.update(t.start + offset for t in run)
        particles = _CONNECTORS | _CONNECTORS_AFTER
        while run and run[-1].text.casefold() in particles:
            run = run[:-1]
        # Titles end where the name starts: "Senate Majority Leader Chuck Schumer".
        titles = [k for k, t in enumerate(run[:-1]) if _is_title(t.text, self.lang)]
        after_title = bool(titles)
        if titles:
            run = run[titles[-1] + 1 :]
        while run and not run[0].acronym and self._leading_noise(run[0], len(run)):
            after_title = _is_title(run[0].text, self.lang)
            run = run[1:]
        while run and run[0].text.casefold() in particles:
            run = run[1:]
        if not run or len(run) > 5:
            return
        pos = offset + run[0].start
        if len(run) > 1:
            form = " ".join(_name_form(t.text, self.lang) for t in run)
            self._add(tag_key(form), "name", form, _W_NAME + _W_MULTI_BONUS, pos, title)
            return
        token = run[0]
        if token.acronym and len(token.text) <= 8:
            self._add(tag_key(token.text), "acronym", token.text, _W_ACRONYM, pos, title)
            return
        kind = "name" if after_title else self._single_kind(token)
        if kind:
            form = _name_form(token.text, self.lang)
            self._add(tag_key(form), kind, form, _W_SINGLE, pos, title)

    def _leading_noise(self, token: _Token, length: int) -> bool:
        """Tell whether the first word of a capitalised run is a title or a sentence start."""
        if _is_title(token.text, self.lang):
            return True
        if self.lang == "de":
            return _german_common_noun(token.text)
        if token.initial and length > 1:
            lower = token.text.casefold()
            return lower in self.lower_words or zipf(lower, self.lang) >= _COMMON_AT_START
        return False

    def _single_kind(self, token: _Token) -> str | None:
        """Classify a lone capitalised word: "name", "part" (counts only as part of a full
        name found elsewhere, e.g. a surname starting a sentence) or None."""
        if "." in token.text or len(token.text) < 2:
            return None
        lower = token.text.casefold()
        if self.lang == "de":
            if _german_common_noun(token.text):
                return None
            return "part" if token.initial and zipf(lower, self.lang) > 4.0 else "name"
        if lower in self.lower_words:
            return None
        if token.initial and zipf(lower, self.lang) >= 3.0:
            return "part"
        return "name"

    # -- topics -----------------------------------------------------------------------------

    def _topics(self, tokens: list[_Token], used: list[bool], offset: int, title: bool) -> None:
        """Count rare content words: "Friedensmission", "broadband", "инфляция"."""
        for i, token in enumerate(tokens):
            if used[i] or len(token.text) < 5 or not token.text.isalpha():
                continue
            if offset + token.start in self.in_names:
                continue
            if token.text.casefold() in self.stops:
                continue
            if (self.lang == "de") != token.capitalised:
                continue  # German topics are nouns, which German capitalises; others not
            base = lemma(token.text, self.lang)
            rarity = zipf(base.casefold(), self.lang)
            if rarity == 0.0 or rarity > 4.5:
                continue
            salience = min(1.0, (4.5 - rarity) / 1.5)
            form = base[:1].upper() + base[1:] if self.lang == "de" else base
            self._add(
                tag_key(form), "topic", form, _W_TOPIC * salience, offset + token.start, title
            )

    # -- merging ----------------------------------------------------------------------------

    def merge(self) -> None:
        """Merge inflected variants of a name, then lone first or last names into full names.

        Lone words that only ever started a sentence ("part") are dropped unless they
        complete a full name.
        """
        names = sorted(
            (e for e in self.found.values() if e.kind in ("name", "part")),
            key=lambda e: (-e.mentions, len(e.display)),
        )
        for i, entity in enumerate(names):
            if entity.key not in self.found:
                continue
            for other in names[i + 1 :]:
                if other.key in self.found and _same_name(entity.display, other.display):
                    self._fold(other, entity, keep_forms=True)
                    entity.kind = "name" if "name" in (entity.kind, other.kind) else "part"
        multi = [e for e in self.found.values() if e.kind == "name" and " " in e.display]
        by_part: dict[str, Entity] = {}
        for entity in sorted(multi, key=lambda e: e.score):
            parts = entity.display.split()
            by_part[tag_key(parts[0])] = entity
            by_part[tag_key(parts[-1])] = entity
        for entity in list(self.found.values()):
            if entity.kind in ("name", "acronym", "part") and " " not in entity.display:
                target = by_part.get(entity.key)
                if target is not None and target is not entity:
                    self._fold(entity, target, keep_forms=False)
        for key in [k for k, e in self.found.items() if e.kind == "part"]:
            del self.found[key]

    def _fold(self, source: Entity, target: Entity, *, keep_forms: bool) -> None:
        target.score += source.score
        target.mentions += source.mentions
        if keep_forms:
            target.forms.update(source.forms)
        target.first = min(target.first, source.first)
        target.in_title = target.in_title or source.in_title
        del self.found[source.key]


def _is_title_case(tokens: list[_Token], stops: frozenset[str]) -> bool:
    words = [t for t in tokens if t.text.casefold() not in stops and t.text.isalpha()]
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
        common = len(_common_prefix(x, y))
        if _FUZZY_SCRIPT.match(x):
            if common < max(3, len(long) - 3):
                return False
        elif not (long.startswith(short) and len(long) - len(short) <= 2 and len(short) >= 4):
            return False
    return True


@cache
def _alias_starts(lang: str) -> dict[str, int]:
    """Map the first word of each place name to the most words a name with it has."""
    starts: dict[str, int] = {}
    for name in places().aliases[lang]:
        words = name.split(" ")
        starts[words[0]] = max(starts.get(words[0], 0), len(words))
    return starts


def _has_break(sentence: str, window: list[_Token]) -> bool:
    """Tell whether punctuation separates the tokens of a window."""
    return any(sentence[a.end : b.start].strip() for a, b in itertools.pairwise(window))


def _compound_places(text: str, aliases: dict[str, str]) -> list[str]:
    """Find places in a hyphenated compound: "US-Außenminister", "OSZE-Minsk-Gruppe"."""
    if "-" not in text:
        return []
    keys = [aliases.get(normalise_name(p)) for p in text.split("-") if p[:1].isupper()]
    return [k for k in keys if k]


def _demonym(token: _Token, lang: str) -> list[str]:
    """Map "Armeniern", "Ukrainians", "Américains" to their country."""
    if lang not in _DEMONYM_SUFFIXES or token.acronym:
        return []
    word = lemma(token.text, lang).casefold()
    key = _IRREGULAR_DEMONYMS[lang].get(word) or _strip_to_place(
        word, _DEMONYM_SUFFIXES[lang], lang
    )
    return [key] if key else []


def _adjective_places(text: str, lang: str) -> list[str]:
    """Map "armenisch-aserbaidschanischen", "américaine", "российского" to countries."""
    if lang not in _ADJECTIVE_SUFFIXES:
        return []
    keys = []
    for part in text.split("-"):
        word = part.casefold()
        base = lemma(word, lang).casefold() if lang != "de" else word
        key = _IRREGULAR_ADJECTIVES[lang].get(base) or _strip_to_place(
            base, _ADJECTIVE_SUFFIXES[lang], lang
        )
        if key is not None:
            keys.append(key)
    return keys


def _strip_to_place(word: str, suffixes: tuple[str, ...], lang: str) -> str | None:
    stems = _place_stems(lang)
    for suffix in suffixes:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            key = stems.get(word[: -len(suffix)])
            if key is not None:
                return key
    return None


@cache
def _place_stems(lang: str) -> dict[str, str]:
    """Map one-word place names and their 1-3 letter shorter stems to place keys."""
    stems: dict[str, str] = {}
    clashes: set[str] = set()
    for name, key in places().aliases.get(lang, {}).items():
        if " " in name or len(name) < _MIN_STEM:
            continue
        for cut in range(4):
            stem = name[: len(name) - cut] if cut else name
            if len(stem) < _MIN_STEM:
                break
            if stems.get(stem, key) != key:
                clashes.add(stem)
            stems[stem] = key
    for stem in clashes:
        del stems[stem]
    return stems


@cache
def _title_words() -> frozenset[str]:
    text = (resources.files("summaries") / "data" / "titles.txt").read_text("utf-8")
    lines = (line for line in text.splitlines() if not line.startswith("#"))
    return frozenset(word for line in lines for word in line.split())


def _is_title(word: str, lang: str) -> bool:
    """Tell whether a word is a title or role that precedes names ("Präsident", "Minister")."""
    lower = word.casefold()
    return (
        lower in _title_words()
        or lemma(word, lang).casefold() in _title_words()
        or bool(_TITLE_SUFFIXES.search(lower))
    )


def _german_common_noun(word: str) -> bool:
    """Tell whether a capitalised German word is most likely a common noun, not a name.

    Names travel between languages, common nouns mostly do not: "Präsident" is frequent in
    German and nearly unseen in English, "Blinken" or "Merkel" are seen in both.
    """
    if _is_title(word, "de"):
        return True
    lower = word.casefold()
    own = max(zipf(lower, "de"), zipf(lemma(word, "de").casefold(), "de"))
    other = zipf(lower, "en")
    if own >= 2.0 and own - other >= 2.0:
        return True  # a German word, rarely seen in English text
    if own >= 4.3 and other >= 4.3:
        return True  # a cognate such as "Region" or "Sport"
    return bool(_GERMAN_NOUN_SUFFIX.search(lower))


def _name_form(word: str, lang: str) -> str:
    """Return a word of a name in its base form: "Путина" -> "Путин", "Merkels" -> "Merkel"."""
    base = lemma(word, lang)
    if base == word or not base or not base[0].isupper() or not is_known(word, lang):
        return word
    # Accept only small changes at the end: lemmatisers map some names to unrelated words.
    common = len(_common_prefix(base, word))
    if common >= len(word) - 3 and common >= len(base) - 1:
        return base
    return word


def _common_prefix(a: str, b: str) -> str:
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return a[:i]
