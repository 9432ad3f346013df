"""The command line: `channelshift load|demo|status|rejects|generate|briefing|audit-pack`.

`python -m pipelines ...` and `python -m metrics ...` run the same commands. This module sits
above every layer: it only parses arguments and calls the function that does the work.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from metrics import status
from pipelines import marts, privacy, store
from pipelines.dialect import mapping_path, presets
from pipelines.load import SOURCES, load_files, load_openklant_api
from pipelines.settings import SettingsError
from pipelines.settings import load as load_settings
from pipelines.sources import openklant

EXIT_FAILED = 2
DB_HELP = "database file (default: $CHANNELSHIFT_DB or data/channelshift.duckdb)"
SETTINGS_HELP = (
    "municipality settings (TOML; default: $CHANNELSHIFT_SETTINGS or data/municipality.toml)"
)


def parser(prog: str = "channelshift") -> argparse.ArgumentParser:
    """Return the argument parser of every subcommand."""
    top = argparse.ArgumentParser(prog=prog, description=__doc__.splitlines()[0])
    sub = top.add_subparsers(dest="command", required=True)

    load = sub.add_parser("load", help="load export files of one source")
    load.add_argument("--source", required=True, choices=list(SOURCES))
    load.add_argument(
        "--mapping",
        type=mapping_path,
        help=f"mapping file (TOML) for this export, or a preset: {', '.join(presets())}",
    )
    load.add_argument(
        "--force", action="store_true", help="load again even when the same file was loaded before"
    )
    load.add_argument(
        "--dry-run",
        action="store_true",
        help="read, validate and report as a load would; store nothing",
    )
    load.add_argument(
        "--from-api",
        metavar="URL",
        help="pull from the source's API instead of files (openklant: its klantcontacten "
        "address; the token in $CHANNELSHIFT_OPENKLANT_TOKEN)",
    )
    load.add_argument("files", nargs="*", type=Path)

    demo = sub.add_parser("demo", help="write and load the demo municipality")
    demo.add_argument("--seed", type=int, default=52)
    demo.add_argument(
        "--until",
        type=date.fromisoformat,
        help="last day of the demo data (default: end of last month)",
    )
    demo.add_argument(
        "--exports",
        type=Path,
        help="folder for the raw exports (default: demo-exports beside the db)",
    )
    state = sub.add_parser("status", help="row counts, last loads, rejects and data quality")
    refresh = sub.add_parser(
        "refresh",
        help="rebuild every mart from the stored rows (after an upgrade or a settings change)",
    )
    rejected = sub.add_parser("rejects", help="the rejected rows, with line, reason and raw line")
    rejected.add_argument("--run", type=int, help="only this load run")
    rejected.add_argument("--reason", help="only this reason, e.g. invalid_date")
    rejected.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")

    generate = sub.add_parser(
        "generate", help="write synthetic exports of any size (for the benchmarks)"
    )
    generate.add_argument("--rows", type=int, required=True, help="contacts (web, phone, desk)")
    generate.add_argument("--out", type=Path, required=True, help="folder for the exports")
    generate.add_argument("--seed", type=int, default=1)
    generate.add_argument(
        "--phone-only", action="store_true", help="all rows in the phone export (ingest benchmark)"
    )
    generate.add_argument(
        "--distinct-refs",
        action="store_true",
        help="every contact from a resident of its own (worst case for pseudonymisation)",
    )

    briefing = sub.add_parser("briefing", help="council briefing for one year (PDF)")
    briefing.add_argument("--year", type=int, required=True)
    pack = sub.add_parser("audit-pack", help="audit pack for one audit period (Excel and CSV)")
    pack.add_argument("--period", required=True, help="audit period, e.g. 2022-2025")
    for command in (briefing, pack):
        command.add_argument("--lang", choices=["nl", "en"], default="nl")
        command.add_argument("--out", type=Path, required=True, help="file to write")

    for command in (load, demo, state, rejected, briefing, pack):
        command.add_argument("--db", type=Path, help=DB_HELP)
    refresh.add_argument("--db", type=Path, help=DB_HELP)
    for command in (load, demo, refresh, briefing, pack):
        command.add_argument("--settings", type=Path, help=SETTINGS_HELP)
    return top


def main(argv: list[str] | None = None, prog: str = "channelshift") -> int:
    """Run one command; return the exit code (0 ran, 1 no database for status, 2 failed)."""
    top = parser(prog)
    args = top.parse_args(argv)
    if args.command == "load" and bool(args.files) == bool(args.from_api):
        top.error("load: give the export files or --from-api URL (one of the two)")
    if args.command == "load" and args.from_api and args.source != "openklant":
        top.error(f"load: --from-api pulls from Open Klant (--source openklant), not {args.source}")
    if args.command == "generate":
        return _generate(args)
    db = store.db_path(args.db)
    if args.command in ("status", "rejects"):
        if not db.exists():
            print(f"{db}: no database yet; run `channelshift demo` or `channelshift load`")
            return 1
        if args.command == "rejects":
            print(status.rejects(db, args.run, args.reason, args.limit))
        else:
            print(status.report(db))
        return 0
    try:
        settings = load_settings(args.settings)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    if args.command in ("load", "demo"):
        return _load(args, db, settings)
    if not db.exists():
        print(f"{db}: no database; run `channelshift demo` or `load` first", file=sys.stderr)
        return EXIT_FAILED
    if args.command == "refresh":
        return _refresh(db, settings)
    return _document(args, db, settings)


def _refresh(db: Path, settings) -> int:
    """Rebuild the marts from the store, published atomically as a load is."""
    try:
        with store.writable(db) as con:
            marts.refresh(con, settings)
    except store.StoreProblem as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    print(f"{db}: every mart rebuilt from the stored rows")
    return 0


def _load(args: argparse.Namespace, db: Path, settings) -> int:
    try:
        runs = _runs(args, db, settings)
    except (privacy.KeyProblem, store.StoreProblem, openklant.PullError) as exc:
        print(exc, file=sys.stderr)
        return EXIT_FAILED
    return EXIT_FAILED if any(r.status == "failed" for r in runs) else 0


def _runs(args: argparse.Namespace, db: Path, settings) -> list:
    if args.command == "load" and args.from_api:
        return load_openklant_api(
            db,
            args.from_api,
            args.mapping,
            force=args.force,
            settings=settings,
            dry_run=args.dry_run,
        )
    if args.command == "load":
        return load_files(
            db,
            args.source,
            args.files,
            args.mapping,
            force=args.force,
            settings=settings,
            dry_run=args.dry_run,
        )
    import demo  # numpy-heavy: only the demo needs it

    return demo.build(db, until=args.until, seed=args.seed, exports=args.exports, settings=settings)


def _generate(args: argparse.Namespace) -> int:
    import demo

    for delivery in demo.write_synthetic(
        args.out,
        args.rows,
        seed=args.seed,
        phone_only=args.phone_only,
        distinct_refs=args.distinct_refs,
    ):
        for path in (*delivery.files, *filter(None, [delivery.mapping])):
            print(f"{delivery.source} {path}: {path.stat().st_size:,} bytes")
    return 0


def _document(args: argparse.Namespace, db: Path, settings) -> int:
    from documents import audit_pack, briefing

    if args.command == "briefing":
        briefing.write(db, args.year, args.lang, settings, args.out)
    else:
        try:
            audit_pack.write(db, args.period, settings, args.out, lang=args.lang)
        except audit_pack.UnknownPeriod as exc:
            print(exc, file=sys.stderr)
            return EXIT_FAILED
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
