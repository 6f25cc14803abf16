"""Correctness at scale: real PyPI packages' own test suites, plain and under jitcy.

    python tests/thirdparty/run_thirdparty.py                    # toolz, parse, cachetools
    python tests/thirdparty/run_thirdparty.py --packages parse   # one of them
    python tests/thirdparty/run_thirdparty.py --json out.json

For each package: ``pip download`` its pinned sdist (which ships its tests), unpack it, run
``python -m pytest`` on its tests plainly, then again as

    python -m jitcy run --include <package> --threshold 1 --sync -m pytest ...

(every function of the package is compiled at its first call, on the calling thread), and
compare the sets of passed, failed and skipped tests (from pytest's JUnit XML). Exit code 0
when every package gives exactly the same sets, 1 otherwise. The table also shows how many
of the package's functions ran compiled (``swapped``) and how many stayed interpreted, and
why (``--reasons``).

Not part of the default test run: the first run compiles a few hundred functions (~1 s
each on a busy 2-core machine); the cache (``--cache``, default under ``--workdir``) makes
re-runs fast. Needs network access for ``pip download`` (or sdists already in the work
directory) and a C compiler.
"""
from __future__ import annotations

import argparse
import collections
import dataclasses
import json
import os
import pathlib
import subprocess
import sys
import tarfile
import tempfile
import time
import xml.etree.ElementTree as ET

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent.parent


@dataclasses.dataclass
class Package:
    name: str                   # PyPI name
    version: str
    module: str                 # the --include pattern
    tests: str                  # test path inside the sdist
    src: str = "."              # directory to put on PYTHONPATH
    style: str = ""


PACKAGES = [
    Package("toolz", "1.2.0", "toolz", "toolz/tests", style="iterator / functional"),
    Package("cachetools", "8.0.1", "cachetools", "tests", src="src", style="data structures"),
    Package("parse", "1.22.4", "parse", "tests", style="string parsing (regex)"),
]


def fetch(pkg: Package, workdir: pathlib.Path) -> pathlib.Path:
    sdist = workdir / f"{pkg.name}-{pkg.version}.tar.gz"
    alt = workdir / f"{pkg.name.replace('-', '_')}-{pkg.version}.tar.gz"
    if not sdist.exists() and not alt.exists():
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary",
                        ":all:", "-d", str(workdir), f"{pkg.name}=={pkg.version}"],
                       check=True, stdout=subprocess.DEVNULL)
    sdist = sdist if sdist.exists() else alt
    target = workdir / sdist.name[:-len(".tar.gz")]
    if not target.exists():
        with tarfile.open(sdist) as tar:
            tar.extractall(workdir, filter="data") if hasattr(tarfile, "data_filter") \
                else tar.extractall(workdir)
    return target


def outcomes(junit: pathlib.Path) -> dict:
    """test id -> passed | failed | skipped."""
    result = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        test_id = f"{case.get('classname')}::{case.get('name')}"
        kinds = {child.tag for child in case}
        if kinds & {"failure", "error"}:
            result[test_id] = "failed"
        elif "skipped" in kinds:
            result[test_id] = "skipped"
        else:
            result[test_id] = "passed"
    return result


