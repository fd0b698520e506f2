"""Summaries at a chat's chosen length: summarized again once, cached, not stored."""

from __future__ import annotations

from bot.lengths import SummaryLengths
from summaries.store import NewArticle, Store, TagRef

BODY = " ".join(
    f"Sentence number {i} tells the council of Baku about the harbour plan in detail."
    for i in range(1, 16)
)


def test_other_lengths_are_summarized_again_and_cached(store: Store) -> None:
    stored = store.add_article(
        NewArticle(
            title="Harbour plan",
            body=BODY,
            language="en",
            summary=["A.", "B.", "C."],
            summary_method="test",
            tags=[TagRef("Baku", "baku")],
        )
    )
    lengths = SummaryLengths(store)
    default = ("A.", "B.", "C.")
    assert lengths.get(stored.id, 3, default) == default
    one = lengths.get(stored.id, 1, default)
    eight = lengths.get(stored.id, 8, default)
    assert len(one) == 1 and len(eight) == 8
    assert all(line in BODY for line in one + eight)
    assert [BODY.index(line) for line in eight] == sorted(BODY.index(line) for line in eight)
    assert lengths.get(stored.id, 8, default) is eight, "computed once"
    assert store.latest_summary(stored.id) == list(default), "the stored summary is unchanged"
    assert lengths.get(999_999, 2, default) == ("A.", "B.")
