"""Sessions and dialect helpers that every group of store queries builds on."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Self, cast

from sqlalchemy import CursorResult, Engine, Result
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, sessionmaker

from summaries.db import make_engine, make_session_factory


@dataclass(frozen=True)
class TagRef:
    """A tag as shown to people and as matched."""

    display: str
    key: str


def content_hash(title: str, body: str) -> str:
    """Identity of an article's text, blind to whitespace and case differences."""
    normalized = " ".join(body.split()).casefold() or " ".join(title.split()).casefold()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE, DELETE or INSERT matched. `Session.execute` is typed to return a
    Result; for these statements it is a CursorResult, which has `rowcount` (a cast only)."""
    return cast("CursorResult[Any]", result).rowcount


class StoreBase:
    """Sessions and dialect helpers shared by every group of queries."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions: sessionmaker[Session] = make_session_factory(engine)

    @classmethod
    def from_url(cls, url: str, **engine_kwargs: Any) -> Self:
        return cls(make_engine(url, **engine_kwargs))

    def close(self) -> None:
        self.engine.dispose()

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions.begin() as session:
            yield session

    @property
    def _dialect(self) -> str:
        return self.engine.dialect.name

    def _insert(self, table: Any) -> Any:
        """An INSERT that understands ON CONFLICT on both supported backends."""
        return (postgresql.insert if self._dialect == "postgresql" else sqlite.insert)(table)
