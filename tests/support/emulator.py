"""Run the Bot API emulator (tests/emulator) and play Telegram users against a real bot.

The emulator is telegram-test-api behind a layer that answers like Telegram for
python-telegram-bot 22 (see tests/emulator/server.js). This class starts it on a free
127.0.0.1 port, injects user updates, reads back what the bot sent, records every Bot API
call and injects faults. All waiting happens server-side (long polls), not in sleep loops.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import httpx

EMULATOR_DIR = Path(__file__).resolve().parents[1] / "emulator"
SERVER_JS = EMULATOR_DIR / "server.js"
INSTALL_HINT = "npm ci --prefix tests/emulator"
# Real tokens are "<bot id>:<35 characters>"; the emulator answers getMe with this bot id.
DEFAULT_TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0"
BOT_USERNAME = "TestNameBot"

JSON = dict[str, Any]


class EmulatorError(RuntimeError):
    """The emulator could not start, or answered a control request with an error."""


class EmulatorNotInstalled(EmulatorError):
    """node or the emulator's node_modules are missing."""


def check_installed() -> str:
    """Return the node executable; raise EmulatorNotInstalled with the fix when missing."""
    node = shutil.which("node")
    if node is None:
        raise EmulatorNotInstalled(
            "node is not on PATH: the e2e tests need Node.js >= 18 to run the Bot API emulator"
        )
    if not (EMULATOR_DIR / "node_modules" / "telegram-test-api").is_dir():
        raise EmulatorNotInstalled(
            f"{EMULATOR_DIR}/node_modules is missing: run `{INSTALL_HINT}` "
            "from the repository root (CI does this in .ci/run)"
        )
    return node


def user_object(
    user_id: int,
    *,
    first_name: str = "Tester",
    last_name: str | None = None,
    username: str | None = None,
    language_code: str | None = "en",
) -> JSON:
    """Build a Telegram User object for a person."""
    user: JSON = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name is not None:
        user["last_name"] = last_name
    if username is not None:
        user["username"] = username
    if language_code is not None:
        user["language_code"] = language_code
    return user


def chat_object(
    chat_id: int,
    chat_type: str,
    *,
    title: str | None = None,
    username: str | None = None,
    first_name: str = "Tester",
    is_forum: bool = False,
) -> JSON:
    """Build a Telegram Chat object; checks the id sign convention for the chat type."""
    if chat_type == "private":
        if chat_id <= 0:
            raise ValueError("a private chat id is the user's (positive) id")
        chat: JSON = {"id": chat_id, "type": "private", "first_name": first_name}
    elif chat_type in ("group", "supergroup", "channel"):
        if chat_id >= 0:
            raise ValueError(f"a {chat_type} id is negative (supergroups/channels: -100...)")
        chat = {"id": chat_id, "type": chat_type, "title": title or f"Test {chat_type} {chat_id}"}
        if is_forum:
            chat["is_forum"] = True
    else:
        raise ValueError(f"unknown chat type {chat_type!r}")
    if username is not None:
        chat["username"] = username
    return chat


_ADMIN_RIGHTS = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": False,
    "can_edit_stories": False,
    "can_delete_stories": False,
    "can_post_messages": True,
    "can_edit_messages": True,
    "can_pin_messages": True,
}


def chat_member_object(user: JSON, status: str) -> JSON:
    """Build a ChatMember object with the fields PTB requires for its status."""
    member: JSON = {"status": status, "user": user}
    if status == "administrator":
        member.update(_ADMIN_RIGHTS)
    elif status == "creator":
        member["is_anonymous"] = False
    elif status == "kicked":
        member["until_date"] = 0
    elif status == "restricted":
        raise ValueError("restricted members are not modelled; use send_update with a full object")
    return member


