"""Fixtures for end-to-end tests: a Bot API emulator per test and real bot processes.

Everything under tests/e2e is marked ``e2e``. Nothing is skipped: without node or the
emulator's node_modules the tests fail and say to run ``npm ci --prefix tests/emulator``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot

from tests.support.botprocess import BotProcess, run_cli
from tests.support.emulator import BotApiEmulator, EmulatorNotInstalled
from tests.support.ptb import emulator_bot

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if E2E_DIR in item.path.parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def _emulator_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[BotApiEmulator]]:
    """One emulator process per session (node start costs ~0.5 s); replaced if it died."""
    holder: list[BotApiEmulator] = []
    yield holder
    for emu in holder:
        emu.stop()


@pytest.fixture
def emulator(
    _emulator_server: list[BotApiEmulator], tmp_path_factory: pytest.TempPathFactory
) -> BotApiEmulator:
    """A Bot API emulator in a clean state: no chats, messages, updates, calls or faults.

    The node process is shared by the session and reset before each test (message and
    update ids keep increasing across tests). Its log: ``emulator.log_path``.
    """
    if not _emulator_server or not _emulator_server[0].running:
        for dead in _emulator_server:
            dead.stop()
        _emulator_server.clear()
        log_path = tmp_path_factory.mktemp("emulator") / "emulator.log"
        try:
            _emulator_server.append(BotApiEmulator(log_path=log_path).start())
        except EmulatorNotInstalled as exc:
            pytest.fail(str(exc), pytrace=False)
    emu = _emulator_server[0]
    emu.reset()
    return emu


@pytest.fixture
async def tg_bot(emulator: BotApiEmulator) -> AsyncIterator[Bot]:
    """An initialized ``telegram.Bot`` on the emulator, for calling the Bot API directly."""
    async with emulator_bot(emulator) as bot:
        yield bot


@pytest.fixture
def bot_env(emulator: BotApiEmulator, tmp_path: Path) -> dict[str, str]:
    """Environment for ``newsbot run``/``ingest``: the emulator, a SQLite file, 1 s delivery."""
    return {
        **emulator.bot_env(),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'newsbot.db'}",
        "DELIVERY_INTERVAL": "1",
    }


StartBot = Callable[..., BotProcess]


@pytest.fixture
def start_bot(
    emulator: BotApiEmulator, bot_env: dict[str, str], tmp_path: Path
) -> Iterator[StartBot]:
    """Factory: ``start_bot(env=None, argv=None, wait_polling=True, timeout=30.0)``.

    Starts ``python -m bot.cli run`` (or ``argv``) with ``bot_env`` plus ``env`` in tmp_path,
    logging to tmp_path/bot-N.log. With ``wait_polling`` it returns once the process made its
    first getUpdates call, and fails with the log if it died first. Every process is stopped
    (SIGTERM, then SIGKILL) at teardown.
    """
    started: list[BotProcess] = []

    def start(
        *,
        env: Mapping[str, str] | None = None,
        argv: Sequence[str] | None = None,
        wait_polling: bool = True,
        timeout: float = 30.0,
    ) -> BotProcess:
        since = emulator.last_call_seq()
        proc = BotProcess(
            {**bot_env, **(env or {})},
            argv=argv,
            cwd=tmp_path,
            log_path=tmp_path / f"bot-{len(started) + 1}.log",
        ).start()
        started.append(proc)
        if wait_polling:
            wait_until_polling(emulator, proc, since=since, timeout=timeout)
        return proc

    yield start
    for proc in started:
        proc.stop()


def wait_until_polling(
    emulator: BotApiEmulator, proc: BotProcess, *, since: int, timeout: float
) -> None:
    """Wait for the process's first getUpdates after call ``since``; fail if it exits."""
    waited = 0.0
    while waited < timeout:
        _, timed_out = emulator.poll_calls(
            "getUpdates", 1, since=since, timeout=0.25, finished=False
        )
        if not timed_out:
            return
        if not proc.running:
            pytest.fail(f"bot exited with {proc.returncode} before polling; log:\n{proc.tail()}")
        waited += 0.25
    pytest.fail(f"bot did not poll within {timeout} s; log:\n{proc.tail()}")


@pytest.fixture
def newsbot_cli(bot_env: dict[str, str], tmp_path: Path) -> Callable[..., Any]:
    """``newsbot_cli(*args, env=None, stdin=None, timeout=120)``: run ``python -m bot.cli ARGS``
    to completion with ``bot_env`` in tmp_path; returns subprocess.CompletedProcess."""

    def run(
        *args: str,
        env: Mapping[str, str] | None = None,
        stdin: str | None = None,
        timeout: float = 120.0,
    ) -> Any:
        return run_cli(
            args, env={**bot_env, **(env or {})}, cwd=tmp_path, stdin=stdin, timeout=timeout
        )

    return run
