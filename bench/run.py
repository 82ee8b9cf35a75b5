"""kpitui speed benchmark (DESIGN.md section 8): `python bench/run.py --help`; bench/README.md says what it measures.

The code is in the package bench/kpibench/, one module per concern: cli (options, dispatch), parent (orchestration,
budgets, JSON), children (worker processes), dataset (the scale database), floor (the hand-written-SQL reference),
queries (warm timings beside the floor), plans (EXPLAIN QUERY PLAN), fresh (first call, memory, logging), frame
(the app's first frame), scaling, report (the tables). The parent starts this same file again as each worker.
"""

# The workers report their import and open time from this timestamp: take it before any other import.
# (The first frame is timed from the very top of its own subprocess: kpibench/frame.py.)
import time

_T0 = time.perf_counter()

import sys  # noqa: E402

from kpibench.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(_T0))
