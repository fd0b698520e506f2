"""`newsbot bench delivery|fanout|match|memory`: delivery-engine benchmarks that print JSON.

- delivery: the real DeliveryWorker and PTB bot against a local Bot API sink
  (bot/bench_sink.py on 127.0.0.1); paced (rate, busiest 1-s window, per-chat and
  per-group violations, measured on arrival at the sink) and unpaced (pipeline ceiling).
- fanout: time to plan one article to N subscribed chats (one INSERT ... SELECT), on
  SQLite and PostgreSQL.
- match: median time to find the chats for an article's tags among many subscriptions.
- memory: peak RSS of a real `newsbot run` process while it delivers to N chats.
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import contextlib
import itertools
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from bot.pacing import PacingConfig
from summaries.db import upgrade
from summaries.store import Store, benchdata

DEFAULT_POSTGRES_URL = os.environ.get(
    "NEWSBOT_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
TOKEN = "123456:" + "B" * 35


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="newsbot bench", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="bench", required=True)

    delivery = commands.add_parser("delivery", help="send rate and pacing violations")
    delivery.add_argument("--chats", type=int, default=200)
    delivery.add_argument("--messages", type=int, default=10, help="articles, each to every chat")
    delivery.add_argument("--groups", type=float, default=0.1, help="share of group chats")
    delivery.add_argument("--pacing", choices=["on", "off", "both"], default="both")
    delivery.add_argument("--rate", type=float, default=30.0, help="global messages/s when paced")
    delivery.add_argument(
        "--concurrency",
        type=int,
        help="sends in flight (default: 16 paced, as in production; 2 unpaced, which is"
        " fastest against a local sink on 2 cores, where the CPU is the limit)",
    )
    delivery.add_argument("--database-url", help="default: a fresh SQLite file")

    fanout = commands.add_parser("fanout", help="planning time of one big fan-out")
    fanout.add_argument("--subscribers", type=int, default=100_000)
    fanout.add_argument("--articles", type=int, default=3, help="fan-outs to time")
    fanout.add_argument("--backends", default="sqlite,postgresql")
    fanout.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)

    match = commands.add_parser("match", help="finding the chats for an article's tags")
    match.add_argument("--subscriptions", type=int, default=1_000_000)
    match.add_argument("--chats", type=int, default=100_000)
    match.add_argument("--tags", type=int, default=10_000)
    match.add_argument("--tags-per-article", type=int, default=3)
    match.add_argument("--queries", type=int, default=300)
    match.add_argument("--backends", default="postgresql")
    match.add_argument("--postgres-url", default=DEFAULT_POSTGRES_URL)

    memory = commands.add_parser("memory", help="peak RSS of `newsbot run` delivering")
    memory.add_argument("--chats", type=int, default=100_000)
    memory.add_argument("--seconds", type=float, default=180.0, help="stop after this long")
    memory.add_argument("--pacing", choices=["on", "off"], default="off")

    args = parser.parse_args(argv)
    handler = {
        "delivery": bench_delivery,
        "fanout": bench_fanout,
        "match": bench_match,
        "memory": bench_memory,
    }[args.bench]
    for line in handler(args):
        print(json.dumps(line), flush=True)
    return 0


# ---- databases -------------------------------------------------------------------------


@contextlib.contextmanager
def fresh_database(backend: str, postgres_url: str = DEFAULT_POSTGRES_URL) -> Iterator[str]:
    """A migrated empty database: a temp SQLite file, or a throwaway PostgreSQL schema."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="newsbot-bench-") as folder:
            url = f"sqlite:///{folder}/bench.sqlite3"
            upgrade(url)
            yield url
        return
    from sqlalchemy import create_engine, text

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    separator = "&" if "?" in postgres_url else "?"
    url = f"{postgres_url}{separator}options=-csearch_path%3D{schema}"
    try:
        upgrade(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# ---- the sink --------------------------------------------------------------------------


@contextlib.contextmanager
def bot_api_sink() -> Iterator[str]:
    """Start bot/bench_sink.py; yields its root URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.bench_sink"],
        stdout=subprocess.PIPE,
        cwd=Path(__file__).resolve().parent.parent,
    )
    try:
        assert process.stdout is not None
        port = json.loads(process.stdout.readline())["port"]
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _sink_get(url: str, path: str) -> Any:
    return httpx.get(f"{url}{path}", timeout=60, trust_env=False).json()


# ---- delivery --------------------------------------------------------------------------


def bench_delivery(args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    modes = ["on", "off"] if args.pacing == "both" else [args.pacing]
    for mode in modes:
        concurrency = args.concurrency or (16 if mode == "on" else 2)
        pacing = PacingConfig(enabled=mode == "on", global_rate=args.rate, concurrency=concurrency)
        if args.database_url:
            yield asyncio.run(_delivery_run(args, args.database_url, pacing))
            continue
        with fresh_database("sqlite") as url:
            yield asyncio.run(_delivery_run(args, url, pacing))


async def _delivery_run(args: argparse.Namespace, url: str, pacing: PacingConfig) -> dict[str, Any]:
    from telegram.ext import ExtBot
    from telegram.request import HTTPXRequest

    from bot.delivery import DeliveryWorker, telegram_rate_limiter

    store = Store.from_url(url)
    chats = benchdata.add_chats(store, args.chats, tag_keys=["bench"], group_share=args.groups)
    for n in range(args.messages):
        benchdata.add_tagged_article(store, f"Bench story {n} {uuid.uuid4().hex[:6]}", ["bench"])
    total = len(chats) * args.messages
    with bot_api_sink() as sink:
        bot: ExtBot[Any] = ExtBot(
            TOKEN,
            base_url=f"{sink}/bot",
            request=HTTPXRequest(connection_pool_size=pacing.concurrency + 4),
            rate_limiter=telegram_rate_limiter(pacing),
        )
        await bot.initialize()
        worker = DeliveryWorker(
            store, interval=0.2, pacing=pacing, lease=timedelta(seconds=60), batch_size=200
        )
        stop = asyncio.Event()
        started = time.monotonic()
        task = asyncio.create_task(worker.run(bot, stop))
        async with httpx.AsyncClient(base_url=sink, trust_env=False) as client:
            while (await client.get("/_stats")).json()["count"] < total:
                await asyncio.sleep(1.0)
                if time.monotonic() - started > max(600.0, total / 5):
                    break
        elapsed = time.monotonic() - started
        stop.set()
        await task
        await bot.shutdown()
        arrivals = [(t, int(c)) for t, c in _sink_get(sink, "/_arrivals")["arrivals"]]
    store.close()
    return _delivery_report(arrivals, dict(chats), pacing, total, elapsed)


def _delivery_report(
    arrivals: list[tuple[float, int]],
    chat_types: dict[int, str],
    pacing: PacingConfig,
    expected: int,
    elapsed: float,
) -> dict[str, Any]:
    times = sorted(t for t, _ in arrivals)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    rate = (len(times) - 1) / span if span else 0.0
    report: dict[str, Any] = {
        "bench": "delivery",
        "pacing": "on" if pacing.enabled else "off",
        "chats": len(chat_types),
        "concurrency": pacing.concurrency,
        "groups": sum(1 for kind in chat_types.values() if kind == "group"),
        "expected": expected,
        "delivered": len(times),
        "seconds": round(span, 2),
        "wall_seconds": round(elapsed, 2),
        "rate_per_s": round(rate, 2),
        "sustained_rate_per_s": round(_sustained_rate(times), 2),
        "max_in_any_1s_window": _max_in_window(times, 1.0),
    }
    if pacing.enabled:
        by_chat: dict[int, list[float]] = defaultdict(list)
        for t, chat_id in arrivals:
            by_chat[chat_id].append(t)
        private_violations = group_violations = 0
        for chat_id, stamps in by_chat.items():
            stamps.sort()
            if chat_types.get(chat_id) == "group":
                limit = int(pacing.group_per_minute)
                group_violations += sum(
                    1
                    for i, t in enumerate(stamps)
                    if bisect.bisect_left(stamps, t + 60.0) - i > limit
                )
            else:
                private_violations += sum(1 for a, b in itertools.pairwise(stamps) if b - a < 1.0)
        report.update(
            {
                "target_rate": pacing.global_rate,
                "sustained_share_of_target": round(_sustained_rate(times) / pacing.global_rate, 3),
                "whole_run_share_of_target": round(rate / pacing.global_rate, 3),
                "global_violations": sum(
                    1
                    for i, t in enumerate(times)
                    if bisect.bisect_left(times, t + 1.0) - i > pacing.global_rate
                ),
                "private_chat_violations": private_violations,
                "group_violations": group_violations,
            }
        )
    return report


def _sustained_rate(times: list[float]) -> float:
    """Rate between the 5th and the 95th percentile message: without ramp-up and the tail
    (the last messages of a run may all be for groups waiting out their 3-s gap)."""
    if len(times) < 20:
        return 0.0
    low, high = int(len(times) * 0.05), int(len(times) * 0.95)
    return (high - low) / (times[high] - times[low])


def _max_in_window(times: list[float], width: float) -> int:
    return max((bisect.bisect_left(times, t + width) - i for i, t in enumerate(times)), default=0)


# ---- fan-out planning ------------------------------------------------------------------


def bench_fanout(args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    for backend in args.backends.split(","):
        with fresh_database(backend, args.postgres_url) as url:
            store = Store.from_url(url)
            benchdata.add_chats(store, args.subscribers, tag_keys=["fan"])
            benchdata.add_chats(store, 1000, tag_keys=["other"], first_id=10_000_000)
            timings = []
            rows = []
            for n in range(args.articles):
                benchdata.add_tagged_article(store, f"Fan-out story {n}", ["fan", "extra"])
                started = time.perf_counter()
                rows.append(store.plan_deliveries(limit=1))
                timings.append(time.perf_counter() - started)
            store.close()
        yield {
            "bench": "fanout",
            "backend": backend,
            "subscribers": args.subscribers,
            "rows_per_fanout": rows,
            "seconds": [round(t, 3) for t in timings],
            "median_seconds": round(statistics.median(timings), 3),
        }


# ---- matching --------------------------------------------------------------------------


def bench_match(args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    per_chat = max(args.subscriptions // args.chats, 1)
    for backend in args.backends.split(","):
        with fresh_database(backend, args.postgres_url) as url:
            store = Store.from_url(url)
            started = time.perf_counter()
            articles = benchdata.seed_match_corpus(
                store,
                chats=args.chats,
                tags=args.tags,
                per_chat=per_chat,
                articles=200,
                tags_per_article=args.tags_per_article,
            )
            seeded = time.perf_counter() - started
            for article_id in articles[:20]:  # warm the cache and the pool
                store.matching_chat_ids(article_id)
            timings = []
            found = []
            for n in range(args.queries):
                article_id = articles[n % len(articles)]
                t0 = time.perf_counter()
                found.append(len(store.matching_chat_ids(article_id)))
                timings.append((time.perf_counter() - t0) * 1000)
            store.close()
        timings.sort()
        yield {
            "bench": "match",
            "backend": backend,
            "subscriptions": args.chats * per_chat,
            "chats": args.chats,
            "tags": args.tags,
            "tags_per_article": args.tags_per_article,
            "queries": args.queries,
            "median_ms": round(statistics.median(timings), 3),
            "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 3),
            "mean_chats_found": round(statistics.mean(found), 1),
            "seed_seconds": round(seeded, 1),
        }


# ---- memory of a real `newsbot run` -----------------------------------------------------


def bench_memory(args: argparse.Namespace) -> Iterator[dict[str, Any]]:
    with fresh_database("sqlite") as url, bot_api_sink() as sink:
        store = Store.from_url(url)
        benchdata.add_chats(store, args.chats, tag_keys=["mem"])
        benchdata.add_tagged_article(store, "Memory bench story", ["mem"])
        store.close()
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DELIVERY_", "TELEGRAM_"))},
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": sink,
            "DATABASE_URL": url,
            "DELIVERY_INTERVAL": "1",
            "DELIVERY_PACING": args.pacing,
            "LOG_LEVEL": "WARNING",
        }
        with tempfile.TemporaryDirectory() as cwd:
            process = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                env={**env, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
                cwd=cwd,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            started = time.monotonic()
            peak_rss = 0
            delivered = 0
            try:
                while time.monotonic() - started < args.seconds and process.poll() is None:
                    status = _proc_status(process.pid)
                    peak_rss = max(peak_rss, status.get("VmHWM", 0), status.get("VmRSS", 0))
                    delivered = _sink_get(sink, "/_stats")["count"]
                    if delivered >= args.chats:
                        break
                    time.sleep(0.25)
                status = _proc_status(process.pid)
                peak_rss = max(peak_rss, status.get("VmHWM", 0))
            finally:
                process.send_signal(signal.SIGTERM)
                try:
                    _, errors = process.communicate(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    _, errors = process.communicate()
        elapsed = time.monotonic() - started
    yield {
        "bench": "memory",
        "chats": args.chats,
        "pacing": args.pacing,
        "delivered": delivered,
        "seconds": round(elapsed, 1),
        "peak_rss_mb": round(peak_rss / 1024, 1),
        "measured": "VmHWM of the `newsbot run` process from /proc/PID/status",
        "stderr_tail": errors.decode(errors="replace")[-300:] if delivered < args.chats else "",
    }


def _proc_status(pid: int) -> dict[str, int]:
    """Memory lines of /proc/PID/status in kB (Linux)."""
    values = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, rest = line.partition(":")
            if key in {"VmRSS", "VmHWM"}:
                values[key] = int(rest.split()[0])
    return values


def _command(name: str) -> Any:
    return lambda argv: main([name, *argv])


# `newsbot bench NAME ...` entries for bot/cli.py.
COMMANDS = {name: _command(name) for name in ("delivery", "fanout", "match", "memory")}
