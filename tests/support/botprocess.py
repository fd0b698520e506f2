"""Run the real bot (or any script) as a subprocess the way a user would, for e2e tests.

The process gets a clean environment for the bot's own variables (nothing leaks in from the
developer's shell or a `.env` in the repository, since it runs in its own working directory),
the repository on PYTHONPATH, and writes stdout and stderr to one log file that tests search.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Self

REPO_ROOT = Path(__file__).resolve().parents[2]
# Variables the bot reads; inherited values are dropped so only the test's settings count.
BOT_VARIABLES = ("DATABASE_URL", "ADMIN_IDS", "LOG_LEVEL")


def child_env(env: Mapping[str, str]) -> dict[str, str]:
    """The environment for a bot or CLI subprocess: ours, minus bot settings, plus ``env``."""
    out = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "DELIVERY_")) and k not in BOT_VARIABLES
    }
    pythonpath = out.get("PYTHONPATH")
    out["PYTHONPATH"] = str(REPO_ROOT) + (os.pathsep + pythonpath if pythonpath else "")
    out["PYTHONUNBUFFERED"] = "1"
    out["NO_PROXY"] = out["no_proxy"] = "127.0.0.1,localhost"
    out.update(env)
    return out


def run_cli(
    args: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: Path,
    timeout: float = 120.0,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot.cli ARGS`` (the ``newsbot`` console script) to completion."""
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env=child_env(env),
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class BotProcess:
    """A long-running bot process with its log in a file.

    Default command: ``python -m bot.cli run`` (== ``newsbot run``).
    """

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        log_path: Path,
        cwd: Path | None = None,
        argv: Sequence[str] | None = None,
    ) -> None:
        self.env = dict(env)
        self.log_path = log_path
        self.cwd = cwd or log_path.parent
        self.argv = list(argv) if argv is not None else [sys.executable, "-m", "bot.cli", "run"]
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self) -> Self:
        if self._proc is not None:
            raise RuntimeError("already started; make a new BotProcess to restart")
        self._log = self.log_path.open("ab")
        self._proc = subprocess.Popen(
            self.argv,
            env=child_env(self.env),
            cwd=self.cwd,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        return self

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise RuntimeError("not started")
        return self._proc.pid

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def returncode(self) -> int | None:
        return None if self._proc is None else self._proc.poll()

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM, wait up to ``timeout`` s, then SIGKILL; returns the exit code."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._close_log()
        return proc.returncode

    def kill9(self) -> int | None:
        """SIGKILL at once, like a crash; returns the exit code (-9)."""
        proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        self._close_log()
        return proc.returncode

    def wait_exit(self, timeout: float = 10.0) -> int:
        """Wait for the process to end by itself; returns the exit code."""
        if self._proc is None:
            raise RuntimeError("not started")
        code = self._proc.wait(timeout=timeout)
        self._close_log()
        return code

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_mark(self) -> int:
        """Current log length, to pass as ``since`` and ignore older lines."""
        return len(self.log_text())

    def wait_log(self, pattern: str, timeout: float = 10.0, *, since: int = 0) -> re.Match[str]:
        """Wait until the log (after offset ``since``) matches ``pattern``; fail fast on exit."""
        regex = re.compile(pattern, re.MULTILINE)
        deadline = time.monotonic() + timeout
        while True:
            exited = not self.running
            match = regex.search(self.log_text(), since)
            if match:
                return match
            if exited:
                raise AssertionError(
                    f"bot exited with {self.returncode} before logging /{pattern}/; log:\n"
                    f"{self.tail()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"no /{pattern}/ in the bot log after {timeout} s; log:\n{self.tail()}"
                )
            time.sleep(0.05)

    def tail(self, lines: int = 60) -> str:
        return "\n".join(self.log_text().splitlines()[-lines:])
