"""Language detection: ISO 639-1 codes offline, "und" when the text gives no evidence."""

from __future__ import annotations

import pytest

from summaries.language import UNDETERMINED, detect_language, language_name


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Am 28. April rief US-Außenminister Anthony Blinken den Präsidenten an.", "de"),
        ("The dollar has hit its highest level against the euro in almost three months.", "en"),
        ("Le nombre de personnes tuées sur les routes a baissé de 15,6% en mai.", "fr"),
        ("El presidente del Gobierno anunció ayer nuevas medidas económicas.", "es"),
        ("Il presidente del Consiglio ha annunciato nuove misure economiche.", "it"),
        ("De minister heeft gisteren nieuwe maatregelen aangekondigd in Den Haag.", "nl"),
        ("Prezydent ogłosił wczoraj nowe środki gospodarcze dla całego kraju.", "pl"),
        ("O presidente anunciou ontem novas medidas econômicas para o país.", "pt"),
        ("Президент вчера объявил о новых экономических мерах для всей страны.", "ru"),
        ("Cumhurbaşkanı dün ülke genelinde yeni ekonomik önlemler açıkladı.", "tr"),
        ("Prezident İlham Əliyev ABŞ dövlət katibi ilə telefonla danışıb.", "az"),
    ],
)
def test_detects_the_language_of_a_sentence(text: str, code: str) -> None:
    assert detect_language(text) == code


@pytest.mark.parametrize("text", ["", "   ", "OK", "12345 !!!", "—", "Hallo"])
def test_too_little_evidence_is_undetermined(text: str) -> None:
    assert detect_language(text) == UNDETERMINED


def test_reads_only_the_start_of_a_huge_text() -> None:
    text = "Die Regierung hat am Montag neue Regeln beschlossen. " * 20_000
    assert detect_language(text) == "de"


def test_language_names_for_codes_and_names() -> None:
    assert language_name("de") == "german"
    assert language_name("de-AT") == "german"
    assert language_name("German") == "german"
    assert language_name("nb") == "norwegian"
    assert language_name("az") is None
    assert language_name("und") is None
