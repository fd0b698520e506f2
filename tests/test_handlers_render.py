"""Lists of articles and digests: escaped, grouped, and split under 4096 characters."""

from __future__ import annotations

from bot.digest import digest_messages
from bot.formatting import telegram_length
from bot.i18n import translator
from bot.render import article_list, pack, settings_text
from summaries.store import ArticleBrief, ChatConfig, DigestItem


def test_pack_never_splits_a_block_and_respects_the_limit() -> None:
    blocks = [f"block {i} " + "x" * 900 for i in range(12)]
    messages = pack(blocks)
    assert all(telegram_length(m) <= 4096 for m in messages)
    assert "\n\n".join(messages) == "\n\n".join(blocks)
    assert len(messages) == 3
    assert pack([]) == []
    emoji = ["😀" * 1000] * 3  # 2 UTF-16 units each
    assert all(telegram_length(m) <= 4096 for m in pack(emoji))


def test_article_list_escapes_and_shortens() -> None:
    brief = ArticleBrief(1, "A <b> & c", "https://e.org/?a=1&b=2", "en", None,
                         ("S1 <script>.", "S2."), ())  # fmt: skip
    huge = ArticleBrief(2, "T" * 5000, None, "en", None, ("word " * 3000,), ())
    messages = article_list(translator("en"), "<b>Latest news</b>", [brief, huge], 1)
    assert "A &lt;b&gt; &amp; c" in messages[0]
    assert "S1 &lt;script&gt;." in messages[0] and "S2." not in messages[0]
    assert 'href="https://e.org/?a=1&amp;b=2"' in messages[0]
    assert all(telegram_length(m) <= 4096 for m in messages)


def test_digest_groups_by_tag_and_splits_cleanly() -> None:
    items = [
        DigestItem(i, i, f"Title {i} & more", None, ("Sentence one. " * 40, "Two."),
                   "USA" if i % 2 else "Ilham Aliyev")
        for i in range(30)
    ]  # fmt: skip
    messages = digest_messages(translator("de"), items, 1)
    assert len(messages) > 1
    assert all(telegram_length(m) <= 4096 for m in messages)
    text = "\n\n".join(messages)
    assert text.count("<b>#USA</b>") == 1 and text.count("<b>#Ilham_Aliyev</b>") == 1
    assert text.index("#Ilham_Aliyev") < text.index("#USA")
    assert text.count("Title") == 30 and "Title 3 &amp; more" in text
    assert messages[0].startswith("<b>Deine tägliche Zusammenfassung</b>: 30 Artikel")


def test_settings_text_in_both_languages() -> None:
    config = ChatConfig(1, mode="digest", digest_minute=450, timezone="Europe/Berlin",
                        quiet_start=1320, quiet_end=420, include_words=("nato",))  # fmt: skip
    english = settings_text(translator("en"), config)
    assert "daily digest at 07:30 (Europe/Berlin)" in english and "22:00–07:00" in english
    german = settings_text(translator("de"), config)
    assert "täglich um 07:30 (Europe/Berlin)" in german and "Nur mit Wörtern: nato" in german
