"""The offline tokenizer behind sumy's interface: Punkt models, German abbreviations, fallback."""

from __future__ import annotations

import nltk
import pytest

from summaries import tokenizer as tokenizer_module
from summaries.tokenizer import PunktTokenizer, RegexTokenizer, get_tokenizer, to_words


def test_german_abbreviations_and_ordinals_do_not_split() -> None:
    text = (
        "Das betrifft z. B. Dr. Müller aus Haus Nr. 5 bzw. Nr. 7 in Berlin. "
        "Am 3. Oktober wurde die 907. Änderung ausgesetzt. "
        "Das war im Jahr 1990. Danach kam er zurück."
    )
    assert get_tokenizer("de").to_sentences(text) == (
        "Das betrifft z. B. Dr. Müller aus Haus Nr. 5 bzw. Nr. 7 in Berlin.",
        "Am 3. Oktober wurde die 907. Änderung ausgesetzt.",
        "Das war im Jahr 1990.",
        "Danach kam er zurück.",
    )


def test_blank_lines_end_sentences_and_sentences_are_substrings() -> None:
    text = "Eine Überschrift ohne Punkt\n\nDer erste Satz. Der zweite Satz!\nNoch im Absatz."
    sentences = get_tokenizer("de").to_sentences(text)
    assert sentences[0] == "Eine Überschrift ohne Punkt"
    assert sentences[1:3] == ("Der erste Satz.", "Der zweite Satz!")
    assert all(s in text for s in sentences)


def test_glued_sentences_are_split() -> None:
    text = 'Il a dit "on est dans le réel".De mémoire, jamais. La U.S.Army reste.'
    assert get_tokenizer("fr").to_sentences(text) == (
        'Il a dit "on est dans le réel".',
        "De mémoire, jamais.",
        "La U.S.Army reste.",
    )


def test_languages_without_a_model_use_the_regex_splitter() -> None:
    tokenizer = get_tokenizer("az")
    assert isinstance(tokenizer, RegexTokenizer)
    text = "Prezident İ. Əliyev danışıb. O dedi: “Salam!” Sonra getdi... və qayıtdı.\n\nYeni"
    assert tokenizer.to_sentences(text) == (
        "Prezident İ. Əliyev danışıb.",
        "O dedi: “Salam!”",
        "Sonra getdi... və qayıtdı.",
        "Yeni",
    )
    chinese = get_tokenizer("zh").to_sentences("这是一支笔。那是一本书。")
    assert chinese == ("这是一支笔。", "那是一本书。")


@pytest.mark.parametrize(
    "code",
    ["de", "en", "fr", "es", "it", "nl", "pl", "pt", "ru", "tr", "cs", "da", "fi", "sv"],
)
def test_every_punkt_language_gets_its_model(code: str) -> None:
    tokenizer = get_tokenizer(code)
    assert isinstance(tokenizer, PunktTokenizer)
    assert tokenizer.to_sentences("") == ()


def test_tokenizers_are_built_once_per_language() -> None:
    assert get_tokenizer("de") is get_tokenizer("german")
    assert get_tokenizer("en") is not get_tokenizer("de")


def test_words_drop_punctuation_and_keep_compounds() -> None:
    assert to_words("Der US-Außenminister sagte: „Ja, l'État!“ (3,5 %)") == (
        "Der", "US-Außenminister", "sagte", "Ja", "l", "État", "3", "5",
    )  # fmt: skip
    assert get_tokenizer("en").to_words("") == ()


def test_building_tokenizers_never_downloads(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("no NLTK data access at run time")

    monkeypatch.setattr(nltk, "download", refuse)
    monkeypatch.setattr(nltk.data, "load", refuse)
    monkeypatch.setattr(nltk.data, "find", refuse)
    tokenizer_module._tokenizer.cache_clear()
    try:
        for code in ("de", "en", "ru", "az"):
            assert get_tokenizer(code).to_sentences("Ein Satz. Noch einer.")
    finally:
        tokenizer_module._tokenizer.cache_clear()


@pytest.mark.parametrize("code", ["en", "de", "fr"])
def test_the_fast_boundary_path_splits_exactly_like_punkt(code: str) -> None:
    """The shortcut for "word. Next" must never change a split: compare with stock Punkt."""
    import punkt

    fast = get_tokenizer(code)._tokenizer  # type: ignore[attr-defined]
    stock = punkt.PunktSentenceTokenizer(fast.params, line_breaks="paragraph")
    text = (
        "He met Mr. Smith at 5 p.m. on Jan. 3. The U.S. economy grew 3.5 per cent. "
        "Prices rose, e.g. for oil etc. Then it fell. It was the 3. time. She said: "
        '"No." He left... They stayed. Dr. Müller kam z. B. am 3. Oktober. Das war es. '
        "Il est parti vers 10 h. M. Dupont est arrivé. Fin. A. B. Smith wrote a book. "
        "See No. 5 and no. 6. Wow!!! Really? Yes.\n\nA new paragraph. Its end"
    )
    for piece in (text, text.lower(), text.upper(), text.replace(". ", ".\n")):
        assert fast.tokenize(piece) == stock.tokenize(piece)
