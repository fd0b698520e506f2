"""Interface languages: gettext catalogues in bot/locales, compiled from .po with Babel.

The .po files are the source of truth: `python -m bot.i18n update` merges new message
ids from the code into them, translators fill in msgstr, `python -m bot.i18n compile`
writes .mo files (optional). A compiled .mo next to a .po is used when it
is at least as new; otherwise the .po is compiled in memory at first use, so a fresh
checkout and an installed wheel behave the same with no build step. Message ids are
the English texts; placeholders use `str.format` names (`{tag}`), filled by `Translator`.
"""

from __future__ import annotations

import gettext
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALES_DIR = Path(__file__).with_name("locales")
DOMAIN = "newsbot"
LANGUAGES = ("en", "de")
DEFAULT_LANGUAGE = "en"
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch"}


def N_(message: str) -> str:
    """Mark a string for extraction where it is defined; it is translated where it is shown."""
    return message


def normalize_language(code: str | None) -> str | None:
    """`de-AT`, `DE`, `de_CH` -> `de`; unsupported or empty -> None."""
    if not code:
        return None
    base = code.strip().replace("_", "-").split("-", 1)[0].lower()
    return base if base in LANGUAGES else None


def pick_language(*candidates: str | None) -> str:
    """The first supported language among the candidates (explicit choice first)."""
    for candidate in candidates:
        language = normalize_language(candidate)
        if language is not None:
            return language
    return DEFAULT_LANGUAGE


@dataclass(frozen=True)
class Translator:
    """Translate message ids into one language; `t("Hi {name}", name=x)` formats after lookup."""

    language: str
    catalog: gettext.NullTranslations

    def __call__(self, message: str, /, **params: object) -> str:
        text = self.catalog.gettext(message)
        return text.format(**params) if params else text

    def plural(self, singular: str, plural: str, n: int, /, **params: object) -> str:
        return self.catalog.ngettext(singular, plural, n).format(n=n, **params)


@cache
def translator(language: str | None) -> Translator:
    """The cached translator for a language; unknown languages get English."""
    code = pick_language(language)
    return Translator(code, _load_catalog(code))


def _load_catalog(language: str) -> gettext.NullTranslations:
    folder = LOCALES_DIR / language / "LC_MESSAGES"
    po_path = folder / f"{DOMAIN}.po"
    mo_path = folder / f"{DOMAIN}.mo"
    if mo_path.is_file() and (
        not po_path.is_file() or mo_path.stat().st_mtime >= po_path.stat().st_mtime
    ):
        with mo_path.open("rb") as handle:
            return gettext.GNUTranslations(handle)
    if not po_path.is_file():
        return gettext.NullTranslations()
    return gettext.GNUTranslations(io.BytesIO(compile_po(po_path)))


def compile_po(po_path: Path) -> bytes:
    """The .mo bytes for a .po file (fuzzy entries are left out, as msgfmt does)."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> list[Path]:
    """Write every .mo next to its .po (for packaging); returns the files written."""
    written = []
    for po_path in sorted(LOCALES_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        mo_path = po_path.with_suffix(".mo")
        mo_path.write_bytes(compile_po(po_path))
        written.append(mo_path)
    return written


# Functions and methods whose string arguments are message ids (see bot/handlers/common.py).
EXTRACT_KEYWORDS = {"t": None, "usage": None, "N_": None, "plural": (1, 2)}


def update_catalogues() -> list[Path]:
    """Merge the message ids found in bot/ into every .po (new ones untranslated, gone ones
    obsolete), as `pybabel extract` + `pybabel update` would."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import write_po

    template = Catalog(project="newsbot")
    for filename, lineno, message, _, _ in extract_from_dir(
        str(LOCALES_DIR.parent), method_map=[("**.py", "python")], keywords=EXTRACT_KEYWORDS
    ):
        template.add(message, locations=[(filename, lineno)])
    written = []
    for language in LANGUAGES:
        po_path = LOCALES_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        catalog.update(template, no_fuzzy_matching=True)
        with po_path.open("wb") as handle:
            write_po(handle, catalog, width=100, omit_header=False)
        written.append(po_path)
    return written


if __name__ == "__main__":
    import sys

    action = sys.argv[1] if len(sys.argv) > 1 else "compile"
    for path in update_catalogues() if action == "update" else compile_all():
        print(path)
