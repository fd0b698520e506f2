"""The `newsbot` command line: run the bot, ingest and summarize reports, manage the database.

Exit codes: 0 ok, 1 some inputs failed (the good ones are still stored), 2 usage or
configuration error.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy.exc import ArgumentError, OperationalError

from bot.logs import configure_logging
from bot.settings import Settings
from summaries.db import safe_database_url
from summaries.errors import InputError

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _delegated() -> dict[str, Callable[[list[str]], int]]:
    """Subcommands implemented by their own modules, with their own argument parsers."""
    return {"eval": _eval, "bench": _bench}


def _eval(argv: list[str]) -> int:
    from summaries import evaluation  # imported on use: it loads the ROUGE scorer

    return evaluation.main(argv)


def _bench(argv: list[str]) -> int:
    """`newsbot bench WHAT ...`: each benchmark parses its own arguments."""
    from bot import bench as delivery_bench
    from summaries import bench_ingest, bench_summarize

    benches: dict[str, Callable[[list[str]], int]] = {
        "ingest": bench_ingest.main,
        "summarize": bench_summarize.main,
        **delivery_bench.COMMANDS,
    }
    if not argv or argv[0] not in benches:
        asked = argv[:1] in (["-h"], ["--help"])
        print(
            f"usage: newsbot bench {{{','.join(benches)}}} [options]",
            file=sys.stdout if asked else sys.stderr,
        )
        if asked:
            print(
                "\nEach benchmark prints JSON lines; `newsbot bench NAME --help` for its options."
            )
        return 0 if asked else EXIT_USAGE
    return benches[argv[0]](argv[1:])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="Telegram bot that pushes short news summaries to chats subscribed to tags.",
        epilog="Settings come from the environment or ./.env (see .env.example).",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    commands.add_parser(
        "run",
        help="start the bot (long polling) and its delivery loop",
        description="Start the bot with long polling. Needs TELEGRAM_BOT_TOKEN. "
        "Stops cleanly on SIGINT/SIGTERM.",
    )

    ingest = commands.add_parser(
        "ingest",
        help="store, summarize and tag news reports",
        description="Ingest news reports: seed-format files, .jsonl dumps (../shared/eval "
        "schema), directories, globs, - for stdin, or the http(s) URL of a feed or an article "
        "page. Each report is stored once, however often it is ingested.",
    )
    ingest.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="file, .jsonl, directory, glob, URL or -"
    )
    ingest.add_argument(
        "--quiet", "-q", action="store_true", help="print only errors and the total"
    )

    summarize = commands.add_parser(
        "summarize",
        help="print a report's summary without touching the database",
        description="Print the summary of one report, one sentence per line.",
    )
    summarize.add_argument("input", metavar="FILE", help="report file, or - for stdin")
    summarize.add_argument(
        "--sentences", "-n", type=_sentence_count, default=3, help="sentences (1-10, default 3)"
    )
    summarize.add_argument(
        "--language",
        "-l",
        metavar="xx",
        type=_language_code,
        help="language code, overriding detection (e.g. de)",
    )
    summarize.add_argument("--method", "-m", default="default", help="summary method (see eval)")

    db = commands.add_parser("db", help="database maintenance", description="Database maintenance.")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    db_commands.add_parser(
        "upgrade",
        help="create or migrate the schema to the latest version",
        description="Apply all pending schema migrations to DATABASE_URL.",
    )

    sources = commands.add_parser(
        "sources",
        help="manage polled feeds and pages",
        description="Feeds and pages that `newsbot run` polls.",
    )
    source_commands = sources.add_subparsers(
        dest="sources_command", metavar="ACTION", required=True
    )
    add = source_commands.add_parser("add", help="add (or re-activate) a source")
    add.add_argument("url", metavar="URL", help="feed or page URL (http or https)")
    add.add_argument("--tag", "-t", action="append", default=[], metavar="T",
                     help="default tag for its articles (repeatable)")  # fmt: skip
    add.add_argument("--interval", type=_interval, default=15, metavar="MINUTES",
                     help="minutes between polls (5-1440, default 15)")  # fmt: skip
    source_commands.add_parser("list", help="status, last fetch, errors and articles")
    remove = source_commands.add_parser("remove", help="stop polling a source")
    remove.add_argument("source", metavar="ID|URL")

    commands.add_parser(
        "bench",
        help="benchmarks (newsbot bench ingest --n N)",
        add_help=False,
    )

    commands.add_parser(
        "eval",
        help="measure summary quality (ROUGE) on a JSONL dataset",
        add_help=False,
    )
    return parser


def _interval(raw: str) -> int:
    if not raw.isdigit() or not 5 <= int(raw) <= 1440:
        raise argparse.ArgumentTypeError("must be a whole number of minutes from 5 to 1440")
    return int(raw)


def _language_code(raw: str) -> str:
    if not re.fullmatch(r"[A-Za-z]{2,3}([-_][A-Za-z]{2,4})?", raw.strip()):
        raise argparse.ArgumentTypeError(f"not a language code like de or en: {raw!r}")
    return raw.strip()


def _sentence_count(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {raw!r}") from None
    if not 1 <= value <= 10:
        raise argparse.ArgumentTypeError("must be between 1 and 10")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    delegated = _delegated()
    if args_list and args_list[0] in delegated:
        return delegated[args_list[0]](args_list[1:])
    args = build_parser().parse_args(args_list)
    try:
        settings = Settings.load()
        handler = {
            "run": _run,
            "ingest": _ingest,
            "summarize": _summarize,
            "db": _db,
            "sources": _sources,
        }[args.command]
        return handler(args, settings)
    except InputError as error:
        print(f"newsbot: {error}", file=sys.stderr)
        return EXIT_USAGE
    except (ArgumentError, OperationalError) as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        print(
            f"newsbot: cannot use the database {safe_database_url(settings.database_url)}: "
            f"{reason}",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`newsbot summarize F | head -1`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace, settings: Settings) -> int:
    token = settings.require_token()
    configure_logging(settings.log_level, secrets=[token])
    from telegram.error import InvalidToken, NetworkError

    from bot.app import run

    try:
        run(settings)
    except InvalidToken:
        print(
            f"newsbot: the Bot API server at {settings.api_url} rejected TELEGRAM_BOT_TOKEN "
            "(revoked or mistyped?).",
            file=sys.stderr,
        )
        return EXIT_USAGE
    except NetworkError as error:
        logging.getLogger("newsbot").debug("Start-up failed", exc_info=True)
        print(
            f"newsbot: cannot reach the Bot API at {settings.api_url} "
            f"({_redact(error.message, token)}); check TELEGRAM_API_URL and the network.",
            file=sys.stderr,
        )
        return EXIT_SOME_FAILED
    return EXIT_OK


def _redact(text: str, secret: str) -> str:
    return text.replace(secret, "<redacted>")


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    from summaries.db import upgrade
    from summaries.ingest import Ingestor
    from summaries.store import Store

    configure_logging("WARNING")
    upgrade(settings.database_url)
    store = Store.from_url(settings.database_url)
    stored = known = failed = 0
    try:
        for outcome in Ingestor(store).ingest_paths(args.inputs):
            if not outcome.ok:
                failed += 1
                print(f"error: {outcome.error}", file=sys.stderr)
                continue
            if outcome.created:
                stored += 1
            else:
                known += 1
            if not args.quiet:
                status = "stored" if outcome.created else "already stored"
                if outcome.duplicate_of:
                    status = f"stored (same story as #{outcome.duplicate_of})"
                language = f" [{outcome.language}]" if outcome.language else ""
                print(f"{status} #{outcome.article_id}{language} {outcome.title}")
                if outcome.created:
                    print(f"  tags: {', '.join(outcome.tags) or '-'}")
                    for sentence in outcome.summary:
                        print(f"  | {sentence}")
    finally:
        store.close()
    print(f"{stored} stored, {known} already stored, {failed} failed", file=sys.stderr)
    return EXIT_SOME_FAILED if failed else EXIT_OK


def _sources(args: argparse.Namespace, settings: Settings) -> int:
    from summaries import sources
    from summaries.db import upgrade
    from summaries.store import Store

    configure_logging("WARNING")
    upgrade(settings.database_url)
    store = Store.from_url(settings.database_url)
    try:
        if args.sources_command == "add":
            print(sources.add_source(store, args.url, tags=args.tag, interval=args.interval))
        elif args.sources_command == "remove":
            print(sources.remove_source(store, args.source))
        else:
            print(sources.format_source_table(store.list_sources()))
        return EXIT_OK
    finally:
        store.close()


def _summarize(args: argparse.Namespace, settings: Settings) -> int:
    from summaries.language import detect_language, language_name
    from summaries.report import parse_report
    from summaries.summarizer import METHODS, summarize
    from summaries.text import decode_bytes

    if args.method not in METHODS:
        raise InputError(f"unknown method {args.method!r}; choose from {', '.join(METHODS)}")
    try:
        data = sys.stdin.buffer.read() if args.input == "-" else Path(args.input).read_bytes()
    except OSError as error:
        print(f"newsbot: {args.input}: cannot read ({error.strerror or error})", file=sys.stderr)
        return EXIT_SOME_FAILED
    try:
        report = parse_report(decode_bytes(data))
    except InputError as error:
        print(f"newsbot: {args.input}: {error}", file=sys.stderr)
        return EXIT_SOME_FAILED
    language = args.language or detect_language(f"{report.title}\n{report.body}")
    if args.language and language_name(args.language) is None:
        print(
            f"newsbot: no models for language {args.language!r}; "
            "using the language-neutral fallback",
            file=sys.stderr,
        )
    for sentence in summarize(
        report.body, language, sentences=args.sentences, title=report.title, method=args.method
    ):
        print(sentence)
    return EXIT_OK


def _db(args: argparse.Namespace, settings: Settings) -> int:
    from summaries.db import upgrade

    upgrade(settings.database_url)
    print("database is up to date", file=sys.stderr)
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
