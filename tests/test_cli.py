"""The jitcy command: exit codes 0 ok, 1 failure, 2 bad usage."""
from __future__ import annotations

import json
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, env=None):
    env = dict(os.environ, PYTHONPATH=ROOT, **(env or {}))
    return subprocess.run([sys.executable, "-m", "jitcy", *args], capture_output=True,
                          text=True, env=env, timeout=60)


def test_version():
    out = run("--version")
    assert out.returncode == 0 and out.stdout.startswith("jitcy ")


def test_bad_flag_is_usage_error():
    out = run("--no-such-flag")
    assert out.returncode == 2 and "usage: jitcy" in out.stderr


def test_missing_command_is_usage_error():
    out = run()
    assert out.returncode == 2 and "usage: jitcy" in out.stderr


def test_cache_info_json(tmp_path):
    cache = tmp_path / "cache"
    out = run("cache", "info", "--json", env={"JITCY_CACHE_DIR": str(cache)})
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["location"] == str(cache) and info["entries"] == 0
    assert info["exists"] is False   # info never creates the directory
