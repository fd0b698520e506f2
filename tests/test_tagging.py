"""Tag keys, tag validation, merging, and automatic tags in several languages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from summaries.errors import InputError
from summaries.report import parse_report
from summaries.tagging import MAX_TAG_LENGTH, Tag, auto_tags, merge_tags, tag_key, validate_tag
from summaries.text import decode_bytes
from tests.conftest import SEED_REPORT

SEED = SEED_REPORT

EN_TITLE = "Biden meets Zelensky in Washington as Congress debates Ukraine aid"
EN_BODY = """US President Joe Biden met Ukrainian President Volodymyr Zelensky at the White House \
on Tuesday. The two leaders discussed military aid as Congress remained divided over a new funding \
package for Ukraine.

Zelensky also visited Capitol Hill, where he urged Republican senators to approve the aid. "We \
cannot lose this war," he said. Senate Majority Leader Chuck Schumer said the Senate would vote \
next week.

Biden warned that Russia's President Vladimir Putin would be emboldened if the United States \
abandoned Ukraine. Russian forces have intensified attacks in eastern Ukraine in recent weeks, \
according to NATO officials."""

FR_TITLE = "Emmanuel Macron reçoit Olaf Scholz à l'Élysée"
FR_BODY = """Le président de la République Emmanuel Macron a reçu mardi le chancelier allemand \
Olaf Scholz au palais de l'Élysée. Les deux dirigeants ont évoqué la guerre en Ukraine et \
l'avenir de l'Union européenne.

Selon l'Élysée, la France et l'Allemagne veulent renforcer leur coopération en matière de \
défense. Olaf Scholz a rappelé que Berlin restait le premier soutien européen de Kiev.

Macron a également plaidé pour une réforme du pacte de stabilité. Les ministres des Finances de \
l'UE se réuniront à Bruxelles la semaine prochaine."""

RU_TITLE = "Путин провёл переговоры с Си Цзиньпином в Пекине"
RU_BODY = """Президент России Владимир Путин провёл переговоры с председателем КНР Си Цзиньпином \
в Пекине. Стороны обсудили сотрудничество в энергетике и ситуацию на Украине.

По словам Путина, отношения между Россией и Китаем находятся на высоком уровне. Си Цзиньпин \
заявил, что Китай готов расширять торговлю с Россией.

Владимир Путин также встретился с премьер-министром Китая Ли Цяном. Визит продлится два дня, \
сообщил Кремль."""


DE_TITLE = "Scholz trifft Macron in Paris"
DE_BODY = """Bundeskanzler Olaf Scholz hat am Montag den französischen Präsidenten Emmanuel Macron \
in Paris getroffen. Die beiden sprachen über die Lage in der Ukraine und die Zukunft der \
Europäischen Union.

Scholz sagte nach dem Treffen, Deutschland und Frankreich stünden fest an der Seite der \
Ukraine. Macron betonte die Bedeutung einer gemeinsamen Verteidigungspolitik. Die Angst vor \
einer Ausweitung des Krieges sei groß, sagte ein Berater.

Auch Trainer Jürgen Klopp war zu Gast im Élysée-Palast. Jürgen Klopp sprach mit Macron über \
Fußball und die Angst vor dem Abstieg. Im Sport gehe es um die Region, sagte Klopp."""


@pytest.fixture(scope="module")
def seed_tags() -> list[Tag]:
    report = parse_report(decode_bytes(SEED.read_bytes()))
    return auto_tags(report.title, report.body, "de")


def displays(tags: list[Tag]) -> list[str]:
    return [t.display for t in tags]


# --- tag keys --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Aserbaidschans", "Aserbaidschan"),
        ("#aserbaidschan", "Aserbaidschan"),
        ("  ##AserBaidschan  ", "aserbaidschan"),
        ("Aserbaidschan", "Azerbaijan"),  # the same place in another language
        ("Azerbaïdjan", "Азербайджан"),
        ("USA", "Vereinigte Staaten"),
        ("U.S.", "usa"),
        ("Россия", "России"),
        ("Россией", "Russland"),
        ("Russlands", "Russia"),
        ("Chinas", "Китая"),
        ("Соединённые Штаты", "США"),
        ("US-Präsident", "us präsident"),
        ("us_präsident", "US   Präsident"),
        ("Außenminister", "AUSSENMINISTER"),
        ("Ilham Aliyev", "ilham  aliyev"),
        ("Obama's", "obama"),
        ("Cafe\u0301", "café"),
        ("ＮＡＴＯ", "nato"),  # full-width letters (NFKC)
        ("«Sport»", "sport"),
    ],
)
def test_same_key(a: str, b: str) -> None:
    assert tag_key(a) == tag_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Sport", "Afghanistan"),
        ("News", "new"),
        ("USA", "us präsident"),
        ("Paris", "Pari"),
        ("election", "elections"),  # no lemmatising in English: no "News" -> "new"
        ("Island", "Iceland"),  # "Island" is German for Iceland but an English word too
    ],
)
def test_different_keys(a: str, b: str) -> None:
    assert tag_key(a) != tag_key(b)


