"""Fault rules for ``BotApiEmulator.set_faults``: what Telegram does to a bot on a bad day.

Each helper returns one rule. A rule answers calls to ``method`` (``"*"`` for any; a list
for several), optionally only for ``chat_id`` (one id or a list), after letting the first
``skip`` matching calls pass, for ``times`` calls (``None``: until cleared). ``delay`` adds
seconds before the answer. Faulted calls are never stored as delivered messages, except
``drop_response`` (Telegram got the message, the bot never hears back).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ChatIds = int | str | Sequence[int | str] | None
Rule = dict[str, Any]


def rule(
    action: str,
    *,
    method: str | Sequence[str] = "sendMessage",
    chat_id: ChatIds = None,
    times: int | None = None,
    skip: int = 0,
    delay: float = 0.0,
    **fields: Any,
) -> Rule:
    """Build a rule for any action the emulator knows (see tests/emulator/lib/faults.js)."""
    out: Rule = {"action": action, "method": method if isinstance(method, str) else list(method)}
    if chat_id is not None:
        out["chat_id"] = chat_id if isinstance(chat_id, int | str) else list(chat_id)
    if times is not None:
        out["times"] = times
    if skip:
        out["skip"] = skip
    if delay:
        out["delay"] = delay
    out.update(fields)
    return out


def retry_after(seconds: int, *, times: int | None = 1, **kw: Any) -> Rule:
    """429 Too Many Requests with parameters.retry_after (PTB raises RetryAfter)."""
    return rule("retry_after", retry_after=seconds, times=times, **kw)


def blocked(**kw: Any) -> Rule:
    """403 "Forbidden: bot was blocked by the user"."""
    return rule("blocked", **kw)


def kicked(**kw: Any) -> Rule:
    """403 "Forbidden: bot was kicked from the group chat"."""
    return rule("kicked", **kw)


def deactivated(**kw: Any) -> Rule:
    """403 "Forbidden: user is deactivated"."""
    return rule("deactivated", **kw)


def forbidden(description: str, **kw: Any) -> Rule:
    """403 with a description of your choice (it should start with "Forbidden: ")."""
    return rule("forbidden", description=description, **kw)


def migrated(new_chat_id: int, **kw: Any) -> Rule:
    """400 with parameters.migrate_to_chat_id (PTB raises ChatMigrated)."""
    return rule("migrate", migrate_to_chat_id=new_chat_id, **kw)


def parse_error(description: str | None = None, **kw: Any) -> Rule:
    """400 "Bad Request: can't parse entities: ..."."""
    return rule("parse_error", **({"description": description} if description else {}), **kw)


def bad_request(description: str = "Bad Request: chat not found", **kw: Any) -> Rule:
    """400 with the given description."""
    return rule("bad_request", description=description, **kw)


def topic_deleted(**kw: Any) -> Rule:
    """400 "Bad Request: message thread not found": the forum topic was deleted. The
    emulator does not model topics, so limit the rule to the sends meant for that topic
    (``chat_id``, ``times``)."""
    return bad_request("Bad Request: message thread not found", **kw)


def server_error(status: int = 500, description: str = "Internal Server Error", **kw: Any) -> Rule:
    """A 5xx answer (PTB raises NetworkError)."""
    return rule("server_error", status=status, description=description, **kw)


def delay(seconds: float, **kw: Any) -> Rule:
    """Answer normally after ``seconds``; if the client gives up first, nothing is stored."""
    return rule("delay", delay=seconds, **kw)


def timeout(**kw: Any) -> Rule:
    """Never answer; the client times out (PTB raises TimedOut). Nothing is stored."""
    return rule("timeout", **kw)


def reset(**kw: Any) -> Rule:
    """Close the connection without an answer (PTB raises NetworkError). Nothing is stored."""
    return rule("reset", **kw)


def drop_response(**kw: Any) -> Rule:
    """Store the message but close the connection instead of answering: a send the bot
    cannot know succeeded (the at-most-once-more case after a crash or network error)."""
    return rule("drop_response", **kw)
