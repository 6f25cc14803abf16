"""The examples in examples/ run as documented: each in a fresh process, on a private
cache, with JITCY_STRICT=1 (an internal jitcy error raises and fails the run)."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_example(name, tmp_path):
    env = {**os.environ, "PYTHONPATH": ROOT, "JITCY_CACHE_DIR": str(tmp_path / "cache"),
           "JITCY_STRICT": "1"}
    for var in ("JITCY_SYNC", "JITCY_DISABLE", "JITCY_THRESHOLD", "JITCY_TIME_LIMIT",
                "JITCY_RECORD"):
        env.pop(var, None)
    return subprocess.run([sys.executable, os.path.join(ROOT, "examples", name)],
                          cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)


@pytest.mark.slow
@pytest.mark.parametrize("name, expected", [
    # the compiled snippet vs the same loop in Python, on the same points
    ("inline_example.py", [r"^  speedup: (?P<speedup>\d+)x   same result: True$"]),
    # the function was compiled, then one thread vs two (no bound on the speedup: the
    # machine's other load decides it)
    ("nogil_threads.py", [r"^orbit_sum: swapped$", r"^  speedup: \d+\.\d\dx on \d+ CPUs"]),
])
def test_example_runs_and_prints_its_speedup(tmp_path, name, expected):
    out = run_example(name, tmp_path)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Traceback" not in out.stderr, out.stderr
    for pattern in expected:
        match = re.search(pattern, out.stdout, re.MULTILINE)
        assert match, (pattern, out.stdout)
        if "speedup" in match.groupdict():      # 1,000,000 iterations in C vs in Python
            assert int(match["speedup"]) > 1, out.stdout