@pytest.mark.parametrize(
    ("tag", "key"),
    [
        ("USA", "united states"),
        ("News", "news"),
        ("Paris", "paris"),
        ("Texas", "texas"),
        ("Aserbaidschans", "azerbaijan"),
        ("Präsidenten", "präsidenten"),  # only a genitive -s is removed
        ("Sport", "sport"),
        ("C++", "c++"),
        ("covid-19", "covid 19"),
        ("", ""),
        ("###", ""),
        ("!!!", ""),
        ("   ", ""),
    ],
)
def test_key_values(tag: str, key: str) -> None:
    assert tag_key(tag) == key


@given(st.text(max_size=200))
@settings(max_examples=300, deadline=None)
def test_tag_key_never_raises_and_is_idempotent(text: str) -> None:
    key = tag_key(text)
    assert isinstance(key, str)
    assert key == key.strip()
    assert "  " not in key
    assert tag_key(key) == key or tag_key(tag_key(key)) == tag_key(key)


def test_tag_key_on_absurd_input() -> None:
    assert tag_key("x" * 100_000) == "x" * 100_000
    assert tag_key("\x00\x01") == tag_key("\x00\x01")  # no crash; validate_tag rejects it
    assert tag_key("🇦🇿") == "🇦🇿"
    assert tag_key("#" * 50 + "tag") == "tag"


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "display"),
    [
        ("#Aserbaidschan", "Aserbaidschan"),
        ("  Ilham   Aliyev ", "Ilham Aliyev"),
        ("ＵＳＡ", "USA"),
        ("C#", "C#"),
        ("x" * MAX_TAG_LENGTH, "x" * MAX_TAG_LENGTH),
        ("Россия", "Россия"),
    ],
)
def test_valid_tags(raw: str, display: str) -> None:
    assert validate_tag(raw) == display


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("#", "empty"),
        ("#  #", "no letters"),
        ("!!!", "no letters"),
        ("-_-", "no letters"),
        ("x" * (MAX_TAG_LENGTH + 1), "too long"),
        ("a\x00b", "control"),
        ("a\u200bb", "control"),
        ("line\nbreak", "control"),
    ],
)
def test_invalid_tags(raw: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        validate_tag(raw)


# --- merge -----------------------------------------------------------------------------------


def test_merge_puts_given_tags_first_and_dedupes_by_key() -> None:
    auto = [Tag("Aserbaidschan", "azerbaijan"), Tag("Afghanistan", "afghanistan")]
    merged = merge_tags(["#azerbaijan", "Diplomatie", "diplomatie", "!!!", ""], auto, limit=8)
    assert displays(merged) == ["azerbaijan", "Diplomatie", "Afghanistan"]
    assert merged[0].key == "azerbaijan"


def test_merge_respects_the_limit() -> None:
    auto = [Tag(f"T{i}", f"t{i}") for i in range(10)]
    assert displays(merge_tags(["a", "b"], auto, limit=3)) == ["a", "b", "T0"]
    assert merge_tags(["a"], auto, limit=0) == []


# --- automatic tags --------------------------------------------------------------------------


def test_seed_report_tags(seed_tags: list[Tag]) -> None:
    keys = {t.key for t in seed_tags}
    for must in ("Aserbaidschan", "USA", "Ilham Aliyev", "Anthony Blinken", "Afghanistan"):
        assert tag_key(must) in keys, must
    assert tag_key("Armenien") in keys or tag_key("Armenier") in keys
    for never in ("Präsident", "Präsidenten", "Bedeutung", "Sport", "Beziehungen", "Erklärung"):
        assert tag_key(never) not in keys, never
    assert displays(seed_tags)[:3] == ["Aserbaidschan", "Ilham Aliyev", "USA"]
    assert len(seed_tags) <= 8
    assert len(keys) == len(seed_tags)


def test_seed_subscriptions_match(seed_tags: list[Tag]) -> None:
    keys = {t.key for t in seed_tags}
    for subscription in ("aserbaidschan", "#Afghanistan", "Azerbaijan", "usa", "#USA"):
        assert tag_key(subscription) in keys, subscription
    assert tag_key("Sport") not in keys


def test_german_tags() -> None:
    tags = displays(auto_tags(DE_TITLE, DE_BODY, "de"))
    for must in ("Olaf Scholz", "Emmanuel Macron", "Jürgen Klopp", "Paris", "Ukraine"):
        assert must in tags
    for never in (
        "Bundeskanzler", "Präsidenten", "Montag", "Angst", "Bedeutung", "Sport", "Region",
        "Trainer Jürgen Klopp", "Jürgen", "Palästina", "Scholz",
    ):  # fmt: skip
        assert never not in tags


def test_english_tags() -> None:
    tags = displays(auto_tags(EN_TITLE, EN_BODY, "en"))
    for must in ("Ukraine", "Joe Biden", "Volodymyr Zelensky", "Congress", "Russia"):
        assert must in tags
    for never in ("President", "Tuesday", "The", "We", "Senate Majority Leader Chuck Schumer"):
        assert never not in tags


def test_english_months_contractions_and_parties_are_not_names() -> None:
    body = (
        'In December Microsoft said it would stop. "I\'ve seen this," said Labour Robin '
        "Cook. Robin Cook left in December. Microsoft denied it. I'm sure, Cook said."
    )
    tags = displays(auto_tags("Microsoft under fire", body, "en"))
    assert "Microsoft" in tags
    assert "Robin Cook" in tags
    assert not {"December", "December Microsoft", "I've", "I'm", "Labour Robin Cook"} & set(tags)


def test_english_title_case_headline_adds_no_junk() -> None:
    tags = displays(auto_tags("Biden Meets Zelensky As Aid Talks Stall", EN_BODY, "en"))
    assert "Joe Biden" in tags
    assert not {"Meets", "Aid", "Talks", "Stall", "Biden Meets Zelensky As Aid Talks"} & set(tags)


def test_french_tags() -> None:
    tags = displays(auto_tags(FR_TITLE, FR_BODY, "fr"))
    for must in ("Emmanuel Macron", "Olaf Scholz", "Élysée"):
        assert must in tags
    assert "UE" in tags or "Allemagne" in tags
    assert not {"Selon", "Les", "République Emmanuel Macron", "Macron"} & set(tags)


def test_russian_tags_use_base_forms() -> None:
    tags = displays(auto_tags(RU_TITLE, RU_BODY, "ru"))
    for must in ("Владимир Путин", "Си Цзиньпин", "Китай", "Россия"):
        assert must in tags
    assert not {"Путина", "Си Цзиньпином", "России", "Президент"} & set(tags)


def test_tags_match_across_languages() -> None:
    de = {t.key for t in auto_tags(RU_TITLE, RU_BODY, "ru")}
    assert tag_key("Russland") in de
    assert tag_key("China") in de


@pytest.mark.parametrize(
    ("title", "body", "language"),
    [
        ("", "", "de"),
        ("   ", "\n\n", "en"),
        ("!!!", "??? ... ---", "fr"),
        ("12345", "6789 2021 1.000.000", "ru"),
        ("Titel", "Text", ""),
        ("Başlık", "Azərbaycan Prezidenti İlham Əliyev bəyanat verdi.", "az"),
        ("标题", "这是一个测试。", "zh"),
        ("T", "\x00\x01\x02", "xx-YY"),
    ],
)
def test_auto_tags_never_raise(title: str, body: str, language: str) -> None:
    tags = auto_tags(title, body, language)
    assert isinstance(tags, list)
    assert all(isinstance(t, Tag) and t.key == tag_key(t.display) for t in tags)


def test_empty_text_has_no_tags() -> None:
    assert auto_tags("", "", "de") == []
    assert auto_tags("Titel", "Text", "de", limit=0) == []


@given(st.text(max_size=400), st.text(max_size=3000), st.sampled_from(["de", "en", "fr", "ru"]))
@settings(max_examples=150, deadline=None)
def test_auto_tags_on_any_text(title: str, body: str, language: str) -> None:
    tags = auto_tags(title, body, language, limit=5)
    assert len(tags) <= 5
    assert len({t.key for t in tags}) == len(tags)
    for tag in tags:
        assert validate_tag(tag.display) == tag.display