def run_suite(pkg: Package, source: pathlib.Path, mode: str, cache: pathlib.Path,
              timeout: float) -> dict:
    junit = source / f"junit-{mode}.xml"
    stats_file = source / f"jitcy-stats-{mode}.json"
    for path in (junit, stats_file):
        if path.exists():
            path.unlink()
    pytest_args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
                   "-p", "jitcy_stats_plugin", f"--junitxml={junit}", pkg.tests]
    if mode == "plain":
        argv = [sys.executable, *pytest_args]
    else:
        argv = [sys.executable, "-m", "jitcy", "run", "--include", pkg.module,
                "--threshold", "1", "--sync", *pytest_args]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HERE), str(source / pkg.src)])
    env["JITCY_CACHE_DIR"] = str(cache)
    env["JITCY_THIRDPARTY_STATS"] = str(stats_file)
    for var in ("JITCY_DISABLE", "JITCY_STRICT", "JITCY_SYNC", "PYTHONDONTWRITEBYTECODE"):
        env.pop(var, None)
    started = time.monotonic()
    proc = subprocess.run(argv, cwd=source, env=env, capture_output=True, text=True,
                          timeout=timeout)
    seconds = time.monotonic() - started
    if not junit.exists():
        raise RuntimeError(f"{pkg.name} ({mode}): pytest wrote no report, exit code "
                           f"{proc.returncode}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    stats = json.loads(stats_file.read_text()) if stats_file.exists() else {}
    (source / f"pytest-{mode}.log").write_text(proc.stdout + "\n" + proc.stderr)
    return {"outcomes": outcomes(junit), "stats": stats, "seconds": seconds,
            "returncode": proc.returncode}


def summarize(pkg: Package, plain: dict, jit: dict) -> dict:
    count = lambda o: collections.Counter(o.values())  # noqa: E731
    p, j = plain["outcomes"], jit["outcomes"]
    differ = sorted(t for t in set(p) | set(j) if p.get(t) != j.get(t))
    ours = {name: st for name, st in jit["stats"].items()
            if name == pkg.module or name.startswith(pkg.module + ".")}
    states = collections.Counter(st["state"] for st in ours.values())
    reasons = collections.Counter((st.get("reason") or "").split(":")[0]
                                  for st in ours.values() if st["state"] != "swapped")
    return {"package": pkg.name, "version": pkg.version, "style": pkg.style,
            "plain": dict(count(p)), "jitcy": dict(count(j)), "identical": not differ,
            "differences": [(t, p.get(t), j.get(t)) for t in differ],
            "functions_called": len(ours), "functions_compiled": states.get("swapped", 0),
            "states": dict(states), "not_compiled_reasons": dict(reasons.most_common()),
            "seconds_plain": round(plain["seconds"], 1),
            "seconds_jitcy": round(jit["seconds"], 1)}


def render(rows) -> str:
    head = ("package", "version", "plain pass/fail/skip", "jitcy pass/fail/skip", "same",
            "functions called", "compiled", "plain s", "jitcy s")
    lines = [head]
    for r in rows:
        fmt = lambda c: f"{c.get('passed', 0)}/{c.get('failed', 0)}/{c.get('skipped', 0)}"  # noqa
        lines.append((r["package"], r["version"], fmt(r["plain"]), fmt(r["jitcy"]),
                      "yes" if r["identical"] else "NO", str(r["functions_called"]),
                      str(r["functions_compiled"]), str(r["seconds_plain"]),
                      str(r["seconds_jitcy"])))
    widths = [max(len(row[i]) for row in lines) for i in range(len(head))]
    out = ["  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in lines]
    out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", default=",".join(p.name for p in PACKAGES),
                        help="comma-separated subset of: "
                             + ", ".join(p.name for p in PACKAGES))
    parser.add_argument("--workdir", type=pathlib.Path,
                        default=pathlib.Path(tempfile.gettempdir()) / "jitcy-thirdparty")
    parser.add_argument("--cache", type=pathlib.Path, help="JITCY_CACHE_DIR for the jitcy "
                        "runs (default: WORKDIR/cache)")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per pytest run")
    parser.add_argument("--reasons", action="store_true",
                        help="also list why functions stayed interpreted")
    parser.add_argument("--json", type=pathlib.Path)
    args = parser.parse_args(argv)
    chosen = [p for p in PACKAGES if p.name in args.packages.split(",")]
    if not chosen:
        parser.error(f"no known package in {args.packages!r}")
    args.workdir.mkdir(parents=True, exist_ok=True)
    cache = args.cache or args.workdir / "cache"
    cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    rows = []
    for pkg in chosen:
        source = fetch(pkg, args.workdir)
        print(f"[{pkg.name}] plain pytest ...", file=sys.stderr, flush=True)
        plain = run_suite(pkg, source, "plain", cache, args.timeout)
        print(f"[{pkg.name}] under jitcy run --threshold 1 --sync ...", file=sys.stderr,
              flush=True)
        jit = run_suite(pkg, source, "jitcy", cache, args.timeout)
        rows.append(summarize(pkg, plain, jit))
        for test, before, after in rows[-1]["differences"]:
            print(f"[{pkg.name}] DIFFERENT: {test}: plain {before}, jitcy {after}",
                  file=sys.stderr)
    print(render(rows))
    if args.reasons:
        for r in rows:
            print(f"\n{r['package']}: states {r['states']}; not compiled because: "
                  f"{r['not_compiled_reasons']}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))
    return 0 if all(r["identical"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