class BotApiEmulator:
    """The Bot API emulator as a context manager.

    Attributes:
        url: server root for ``TELEGRAM_API_URL`` (requests go to ``{url}/bot{token}/{method}``).
        token: the bot token the emulator accepts (others get 401 Unauthorized).
        bot_id: the bot's user id (the token's numeric prefix), as getMe answers.
        bot_username: ``TestNameBot``; group commands are ``/cmd@TestNameBot``.
    """

    bot_username = BOT_USERNAME

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        log_path: Path | None = None,
        store_timeout: int = 86400,
        startup_timeout: float = 15.0,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.url = ""
        self.log_path = log_path
        self._store_timeout = store_timeout
        self._startup_timeout = startup_timeout
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None
        self._http: httpx.Client | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> Self:
        """Start node on a free port and wait until it listens."""
        node = check_installed()
        if self.log_path is None:
            fd, name = tempfile.mkstemp(prefix="bot-api-emulator-", suffix=".log")
            os.close(fd)
            self.log_path = Path(name)
        self._log = self.log_path.open("ab")
        self._proc = subprocess.Popen(
            [
                node,
                str(SERVER_JS),
                "--token",
                self.token,
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--store-timeout",
                str(self._store_timeout),
                "--exit-with-stdin",
            ],
            cwd=EMULATOR_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
        )
        port = self._read_port()
        self.url = f"http://127.0.0.1:{port}"
        self._http = httpx.Client(base_url=self.url, timeout=30.0, trust_env=False)
        return self

    def _read_port(self) -> int:
        assert self._proc is not None and self._proc.stdout is not None
        deadline = time.monotonic() + self._startup_timeout
        line = b""
        with selectors.DefaultSelector() as sel:
            sel.register(self._proc.stdout, selectors.EVENT_READ)
            while not line.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or not sel.select(left):
                    self.stop()
                    raise EmulatorError(f"emulator did not start in time; log:\n{self.log_text()}")
                chunk = os.read(self._proc.stdout.fileno(), 4096)
                if not chunk:
                    self.stop()
                    raise EmulatorError(f"emulator exited on start; log:\n{self.log_text()}")
                line += chunk
        return int(json.loads(line.splitlines()[0])["port"])

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL after 5 s); safe to call twice."""
        if self._http is not None:
            self._http.close()
            self._http = None
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            for pipe in (proc.stdin, proc.stdout):
                if pipe is not None:
                    pipe.close()
        if self._log is not None:
            self._log.close()
            self._log = None

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
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def log_text(self) -> str:
        """The emulator's own log (stderr)."""
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def bot_env(self) -> dict[str, str]:
        """Environment that points a bot at this emulator."""
        return {"TELEGRAM_BOT_TOKEN": self.token, "TELEGRAM_API_URL": self.url}

    @property
    def ptb_base_url(self) -> str:
        """``base_url`` for ``telegram.Bot`` (PTB appends the token)."""
        return f"{self.url}/bot"

    # ---- control requests ------------------------------------------------------------------

    def _request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: Mapping[str, Any] | None = None,
        wait: float = 0.0,
    ) -> Any:
        if self._http is None:
            raise EmulatorError("the emulator is not running")
        query = {k: v for k, v in (params or {}).items() if v is not None}
        response = self._http.request(
            method, path, json=json_body, params=query, timeout=30.0 + wait
        )
        body = response.json()
        if not body.get("ok"):
            raise EmulatorError(f"{method} {path}: {body.get('description')}")
        return body["result"]

    # ---- playing users ---------------------------------------------------------------------

    def send_message(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        chat_type: str = "private",
        first_name: str = "Tester",
        last_name: str | None = None,
        language_code: str | None = "en",
        username: str | None = None,
        chat_title: str | None = None,
        chat_username: str | None = None,
        is_forum: bool = False,
        message_thread_id: int | None = None,
        reply_to_message_id: int | None = None,
        entities: Sequence[JSON] | None = None,
    ) -> int:
        """Have a user write ``text`` in a chat; returns the message_id the bot will see.

        ``/commands`` get bot_command entities automatically. Private chats need
        ``chat_id == user_id``; groups a negative id, supergroups and channels ``-100...``.
        In a channel the message is a ``channel_post`` without ``from``.
        """
        if chat_type == "private" and chat_id != user_id:
            raise ValueError("in a private chat, chat_id is the user's id")
        chat = chat_object(
            chat_id,
            chat_type,
            title=chat_title,
            username=chat_username,
            first_name=first_name,
            is_forum=is_forum,
        )
        message: JSON = {"chat": chat, "text": text}
        if chat_type == "channel":
            message["sender_chat"] = chat
            kind = "channel_post"
        else:
            message["from"] = user_object(
                user_id,
                first_name=first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
            )
            kind = "message"
        if message_thread_id is not None:
            message["message_thread_id"] = message_thread_id
        if reply_to_message_id is not None:
            message["reply_to_message_id"] = reply_to_message_id
        if entities is not None:
            message["entities"] = list(entities)
        result = self._request(
            "POST", "/_updates/message", json_body={"kind": kind, "message": message}
        )
        return int(result["message_id"])

    def send_edited_message(
        self,
        chat_id: int,
        user_id: int,
        message_id: int,
        text: str,
        *,
        chat_type: str = "private",
        first_name: str = "Tester",
        language_code: str | None = "en",
        chat_title: str | None = None,
    ) -> int:
        """Have a user edit their earlier message; returns the update_id."""
        message = {
            "message_id": message_id,
            "chat": chat_object(chat_id, chat_type, title=chat_title, first_name=first_name),
            "from": user_object(user_id, first_name=first_name, language_code=language_code),
            "text": text,
        }
        result = self._request(
            "POST", "/_updates/message", json_body={"kind": "edited_message", "message": message}
        )
        return int(result["update_id"])

    def send_callback(
        self,
        chat_id: int,
        user_id: int,
        data: str,
        message_id: int,
        *,
        first_name: str = "Tester",
        language_code: str | None = "en",
        username: str | None = None,
        force: bool = False,
    ) -> str:
        """Have a user press the inline button with ``data`` under a bot message.

        The button must exist on that message unless ``force=True`` (stale or forged data).
        Returns the callback query id (see ``callback_answers``).
        """
        result = self._request(
            "POST",
            "/_updates/callback",
            json_body={
                "chat_id": chat_id,
                "message_id": message_id,
                "data": data,
                "force": force,
                "from": user_object(
                    user_id, first_name=first_name, username=username, language_code=language_code
                ),
            },
        )
        return str(result["callback_query_id"])

    def send_update(self, update: JSON) -> int:
        """Queue a raw update (without update_id); returns the update_id it got."""
        return int(
            self._request("POST", "/_updates/raw", json_body={"update": update})["update_id"]
        )

    def send_my_chat_member(
        self,
        chat_id: int,
        user_id: int,
        *,
        new_status: str,
        old_status: str | None = None,
        chat_type: str = "private",
        chat_title: str | None = None,
        first_name: str = "Tester",
        language_code: str | None = "en",
    ) -> int:
        """Tell the bot its own status in a chat changed (blocked = "kicked", back = "member")."""
        if old_status is None:
            old_status = "member" if new_status in ("kicked", "left") else "left"
        bot = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Test Name Bot",
            "username": BOT_USERNAME,
        }
        return self.send_update(
            {
                "my_chat_member": {
                    "chat": chat_object(
                        chat_id, chat_type, title=chat_title, first_name=first_name
                    ),
                    "from": user_object(
                        user_id, first_name=first_name, language_code=language_code
                    ),
                    "date": int(time.time()),
                    "old_chat_member": chat_member_object(bot, old_status),
                    "new_chat_member": chat_member_object(bot, new_status),
                }
            }
        )

    def set_chat(
        self,
        chat_id: int,
        *,
        chat_type: str,
        title: str | None = None,
        username: str | None = None,
        is_forum: bool = False,
        creator: int | None = None,
        admins: Iterable[int] = (),
        members: Iterable[int] = (),
        bot_status: str | None = None,
    ) -> JSON:
        """Declare a chat and who is in it (for getChat, getChatMember, getChatAdministrators)."""
        people = [{"user": user_object(creator), "status": "creator"}] if creator else []
        people += [{"user": user_object(u), "status": "administrator"} for u in admins]
        people += [{"user": user_object(u), "status": "member"} for u in members]
        chat = chat_object(chat_id, chat_type, title=title, username=username, is_forum=is_forum)
        body: JSON = {"chat": chat, "members": people}
        if bot_status is not None:
            body["bot_status"] = bot_status
        return dict(self._request("POST", "/_chats", json_body=body))

    # ---- reading what happened ----------------------------------------------------------------

    def bot_messages(
        self, chat_id: int | None = None, *, include_deleted: bool = False
    ) -> list[JSON]:
        """Everything the bot sent (optionally to one chat), in message_id order.

        Each item: message_id, chat_id, text (as sent, e.g. with HTML tags), parse_mode,
        plain_text and entities (as Telegram parsed them), reply_markup, message_thread_id,
        date, edit_date, edits, deleted, params (the last send/edit call's parameters).
        """
        result = self._request(
            "GET",
            "/_messages",
            params={"chat_id": chat_id, "include_deleted": "1" if include_deleted else None},
        )
        return list(result["messages"])

    def wait_for_messages(
        self, chat_id: int | None, count: int, timeout: float = 10.0
    ) -> list[JSON]:
        """Wait until the bot has at least ``count`` messages in the chat; return them all."""
        result = self._request(
            "GET",
            "/_messages",
            params={"chat_id": chat_id, "min_count": count, "timeout": timeout},
            wait=timeout,
        )
        messages: list[JSON] = result["messages"]
        if result["timed_out"]:
            texts = [m["text"] for m in messages]
            raise AssertionError(
                f"expected {count} bot message(s) in chat {chat_id} within {timeout} s, "
                f"got {len(messages)}: {texts!r}"
            )
        return messages

    def calls(self, method: str | None = None, *, since: int = 0) -> list[JSON]:
        """Bot API calls (seq, method, chat_id, params, time, finished_at, status, ok,
        description, fault, outcome, message_id), optionally one method, after seq ``since``."""
        return list(
            self._request("GET", "/_calls", params={"method": method, "since": since})["calls"]
        )

    def last_call_seq(self) -> int:
        """The seq of the latest call, to pass as ``since`` later."""
        return int(self._request("GET", "/_calls", params={"since": 2**53})["last_seq"])

    def wait_for_calls(
        self,
        method: str | None,
        count: int,
        *,
        since: int = 0,
        timeout: float = 10.0,
        finished: bool = True,
    ) -> list[JSON]:
        """Wait until ``count`` calls of ``method`` were made after seq ``since``.

        With ``finished=False`` calls still in progress count too (a pending long poll).
        """
        calls, timed_out = self.poll_calls(
            method, count, since=since, timeout=timeout, finished=finished
        )
        if timed_out:
            raise AssertionError(
                f"expected {count} {method or 'API'} call(s) within {timeout} s, got {len(calls)}"
            )
        return calls

    def poll_calls(
        self,
        method: str | None,
        count: int,
        *,
        since: int = 0,
        timeout: float = 1.0,
        finished: bool = True,
    ) -> tuple[list[JSON], bool]:
        """Like ``wait_for_calls`` without raising: (calls, timed_out)."""
        params = {"method": method, "since": since, "min_count": count, "timeout": timeout}
        if not finished:
            params["pending"] = "1"
        result = self._request("GET", "/_calls", params=params, wait=timeout)
        return list(result["calls"]), bool(result["timed_out"])

    def clear_calls(self) -> None:
        self._request("DELETE", "/_calls")

    def callback_answers(self) -> list[JSON]:
        """Callback queries sent so far: id, chat_id, message_id, data, answer (None until the
        bot answered; then text, show_alert, url)."""
        return list(self._request("GET", "/_callbacks"))

    def pending_updates(self) -> list[JSON]:
        """Updates the bot has not acknowledged yet (fetched ones included)."""
        return list(self._request("GET", "/_updates/pending"))

    def wait_updates_acknowledged(self, timeout: float = 10.0) -> None:
        """Wait until the bot confirmed every update (its next getUpdates offset)."""
        deadline = time.monotonic() + timeout
        while self.pending_updates():
            if time.monotonic() > deadline:
                raise AssertionError(f"updates still unacknowledged after {timeout} s")
            time.sleep(0.05)

    def state(self) -> JSON:
        """Webhook, registered commands, bot descriptions, allowed_updates, pending count."""
        return dict(self._request("GET", "/_state"))

    # ---- faults ------------------------------------------------------------------------------

    def set_faults(self, rules: Sequence[JSON], *, append: bool = False) -> list[JSON]:
        """Install fault rules (see tests/support/faults.py); replaces earlier ones."""
        return list(
            self._request("POST", "/_faults", json_body={"rules": list(rules), "append": append})
        )

    def add_fault(self, rule: JSON) -> list[JSON]:
        return self.set_faults([rule], append=True)

    def faults(self) -> list[JSON]:
        """Installed rules with their ``hits`` counts."""
        return list(self._request("GET", "/_faults"))

    def clear_faults(self) -> None:
        self._request("DELETE", "/_faults")

    def reset(self) -> None:
        """Forget chats, messages, updates, calls and faults (ids keep increasing)."""
        self._request("POST", "/_reset")
