"""summarize(): verbatim sentences in article order, news-aware, multilingual, never raising."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from summaries.summarizer import DEFAULT_MAX_CHARS, METHODS, SUMMARY_VERSION, summarize

SEED = Path(__file__).resolve().parent / "data" / "examples" / "de-aliyev-blinken.txt"
SEED_TITLE = "US-Außenminister rief Ilham Aliyev an"


def seed_body() -> str:
    """The seed report's body: from the fifth line to before "Tags:" (the parser does this)."""
    lines = SEED.read_text(encoding="utf-8").replace("\u00a0", " ").split("\n")
    return "\n".join(lines[4:]).split("Tags:")[0]


def in_order(summary: list[str], text: str) -> bool:
    """Each sentence occurs in ``text`` after the end of the one before it."""
    cursor = 0
    for sentence in summary:
        found = text.find(sentence, cursor)
        if found < 0:
            return False
        cursor = found + len(sentence)
    return True


ENGLISH = """The government announced a new climate plan on Monday, promising to halve emissions.

By Jane Doe

Photo: Reuters

The plan sets targets for power plants, cars and buildings across the country.

Read more: How the last climate plan failed

Environmental groups welcomed the plan but said the targets for cars were too weak.
Environmental groups welcomed the plan but said the targets for cars were too weak.

ADVERTISEMENT

Industry leaders warned that the costs for power plants would be passed on to consumers.
Updated 10:32 GMT
"""


def test_seed_report_summary_is_three_german_sentences_from_the_text() -> None:
    body = seed_body()
    summary = summarize(body, "de", title=SEED_TITLE)
    assert len(summary) == 3
    assert in_order(summary, body)
    assert all(s.endswith(".") for s in summary)
    assert SEED_TITLE not in summary
    assert sum(len(s) for s in summary) + 2 <= DEFAULT_MAX_CHARS
    assert all("Aliyev" in s or "Aserbaidschan" in s for s in summary)


@pytest.mark.parametrize("method", sorted(METHODS))
def test_every_method_summarizes_the_seed_in_order(method: str) -> None:
    body = seed_body()
    summary = summarize(body, "de", title=SEED_TITLE, method=method, max_chars=None)
    assert 1 <= len(summary) <= 3
    assert in_order(summary, body)


def test_boilerplate_and_duplicates_are_never_chosen() -> None:
    title = "Government unveils climate plan"
    for method in ("default", "headline"):
        summary = summarize(ENGLISH, "en", title=title, sentences=5, method=method)
        assert summary, method
        text = " ".join(summary)
        for bad in ("By Jane Doe", "Photo:", "Read more", "ADVERTISEMENT", "Updated 10:32"):
            assert bad not in text, (method, bad)
        assert text.count("Environmental groups welcomed") <= 1
        assert in_order(summary, ENGLISH)


def test_a_sentence_repeating_the_headline_is_not_chosen() -> None:
    text = (
        "Government unveils climate plan\n\n"
        "The government announced a new climate plan on Monday. It cuts emissions by half. "
        "Critics said the plan came too late for the coal regions."
    )
    summary = summarize(text, "en", title="Government unveils climate plan")
    assert summary
    assert "Government unveils climate plan" not in summary


def test_character_budget_is_respected() -> None:
    body = seed_body()
    for method in ("default", "lead", "lexrank"):
        summary = summarize(body, "de", title=SEED_TITLE, method=method, max_chars=250)
        assert sum(len(s) for s in summary) + len(summary) - 1 <= 250
    assert summarize("x" * 5000 + ".", "en", max_chars=600) == []


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The council voted on Tuesday. The budget passed. Opponents plan an appeal."),
        ("fr", "Le conseil a voté mardi. Le budget est adopté. Les opposants feront appel."),
        ("es", "El consejo votó el martes. El presupuesto fue aprobado. Habrá recurso."),
        ("it", "Il consiglio ha votato martedì. Il bilancio è approvato. Ci sarà ricorso."),
        ("nl", "De raad stemde dinsdag. De begroting is aangenomen. Er komt beroep."),
        ("pl", "Rada głosowała we wtorek. Budżet został przyjęty. Opozycja się odwoła."),
        ("pt", "O conselho votou na terça. O orçamento foi aprovado. Haverá recurso."),
        ("ru", "Совет проголосовал во вторник. Бюджет принят. Оппозиция подаст апелляцию."),
        ("tr", "Meclis salı günü oy kullandı. Bütçe kabul edildi. Muhalefet itiraz edecek."),
        ("az", "Şura çərşənbə axşamı səs verdi. Büdcə qəbul edildi. Müxalifət etiraz edəcək."),
        ("und", "Şura səs verdi. Büdcə qəbul edildi. Müxalifət etiraz edəcək."),
        ("xx", "Word salad without language. Another line here. And a third one too."),
    ],
)
def test_languages_with_and_without_models(language: str, text: str) -> None:
    for method in METHODS:
        summary = summarize(text, language, sentences=2, method=method)
        assert 1 <= len(summary) <= 2, method
        assert in_order(summary, text), method


