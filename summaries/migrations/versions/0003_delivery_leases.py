"""delivery leases: which process holds a `sending` row; no per-row FK checks on deliveries

deliveries.chat_id/article_id lose their foreign-key constraints: PostgreSQL checks them
with one trigger call per inserted row, which doubled the time of a 100k-chat fan-out.
The store is the only writer and takes both ids from chats and articles.
A partial index on inactive chats lets matching exclude them with one small anti-join.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-27
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=64), nullable=True))
        batch_op.drop_constraint("fk_deliveries_chat_id_chats", type_="foreignkey")
        batch_op.drop_constraint("fk_deliveries_article_id_articles", type_="foreignkey")
    op.create_index(
        "ix_chats_inactive",
        "chats",
        ["id"],
        postgresql_where=sa.text("NOT active"),
        sqlite_where=sa.text("NOT active"),
    )


def downgrade() -> None:
    op.drop_index("ix_chats_inactive", table_name="chats")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("claimed_by")
        batch_op.create_foreign_key(
            "fk_deliveries_chat_id_chats",
            "chats",
            ["chat_id"],
            ["id"],
            onupdate="CASCADE",
            ondelete="CASCADE",
        )
        batch_op.create_foreign_key(
            "fk_deliveries_article_id_articles",
            "articles",
            ["article_id"],
            ["id"],
            ondelete="CASCADE",
        )
