"""Command line: `python -m metrics briefing|audit-pack`: the documents for council and audit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from metrics.settings import SettingsError
from metrics.settings import load as load_settings
from pipelines import store


def main(argv: list[str] | None = None) -> int:
    """Write a council briefing (PDF) or an audit pack (Excel and CSV); return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m metrics", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    brief = sub.add_parser("briefing", help="council briefing for one year (PDF)")
    brief.add_argument("--year", type=int, required=True)
    brief.add_argument("--lang", choices=["nl", "en"], default="nl")
    pack = sub.add_parser("audit-pack", help="audit pack for one audit period (Excel and CSV)")
    pack.add_argument("--period", required=True, help="audit period, e.g. 2022-2025")
    for command in (brief, pack):
        command.add_argument(
            "--db",
            type=Path,
            help="database file (default: $CHANNELSHIFT_DB or data/channelshift.duckdb)",
        )
        command.add_argument("--settings", type=Path, help="municipality settings (TOML)")
        command.add_argument("--out", type=Path, required=True, help="file to write")
    args = parser.parse_args(argv)
    db = store.db_path(args.db)
    if not db.exists():
        print(f"{db}: no database; run `python -m pipelines demo` or `load` first", file=sys.stderr)
        return 2
    try:
        settings = load_settings(args.settings)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.command == "briefing":
        from metrics import briefing

        briefing.write(db, args.year, args.lang, settings, args.out)
    else:
        from metrics import audit_pack

        try:
            audit_pack.write(db, args.period, settings, args.out)
        except audit_pack.UnknownPeriod as exc:
            print(exc, file=sys.stderr)
            return 2
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
