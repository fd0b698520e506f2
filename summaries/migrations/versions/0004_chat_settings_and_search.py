"""chat settings, forum topic routes and full-text search over articles

Revision ID: 0004
Revises: 0001
Create Date: 2026-11-27

SQLite: a contentless FTS5 table `articles_fts` (rowid = articles.id) that the store
fills lazily before each search, so no trigger can be lost when a later migration
rebuilds `articles` in batch mode. PostgreSQL: an expression GIN index on a weighted
tsvector built with the article's own language configuration.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Keep in sync with summaries.store.search.TS_CONFIGS.
_TS_CONFIG_FUNCTION = """
CREATE OR REPLACE FUNCTION newsbot_ts_config(lang text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE lang
    WHEN 'de' THEN 'german'::regconfig
    WHEN 'en' THEN 'english'::regconfig
    WHEN 'fr' THEN 'french'::regconfig
    WHEN 'es' THEN 'spanish'::regconfig
    WHEN 'it' THEN 'italian'::regconfig
    WHEN 'nl' THEN 'dutch'::regconfig
    WHEN 'pt' THEN 'portuguese'::regconfig
    WHEN 'ru' THEN 'russian'::regconfig
    WHEN 'tr' THEN 'turkish'::regconfig
    ELSE 'simple'::regconfig
  END
$$
"""
_SEARCH_INDEX = """
CREATE INDEX ix_articles_search ON articles USING gin ((
  setweight(to_tsvector(newsbot_ts_config(language), coalesce(title, '')), 'A')
  || setweight(to_tsvector(newsbot_ts_config(language), coalesce(body, '')), 'B')
))
"""


def upgrade() -> None:
    op.create_table(
        "chat_settings",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("summary_sentences", sa.Integer(), nullable=True),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("digest_minute", sa.Integer(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("quiet_start", sa.Integer(), nullable=True),
        sa.Column("quiet_end", sa.Integer(), nullable=True),
        sa.Column("link_previews", sa.Boolean(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("include_words", sa.Text(), nullable=False),
        sa.Column("exclude_words", sa.Text(), nullable=False),
        sa.Column("last_digest_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["chats.id"],
            name=op.f("fk_chat_settings_chat_id_chats"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", name=op.f("pk_chat_settings")),
    )
    op.create_table(
        "topic_routes",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("tag_key", sa.String(length=128), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id"],
            ["chats.id"],
            name=op.f("fk_topic_routes_chat_id_chats"),
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "tag_key", name=op.f("pk_topic_routes")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_TS_CONFIG_FUNCTION)
        op.execute(_SEARCH_INDEX)
    else:
        op.execute(
            "CREATE VIRTUAL TABLE articles_fts USING fts5("
            "title, body, content='', tokenize='unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_search")
        op.execute("DROP FUNCTION IF EXISTS newsbot_ts_config(text)")
    else:
        op.execute("DROP TABLE IF EXISTS articles_fts")
    op.drop_table("topic_routes")
    op.drop_table("chat_settings")
