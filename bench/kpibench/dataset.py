"""Worker `prepare`: the scale database (built with the real seed when missing), and copies of it."""

import argparse
import shutil
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

from kpibench.common import BENCH, KPI_TABLES, SEED, SEED_END, ZONE


def worker_prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Build the database with the real seed unless it exists; bring its schema to head; count rows."""
    from kpitui.services import Kpitui

    path = Path(args.db)
    built = None
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        svc = Kpitui.open(str(path), zone=ZONE)
        last = [-1]

        def progress(done: int, total: int) -> None:
            pct = int(100 * done / total) if total else 0
            if pct // 10 != last[0] // 10:
                last[0] = pct
                print(f"  seeding {path.name}: {pct}%", file=sys.stderr, flush=True)

        t = time.perf_counter()
        summary_ = svc.seed(reps=args.reps, days=args.days, seed=SEED, end=SEED_END, progress=progress)
        built = {"seconds": round(time.perf_counter() - t, 1), "summary": summary_.__dict__}
        svc.db.dispose()
    else:
        svc = Kpitui.open(str(path), zone=ZONE)  # ensure_schema: a newer migration (e.g. an index) applies
        svc.db.dispose()
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in KPI_TABLES}
        indexes = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'"))
        has_stats = bool(conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone())
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    finally:
        conn.close()
    size = sum(p.stat().st_size for p in path.parent.glob(path.name + "*")
               if p.name in (path.name, path.name + "-wal"))
    return {"db": str(path), "built": built, "rows": counts, "size_mb": round(size / 1e6, 1), "indexes": indexes,
            "sqlite_stat1": has_stats, "alembic_revision": revision[0] if revision else None}



def copy_database(source: Path, target: Path) -> None:
    wal = source.with_name(source.name + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        shutil.copyfile(source, target)
        return
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(str(target))
    with dst:
        src.backup(dst)
    dst.close()
    src.close()



def db_path_for(reps: int, days: int) -> Path:
    return BENCH / f"scale-{reps}x{days}.db"
