"""Command line: `python -m pipelines load|demo|status`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from metrics.settings import SettingsError
from metrics.settings import load as load_settings
from pipelines import status, store
from pipelines.load import SOURCES, load_deliveries, load_files, local_now

EXIT_FILE_FAILED = 2


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ran, 2 a file failed)."""
    parser = argparse.ArgumentParser(prog="python -m pipelines", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    load = sub.add_parser("load", help="load export files of one source")
    load.add_argument("--source", required=True, choices=list(SOURCES))
    load.add_argument("--mapping", type=Path, help="mapping file (TOML) for this export")
    load.add_argument(
        "--force", action="store_true", help="load again even when the same file was loaded before"
    )
    load.add_argument("files", nargs="+", type=Path)

    build = sub.add_parser("demo", help="write and load the demo municipality")
    build.add_argument("--seed", type=int, default=52)
    build.add_argument(
        "--until",
        type=date.fromisoformat,
        help="last day of the demo data (default: end of last month)",
    )
    build.add_argument(
        "--exports",
        type=Path,
        help="folder for the raw exports (default: demo-exports beside the db)",
    )

    for command in (load, build):
        command.add_argument(
            "--settings",
            type=Path,
            help="municipality settings (TOML; "
            "default: $CHANNELSHIFT_SETTINGS or data/municipality.toml)",
        )
    sub.add_parser("status", help="row counts, last loads, rejects and data quality")
    for command in sub.choices.values():
        command.add_argument(
            "--db",
            type=Path,
            help="database file (default: $CHANNELSHIFT_DB or data/channelshift.duckdb)",
        )
    generate = sub.add_parser(
        "generate", help="write synthetic exports of any size (for the benchmarks)"
    )
    generate.add_argument("--rows", type=int, required=True, help="contacts (web, phone, desk)")
    generate.add_argument("--out", type=Path, required=True, help="folder for the exports")
    generate.add_argument("--seed", type=int, default=1)
    generate.add_argument(
        "--phone-only", action="store_true", help="all rows in the phone export (ingest benchmark)"
    )
    args = parser.parse_args(argv)
    if args.command == "generate":
        from pipelines.generate import write_exports

        for delivery in write_exports(
            args.out, args.rows, seed=args.seed, phone_only=args.phone_only
        ):
            for path in (*delivery.files, *filter(None, [delivery.mapping])):
                print(f"{delivery.source} {path}: {path.stat().st_size:,} bytes")
        return 0
    db = store.db_path(args.db)

    if args.command == "status":
        if not db.exists():
            print(f"{db}: no database yet; run `python -m pipelines demo` or `load`")
            return 1
        print(status.report(db))
        return 0
    try:
        settings = load_settings(args.settings)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FILE_FAILED
    if args.command == "load":
        runs = load_files(
            db, args.source, args.files, args.mapping, force=args.force, settings=settings
        )
    else:
        from pipelines import demo  # numpy-heavy; only the demo needs it

        until = args.until or demo.last_month_end(local_now().date())
        exports = args.exports or db.with_name("demo-exports")
        deliveries = demo.write_exports(exports, until=until, seed=args.seed)
        runs = load_deliveries(db, deliveries, settings=settings)
    return EXIT_FILE_FAILED if any(r.status == "failed" for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
