"""Demo and synthetic data: raw exports in the shapes real systems write, loaded like real data.

- `build(db)` writes the demo municipality's exports and loads them through the pipeline
  (the dashboard's first start and `channelshift demo`);
- `write_exports(folder, until=..., seed=...)` writes only the demo municipality's exports;
- `write_synthetic(folder, rows, ...)` writes exports of any size for the benchmarks.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from demo.municipality import last_month_end, write_exports
from demo.synthetic import write_exports as write_synthetic
from pipelines.load import Run, load_deliveries
from pipelines.settings import Settings, local_now

__all__ = ["build", "last_month_end", "write_exports", "write_synthetic"]


def build(
    db: Path,
    *,
    until: date | None = None,
    seed: int = 52,
    exports: Path | None = None,
    settings: Settings | None = None,
) -> list[Run]:
    """Write the demo municipality's exports (beside the store by default) and load them."""
    until = until or last_month_end(local_now().date())
    deliveries = write_exports(exports or db.with_name("demo-exports"), until=until, seed=seed)
    return load_deliveries(db, deliveries, settings=settings)
