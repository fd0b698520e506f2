"""Message catalogues: every string the bot says is in them, German is complete, .mo compiles."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import i18n
from bot.i18n import LANGUAGES, compile_po, normalize_language, pick_language, translator

BOT_DIR = Path(i18n.__file__).parent
KEYWORDS = i18n.EXTRACT_KEYWORDS


def _messages_in_code() -> set[str | tuple[str, ...]]:
    found: set[str | tuple[str, ...]] = set()
    for _, _, message, _, _ in extract_from_dir(
        str(BOT_DIR), method_map=[("**.py", "python")], keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else tuple(message))
    return found


def _catalog(language: str):  # type: ignore[no-untyped-def]
    path = BOT_DIR / "locales" / language / "LC_MESSAGES" / "newsbot.po"
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_in_the_code_is_in_the_catalogue(language: str) -> None:
    catalog = _catalog(language)
    ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in catalog if m.id}
    missing = _messages_in_code() - ids
    assert not missing, f"not in {language} catalogue: {sorted(map(str, missing))[:5]}"


def test_german_catalogue_is_complete_and_keeps_placeholders() -> None:
    import string

    for message in _catalog("de"):
        if not message.id:
            continue
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings), f"untranslated: {ids[0]!r}"
        wanted = {f for _, f, _, _ in string.Formatter().parse(ids[-1]) if f}
        for text in strings:
            got = {f for _, f, _, _ in string.Formatter().parse(text) if f}
            assert got <= wanted | {"n"}, f"placeholders differ in {ids[0]!r}"
        assert not message.fuzzy


def test_translators_and_fallbacks() -> None:
    de, en = translator("de"), translator("en")
    assert de("Welcome!") == "Willkommen!"
    assert en("Welcome!") == "Welcome!"
    assert de("Subscribed to {tags}.", tags="USA") == "Abonniert: USA."
    assert de.plural("This chat follows {n} tag:", "This chat follows {n} tags:", 1) == (
        "Dieser Chat folgt 1 Tag:"
    )
    assert translator("fr").language == "en"
    assert de("a message nobody translated") == "a message nobody translated"


@pytest.mark.parametrize(
    ("code", "expected"),
    [("de", "de"), ("de-AT", "de"), ("DE_ch", "de"), ("en-GB", "en"), ("fr", None), ("", None)],
)
def test_normalize_language(code: str, expected: str | None) -> None:
    assert normalize_language(code) == expected


def test_explicit_choice_beats_telegram_language() -> None:
    assert pick_language("en", "de") == "en"
    assert pick_language(None, "de-DE") == "de"
    assert pick_language(None, "fr", None) == "en"


def test_po_files_compile_to_mo(tmp_path: Path) -> None:
    import gettext
    import io

    data = compile_po(BOT_DIR / "locales" / "de" / "LC_MESSAGES" / "newsbot.po")
    assert gettext.GNUTranslations(io.BytesIO(data)).gettext("Cancel") == "Abbrechen"
