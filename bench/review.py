"""Review benchmark: ``status``, ``processes --all`` and ``show`` over a long job search.

    .venv/bin/python bench/review.py                       # N = 100, 1,000 and 10,000
    .venv/bin/python bench/review.py --sizes 1000 --repeat 7

For each N, ``bench/state.py`` builds a state directory with N processes and 3N
messages (as a year of scans leaves it). Then, in the same run:

* ``followup status`` before any pass kept the processes (as after an upgrade);
* daemon passes: ``run_pass`` on an Engine built once, over the account's (empty)
  Maildir, CPU time of this process: the first (it drafts what is due and keeps the
  processes), then the median of several with nothing new;
* ``followup status``, ``followup processes --all`` and ``followup show ID`` as a
  user runs them (a child process each: wall time, median of ``--repeat`` runs,
  after one untimed run);
* a full rebuild: every process derived again from the stored records, and its
  next step planned (what the review commands did on every call before the
  derived state was kept), CPU time.

Targets: status and processes <= 150 ms wall at N = 1,000, growing less than
linearly; a pass with nothing new <= 50 ms CPU at N = 1,000.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from state import NOW as STATE_NOW  # noqa: E402
from state import build_state  # noqa: E402

# As the command line reads --now (a fixed offset): passes and commands see one zone.
NOW = datetime.fromisoformat(STATE_NOW.isoformat())


# The commands run a minute after the last daemon pass (what is kept is from then).
AFTER_PASSES = NOW + timedelta(minutes=5 * 20 + 1)


def cli_wall(config: Path, *args: str) -> float:
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="120")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's install has its byte code compiled
    t0 = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "agent.cli",
            *args,
            "--config",
            str(config),
            "--now",
            AFTER_PASSES.isoformat(),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        check=False,
    )
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"followup {' '.join(args)} failed: {done.stderr.decode()[-2000:]}")
    return wall


def median_of(repeat: int, run: Callable[[], float]) -> float:
    run()  # warm the page cache and the interpreter's byte code
    return statistics.median(run() for _ in range(repeat))


def cpu(run: Callable[[], object]) -> float:
    t0 = time.process_time()
    run()
    return time.process_time() - t0


def full_rebuild(config_path: Path) -> float:
    """CPU seconds to derive every process from the records and plan its next step."""
    from agent.commands.review import Review
    from agent.config import load_config
    from agent.store import Store

    config = load_config(config_path)
    with Store.open(config.db_path) as store:
        review = Review(config, store, NOW)
        rebuild = getattr(review, "rebuilt_views", None)  # the derivation alone, kept state aside
        return cpu(rebuild if rebuild is not None else review.views)


def daemon_passes(config_path: Path, passes: int) -> tuple[float, float, int]:
    """(CPU of the first pass, median CPU of the passes with nothing new, processes)."""
    from agent.config import load_config
    from agent.pipeline.engine import Engine
    from agent.pipeline.passes import run_pass
    from agent.store import Store

    config = load_config(config_path)
    engine = Engine(config)
    with Store.open(config.db_path) as store:
        store.acquire_writer_lock()
        first = cpu(lambda: run_pass(engine, store, now=NOW))
        times = []
        report = None
        for n in range(1, passes + 1):
            now = NOW + timedelta(minutes=5 * n)
            t0 = time.process_time()
            report = run_pass(engine, store, now=now)
            times.append(time.process_time() - t0)
        assert report is not None and report.ok, report and report.to_json()
        return first, statistics.median(times), report.accounts[0].processes


def measure(size: int, repeat: int, passes: int, workdir: Path) -> dict[str, float]:
    root = workdir / f"n{size}"
    t0 = time.perf_counter()
    info = build_state(root, processes=size)
    built = time.perf_counter() - t0
    print(
        f"N = {size:,}: {info.messages:,} messages, {info.drafts:,} drafts "
        f"(state built in {built:.1f} s)",
        flush=True,
    )
    show_id = info.process_ids[len(info.process_ids) // 2]
    from agent.tracker import short_hash

    show_id = short_hash(show_id)
    out: dict[str, float] = {}
    out["rebuild"] = full_rebuild(info.config)
    out["status, nothing kept"] = cli_wall(info.config, "status")
    out["first pass"], out["pass"], processes = daemon_passes(info.config, passes)
    out["status"] = median_of(repeat, lambda: cli_wall(info.config, "status"))
    out["processes --all"] = median_of(repeat, lambda: cli_wall(info.config, "processes", "--all"))
    out["show"] = median_of(repeat, lambda: cli_wall(info.config, "show", show_id))
    out["processes"] = processes
    for label, unit in (
        ("rebuild", "s CPU: every process derived from the records and planned"),
        ("status, nothing kept", "s wall: `followup status` before any pass kept the processes"),
        ("first pass", "s CPU: the first daemon pass (drafts the due follow-ups)"),
        ("pass", "s CPU: a daemon pass with nothing new"),
        ("status", "s wall: `followup status`"),
        ("processes --all", "s wall: `followup processes --all`"),
        ("show", "s wall: `followup show ID`"),
    ):
        print(f"  {label:<22} {out[label] * 1000:9,.0f} m{unit}", flush=True)
    print(f"  ({processes:,} processes)", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each command")
    parser.add_argument(
        "--passes", type=int, default=5, help="daemon passes with nothing new (at most 20)"
    )
    args = parser.parse_args()
    args.passes = min(args.passes, 20)
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="followup-review-") as tmp:
        for size in sizes:
            results[size] = measure(size, args.repeat, args.passes, Path(tmp))
    print("\nsummary (ms; rebuild and pass are CPU, the commands wall)")
    keys = ("rebuild", "status", "processes --all", "show", "pass")
    print(f"  {'N':>8}  " + "  ".join(f"{k:>16}" for k in keys))
    for size in sizes:
        row = results[size]
        print(f"  {size:>8,}  " + "  ".join(f"{row[k] * 1000:16,.0f}" for k in keys))
    if len(sizes) > 1:
        a, b = sizes[0], sizes[-1]
        growth = ", ".join(
            f"{k} x{results[b][k] / results[a][k]:.1f}"
            for k in ("status", "processes --all", "pass")
        )
        print(f"  growth from N = {a:,} to {b:,} (x{b / a:g}): {growth}")


if __name__ == "__main__":
    main()
