"""What is needed to summarize a stored article again at another length."""

from __future__ import annotations

from sqlalchemy import select

from summaries.models import Article
from summaries.store.base import StoreBase


class SummaryLengthQueries(StoreBase):
    def article_source_text(self, article_id: int) -> tuple[str, str, str] | None:
        """(title, body, language) of an article, or None if it is gone."""
        with self.session() as session:
            row = session.execute(
                select(Article.title, Article.body, Article.language).where(
                    Article.id == article_id
                )
            ).first()
            return (row[0], row[1], row[2]) if row else None
