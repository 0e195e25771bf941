"""Reply parsing benchmark: how often the new words are kept and the quoted mail hidden.

    .venv/bin/python bench/replies.py                 # shares, then the doubling table
    .venv/bin/python bench/replies.py --rev HEAD~1    # compare against another commit (default 9349ddb)
    .venv/bin/python bench/replies.py --no-sizes      # shares only

1. For each fixture set in ``tests/replies/`` prints the share of fixtures whose reply is
   kept without a leak (every expected reply line in ``text``, no quoted line in it), for
   ``agent/quoting.py`` as it was at ``--rev`` (loaded from git into a temporary module)
   and as it is in the work tree.
2. Prints a doubling table for the work tree: every public function of the module run on
   hostile inputs from 64 KB to 2 MB as they are (``clean_body`` alone caps text at
   200 KB), with the time and the peak memory (tracemalloc) per size. Linear code shows a
   time ratio near 2 from one row to the next; a ratio near 4 is quadratic.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import tracemalloc
import types
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_quoting import HOSTILE_INPUTS, judge, load_body, reply_fixtures, run_every_function  # noqa: E402


def _module_at(rev: str) -> types.ModuleType:
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:agent/quoting.py"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    module = types.ModuleType(f"quoting_at_{rev}")
    exec(compile(source, f"{rev}:agent/quoting.py", "exec"), module.__dict__)
    return module


def shares(clean_body) -> tuple[Counter, Counter]:
    good: Counter = Counter()
    total: Counter = Counter()
    for set_name, _name, path, expected in reply_fixtures():
        plain, html = load_body(path)
        total[set_name] += 1
        try:
            text = clean_body(plain, html)[0]
        except Exception:  # noqa: BLE001 - an old version may crash on a fixture
            continue
        missing, leaked = judge(text, expected)
        good[set_name] += not missing and not leaked
    return good, total


def print_shares(rev: str) -> None:
    import agent.quoting as current

    rows = {f"{rev} (before)": _module_at(rev).clean_body, "work tree": current.clean_body}
    results = {label: shares(fn) for label, fn in rows.items()}
    sets = sorted(next(iter(results.values()))[1])
    print(f"{'set':20}" + "".join(f"{label:>22}" for label in results))
    for set_name in [*sets, "ALL"]:
        cells = []
        for good, total in results.values():
            g = sum(good.values()) if set_name == "ALL" else good[set_name]
            t = sum(total.values()) if set_name == "ALL" else total[set_name]
            cells.append(f"{g:>3}/{t:<3} {100 * g / t:5.1f}%")
        print(f"{set_name:20}" + "".join(f"{c:>22}" for c in cells))


def print_doubling() -> None:
    sizes = [64 * 1024 * 2**k for k in range(6)]  # 64 KB .. 2 MB
    print(f"\n{'input':28}{'size':>9}{'seconds':>10}{'ratio':>7}{'peak MB':>10}")
    for name, make in HOSTILE_INPUTS.items():
        previous = None
        for size in sizes:
            plain, html = make(size)
            tracemalloc.start()
            started = time.perf_counter()
            run_every_function(plain, html)
            elapsed = time.perf_counter() - started
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            ratio = f"{elapsed / previous:7.2f}" if previous else " " * 7
            print(f"{name:28}{size // 1024:>7}KB{elapsed:10.3f}{ratio}{peak / 2**20:10.1f}")
            previous = max(elapsed, 1e-6)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rev",
        default="9349ddb",
        help="commit whose quoting.py is 'before' (default: the regex-based one)",
    )
    parser.add_argument("--no-sizes", action="store_true", help="skip the doubling table")
    args = parser.parse_args()
    print_shares(args.rev)
    if not args.no_sizes:
        print_doubling()


if __name__ == "__main__":
    main()
