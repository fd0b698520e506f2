"""A minimal local Bot API sink for benchmarks: accepts every call, records sendMessage arrivals.

Run as `python -m bot.bench_sink`; it prints `{"port": N}` on stdout once listening on
127.0.0.1. `GET /_stats` returns `{"count": n}`; `GET /_arrivals` returns every sendMessage
as `[monotonic arrival time, chat_id]`. Plain asyncio streams, so the bot, not the sink, is
the bottleneck (thousands of calls/s on one core).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
from typing import Any
from urllib.parse import parse_qsl

_arrivals: list[tuple[float, int]] = []
_message_ids = iter(range(1, 1 << 62))


def _answer(method: str, params: dict[str, Any]) -> Any:
    if method == "getMe":
        return {"id": 123456, "is_bot": True, "first_name": "Bench", "username": "BenchBot"}
    if method == "sendMessage":
        chat_id = int(params["chat_id"])
        _arrivals.append((time.monotonic(), chat_id))
        return {
            "message_id": next(_message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "text": str(params.get("text", ""))[:16],
        }
    if method == "getUpdates":
        return []
    return True


async def _getupdates_pause(params: dict[str, Any]) -> None:
    timeout = float(params.get("timeout") or 0)
    await asyncio.sleep(min(timeout, 5.0))


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            verb, path, _ = lines[0].split(" ", 2)
            headers = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:])}
            body = await reader.readexactly(int(headers.get("content-length", "0") or 0))
            status = 200
            payload: dict[str, Any] = {"ok": True}
            if path == "/_stats":
                payload = {"count": len(_arrivals)}
            elif path == "/_arrivals":
                payload = {"arrivals": _arrivals}
            else:
                method = path.rsplit("/", 1)[-1]
                if "json" in headers.get("content-type", ""):
                    params = json.loads(body or b"{}")
                else:
                    params = dict(parse_qsl(body.decode("utf-8")))
                if method == "getUpdates":
                    await _getupdates_pause(params)
                payload = {"ok": True, "result": _answer(method, params)}
            data = json.dumps(payload).encode()
            writer.write(
                f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(data)}\r\n\r\n".encode()
                + data
            )
            await writer.drain()
            del verb
    except (asyncio.IncompleteReadError, ConnectionError):
        pass
    finally:
        writer.close()


async def _serve() -> None:
    server = await asyncio.start_server(_handle, "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    print(json.dumps({"port": port}), flush=True)
    async with server:
        await server.serve_forever()


def main() -> int:
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
