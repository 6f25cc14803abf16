"""``jitcy build profile.json``: compile a recorded profile into the cache, in parallel.

Exit codes: 0 every function built (or already cached), 1 some failed or the profile is
unreadable, 2 bad usage. Progress goes to stderr, one line per function; ``--json`` prints
the results on stdout.
"""
from __future__ import annotations

import json
import os
import sys
import time


def add_parser(commands) -> None:
    p = commands.add_parser("build", help="compile the functions of a recorded profile into "
                                          "the cache (jitcy run --record / jitcy.record)")
    p.add_argument("profile", help="profile.json written by jitcy run --record or jitcy.record()")
    p.add_argument("-j", "--jobs", type=int, default=None,
                   help=f"parallel build processes (default: all cores, {os.cpu_count()})")
    p.add_argument("--json", action="store_true", help="print the results as JSON on stdout")


def run(args) -> int:
    from . import aot
    if args.jobs is not None and args.jobs < 1:
        print("jitcy build: --jobs must be >= 1", file=sys.stderr)
        return 2
    try:
        total = sum(len(f["signatures"]) for f in aot.load_profile(args.profile))
    except FileNotFoundError:
        print(f"jitcy build: no such profile: {args.profile}; record one with "
              f"`jitcy run --record {args.profile} app.py` or jitcy.record()", file=sys.stderr)
        return 1
    except (OSError, ValueError) as exc:
        print(f"jitcy build: {exc}", file=sys.stderr)
        return 1
    jobs = max(1, min(args.jobs or os.cpu_count() or 1, total or 1))
    print(f"jitcy build: {total} specializations from {args.profile} in {jobs} processes",
          file=sys.stderr, flush=True)
    started = time.perf_counter()

    def progress(done, count, result):
        line = f"[{done:>{len(str(count))}}/{count}] {result['status']:<7} {result['function']}"
        line += f"  {result['seconds']:.1f}s"
        if result["message"]:
            line += f"  ({result['message']})"
        print(line, file=sys.stderr, flush=True)

    results = aot.build(args.profile, jobs=jobs, progress=progress)
    seconds = time.perf_counter() - started
    counts = {k: sum(1 for r in results if r["status"] == k)
              for k in ("built", "cached", "skipped", "failed")}
    rate = len(results) / seconds * 60 if seconds > 0 else 0.0
    print(f"jitcy build: {counts['built']} built, {counts['cached']} already cached, "
          f"{counts['skipped']} skipped, {counts['failed']} failed in {seconds:.1f}s "
          f"({rate:.0f} per minute, {jobs} processes)", file=sys.stderr)
    if args.json:
        print(json.dumps({"results": results, "seconds": round(seconds, 3), "jobs": jobs,
                          **counts}))
    return 1 if counts["failed"] else 0