def test_empty_and_degenerate_input() -> None:
    assert summarize("", "de") == []
    assert summarize("   \n\n  ", "en") == []
    assert summarize("Ein Satz.", "de", sentences=0) == []
    assert summarize("kein punkt hier", "de") == ["kein punkt hier"]


def test_unknown_method_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown summary method"):
        summarize("Ein Satz.", "de", method="nope")


def test_methods_and_version_are_published() -> None:
    expected = {"default", "lead", "lexrank", "lsa", "textrank", "luhn", "kl", "sumbasic"}
    assert expected | {"reduction", "edmundson"} <= set(METHODS)
    assert isinstance(SUMMARY_VERSION, str) and SUMMARY_VERSION


def test_a_megabyte_returns_quickly() -> None:
    text = ("Die Regierung hat am Montag neue Regeln beschlossen, sagte Dr. Weber. " * 15_000)[
        :1_000_000
    ]
    started = time.perf_counter()
    summary = summarize(text, "de")
    assert time.perf_counter() - started < 10
    assert 1 <= len(summary) <= 3
    assert in_order(summary, text)


#: Pieces that stress sentence splitting: punctuation, abbreviations, scripts, blank lines.
_PIECES = [
    *"abcxyzABCÄÖÜßéèçñ .,;:!?…\n\"'«»„“-0123456789",
    *["Dr.", "z. B.", "Nr.", "中文", "Привет", "مرحبا", "ΑΒΓ", "\n\n", "。", "\t", "\u00a0"],
    *["Das ist ein Satz. ", "The market fell. ", "Foto: dpa\n", "BREAKING NEWS "],
    "Lesen Sie auch: ",
]
_TEXT = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(_PIECES), max_size=120).map("".join),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=_TEXT,
    language=st.sampled_from(["de", "en", "fr", "ru", "az", "und", "", "zz-ZZ"]),
    count=st.integers(min_value=0, max_value=5),
    method=st.sampled_from(["default", "headline", "lead", "lexrank", "textrank", "lsa"]),
    budget=st.one_of(st.none(), st.integers(min_value=0, max_value=300)),
    title=st.one_of(st.none(), st.text(max_size=40)),
)
def test_any_text_gives_at_most_n_sentences_from_the_input_in_order(
    text: str,
    language: str,
    count: int,
    method: str,
    budget: int | None,
    title: str | None,
) -> None:
    summary = summarize(
        text, language, sentences=count, title=title, method=method, max_chars=budget
    )
    assert len(summary) <= count
    assert all(s and s == s.strip() for s in summary)
    assert in_order(summary, text)
    if budget is not None:
        assert sum(len(s) for s in summary) + max(len(summary) - 1, 0) <= budget


@settings(max_examples=5, deadline=None)
@given(
    unit=st.text(min_size=1, max_size=30),
    method=st.sampled_from(["default", "headline", "lead"]),
)
def test_huge_inputs_return_quickly(unit: str, method: str) -> None:
    text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    started = time.perf_counter()
    summary = summarize(text, "de", method=method)
    assert time.perf_counter() - started < 10
    assert len(summary) <= 3
    assert in_order(summary, text)


def test_numpy_uses_one_blas_thread_unless_told_otherwise() -> None:
    """Per-article matrix products are small: BLAS worker threads would cost more than they do.

    The setting only works if ``summaries`` sets it before numpy is first imported, so the
    entry point's import order is checked too.
    """
    import subprocess
    import sys

    probe = "import os, bot.cli, summaries.news; print(os.environ['OPENBLAS_NUM_THREADS'])"
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_NUM_THREADS"}
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", probe], env=env, capture_output=True, text=True
    )
    assert out.stdout.strip() == "1"
    finished = [line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines()]
    assert finished.index("summaries") < finished.index("numpy")
    env["OPENBLAS_NUM_THREADS"] = "2"
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == "2"


def test_prepare_loads_models_ahead_and_rejects_unknown_methods() -> None:
    from summaries.summarizer import _summarizer, prepare

    _summarizer.cache_clear()
    prepare("fr", "lexrank")
    assert _summarizer.cache_info().currsize == 1
    prepare("zz-ZZ")  # a language without models is prepared as well, never an error
    with pytest.raises(ValueError, match="unknown summary method"):
        prepare("en", "nonsense")


@pytest.mark.parametrize(
    ("headline", "descriptive"),
    [
        ("Dollar gains on Greenspan speech", False),  # a label: centrality leads
        ("Coronavirus : les Ehpad en alerte", True),  # a kicker and a statement
        ("Brexit: what happens next", True),
        ("Markets close at 17:30", False),  # a time, not a kicker
        ("Bayern beat Dortmund 2:1", False),  # a score, not a kicker
        ("The government announced a new climate plan on Monday", True),  # written out
    ],
)
def test_how_descriptive_a_headline_is(headline: str, descriptive: bool) -> None:
    from summaries.news import _KICKER, _headline_informativeness
    from summaries.tokenizer import to_words

    weight = _headline_informativeness(
        len(to_words(headline)), kicker=bool(_KICKER.search(headline))
    )
    assert (weight >= 0.9) is descriptive
    assert (weight == 0.0) is not descriptive
