"""Time and memory of reading hostile mail, by doubling sizes.

    python bench/hostile.py [--max-mb 2] [--big-mb 20] [--shape SUBSTRING]

For each shape of ``tests/hostile.py`` and each size from 64 KB doubling up to
``--max-mb``, prints the time to parse and analyse the message (the best of two runs)
and the peak memory the Python heap grew by (tracemalloc, a separate run), and the
ratio of each time to the one before it: about 2 means linear, about 4 quadratic.
Then a ``--big-mb`` file of each shape goes through ``followup analyze``'s path
(read the file, parse, analyse) with the same figures. Targets: any message up to
2 MB in at most 1 s; a 20 MB file in at most 5 s and 150 MB.
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from hostile import BUILDERS  # noqa: E402

from agent.analysis import Analyzer  # noqa: E402
from agent.errors import BadInputError  # noqa: E402
from agent.message import parse_message  # noqa: E402
from agent.rules import Rules  # noqa: E402


def _read(analyzer: Analyzer, raw: bytes) -> str:
    try:
        analyzer.analyze(parse_message(raw))
    except BadInputError as exc:
        return f"refused ({exc})"
    return ""


def _measure(analyzer: Analyzer, raw: bytes) -> tuple[float, float, str]:
    best = float("inf")
    outcome = ""
    for _ in range(2):
        started = time.perf_counter()
        outcome = _read(analyzer, raw)
        best = min(best, time.perf_counter() - started)
    tracemalloc.start()
    _read(analyzer, raw)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return best, peak / 1e6, outcome


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--max-mb", type=float, default=2.0)
    parser.add_argument("--big-mb", type=float, default=20.0)
    parser.add_argument("--shape", default="", help="only shapes whose name contains this")
    args = parser.parse_args()
    analyzer = Analyzer(Rules.load(None))
    _read(analyzer, BUILDERS["plain: one long line"](1000))  # load the models first

    worst = {"time_2mb": 0.0, "time_big": 0.0, "mem_big": 0.0}
    print(f"{'shape':34} {'size':>8} {'seconds':>8} {'x prev':>7} {'peak MB':>8}")
    for name, build in BUILDERS.items():
        if args.shape not in name:
            continue
        size, previous = 64 * 1024, None
        while size <= args.max_mb * 1024 * 1024:
            seconds, peak, outcome = _measure(analyzer, build(size))
            ratio = f"{seconds / previous:7.1f}" if previous else " " * 7
            print(f"{name:34} {size // 1024:>6}KB {seconds:8.3f} {ratio} {peak:8.1f} {outcome}")
            worst["time_2mb"] = max(worst["time_2mb"], seconds)
            previous, size = max(seconds, 1e-4), size * 2
    print()
    print(f"{'a file through analyze':34} {'size':>8} {'seconds':>8} {'':>7} {'peak MB':>8}")
    scratch = Path("/tmp") / "followup-bench-hostile.eml"
    for name, build in BUILDERS.items():
        if args.shape not in name:
            continue
        scratch.write_bytes(build(int(args.big_mb * 1024 * 1024)))
        started = time.perf_counter()
        outcome = _read(analyzer, scratch.read_bytes())
        seconds = time.perf_counter() - started
        tracemalloc.start()
        _read(analyzer, scratch.read_bytes())
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{name:34} {args.big_mb:>6.0f}MB {seconds:8.3f} {'':7} {peak / 1e6:8.1f} {outcome}")
        worst["time_big"] = max(worst["time_big"], seconds)
        worst["mem_big"] = max(worst["mem_big"], peak / 1e6)
    scratch.unlink(missing_ok=True)
    print()
    print(
        f"worst: {worst['time_2mb']:.2f} s up to {args.max_mb:g} MB (target 1 s); "
        f"{worst['time_big']:.2f} s and {worst['mem_big']:.0f} MB at {args.big_mb:g} MB "
        "(targets 5 s, 150 MB)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
