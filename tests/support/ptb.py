"""A python-telegram-bot ``Bot`` talking to the emulator, for tests that call the API directly."""

from __future__ import annotations

from telegram import Bot
from telegram.request import HTTPXRequest

from tests.support.emulator import BotApiEmulator


def local_request(read_timeout: float | None = 5.0) -> HTTPXRequest:
    """An HTTPXRequest for plain http on 127.0.0.1; skipping TLS setup makes it ~10x cheaper."""
    return HTTPXRequest(read_timeout=read_timeout, httpx_kwargs={"verify": False})


def emulator_bot(emulator: BotApiEmulator, *, read_timeout: float | None = 5.0) -> Bot:
    """A Bot for the emulator; use ``async with`` (initialize calls getMe)."""
    return Bot(
        emulator.token,
        base_url=emulator.ptb_base_url,
        request=local_request(read_timeout),
        get_updates_request=local_request(read_timeout),
    )
