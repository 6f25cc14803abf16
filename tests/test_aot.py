"""Ahead of time: record a profile, `jitcy build` it, and a fresh process starts compiled."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

import jitcy
from jitcy import aot

from .conftest import compile_now

ROOT = pathlib.Path(__file__).resolve().parents[1]

KERN = '''
import jitcy

@jitcy.hot
def dot(n, x):
    s = 0.0
    for i in range(n):
        s += i * x
    return s

class Model:
    @jitcy.hot
    def step(self, k):
        return k * 2 + 1
'''

MAIN = '''
import json, sys
import jitcy
from pkg.kern import dot, Model

SIDE = []

@jitcy.hot
def local_sq(v):
    return v * v

if __name__ == "__main__":
    before = {f.__name__: jitcy.stats(f)["state"] for f in (dot, Model.step, local_sq)}
    results = []
    for _ in range(3):
        results.append((dot(10, 1.5), Model().step(3), local_sq(2.5)))
    jitcy.wait()
    after = {f.__name__: jitcy.stats(f) for f in (dot, Model.step, local_sq)}
    print(json.dumps({"before": before, "after": after, "results": results}))
'''


def _app(tmp_path: pathlib.Path) -> pathlib.Path:
    app = tmp_path / "app"
    (app / "pkg").mkdir(parents=True)
    (app / "pkg" / "__init__.py").write_text("")
    (app / "pkg" / "kern.py").write_text(KERN)
    (app / "main.py").write_text(MAIN)
    return app


def _run(args, cwd, cache, **env):
    full = dict(os.environ, PYTHONPATH=str(ROOT), JITCY_CACHE_DIR=str(cache), **env)
    full.pop("JITCY_SYNC", None)
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True,
                          env=full, timeout=600)


@pytest.mark.slow
def test_record_build_then_fresh_process_starts_compiled(tmp_path):
    app = _app(tmp_path)
    profile = tmp_path / "profile.json"
    recording_cache = tmp_path / "rec-cache"
    out = _run(["main.py"], app, recording_cache, JITCY_RECORD=str(profile))
    assert out.returncode == 0, out.stderr
    first = json.loads(out.stdout)
    assert first["before"] == {"dot": "profiling", "step": "profiling", "local_sq": "profiling"}
    data = json.loads(profile.read_text())
    got = {(f["module"], f["qualname"]): f["signatures"] for f in data["functions"]}
    assert got == {("__main__", "local_sq"): [["float"]],
                   ("pkg.kern", "Model.step"): [["object", "int"]],
                   ("pkg.kern", "dot"): [["int", "float"]]}

    deploy_cache = tmp_path / "deploy-cache"      # an empty cache, as on a new machine
    out = _run(["-m", "jitcy", "build", str(profile), "-j", "2"], tmp_path, deploy_cache)
    assert out.returncode == 0, out.stderr
    assert "[3/3]" in out.stderr and "3 built, 0 already cached" in out.stderr

    out = _run(["main.py"], app, deploy_cache)
    assert out.returncode == 0, out.stderr
    second = json.loads(out.stdout)
    assert second["before"] == {"dot": "swapped", "step": "swapped", "local_sq": "swapped"}
    assert second["results"] == first["results"]
    for name, st in second["after"].items():
        assert st["calls"] == 0 and st["fallbacks"] == 0, name     # compiled from call one
        assert [s["cache"] for s in st["specializations"]] == ["hit"], name

    out = _run(["-m", "jitcy", "build", str(profile), "--json"], tmp_path, deploy_cache)
    assert out.returncode == 0 and json.loads(out.stdout)["cached"] == 3


def test_build_reports_bad_profiles(tmp_path):
    cache = tmp_path / "c"
    missing = _run(["-m", "jitcy", "build", str(tmp_path / "nope.json")], tmp_path, cache)
    assert missing.returncode == 1 and "record one with" in missing.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "jitcy-profile", "version": 1, "functions": '
                   '[{"module": "m", "qualname": "f", "signatures": [["os.system"]]}]}')
    out = _run(["-m", "jitcy", "build", str(bad)], tmp_path, cache)
    assert out.returncode == 1 and "unknown argument type 'os.system'" in out.stderr
    bad.write_text("[1, 2]")
    out = _run(["-m", "jitcy", "build", str(bad)], tmp_path, cache)
    assert out.returncode == 1 and "not a jitcy profile" in out.stderr
    out = _run(["-m", "jitcy", "build", str(bad), "-j", "0"], tmp_path, cache)
    assert out.returncode == 2


def test_build_reports_functions_it_cannot_find(tmp_path):
    profile = tmp_path / "p.json"
    aot.write_profile(profile, [
        {"module": "json", "qualname": "no_such_function", "signatures": [["int"]]},
        {"module": "json", "qualname": "outer.<locals>.inner", "signatures": [["int"]]}])
    out = _run(["-m", "jitcy", "build", str(profile), "-j", "1"], tmp_path, tmp_path / "c")
    assert out.returncode == 1
    assert "failed  json.no_such_function(int)" in out.stderr and "cannot find it" in out.stderr
    assert "skipped json.outer.<locals>.inner(int)" in out.stderr


def poly(a, b):
    return a * b


def test_record_api_merges_processes(jitcy_env, tmp_path):
    compile_now(poly, 2, 3.0)
    path = tmp_path / "p.json"
    jitcy.record(path)
    before = aot.write_profile(path)      # every function compiled in this process so far
    assert before >= 1
    aot.write_profile(path, [{"module": __name__, "qualname": "poly",
                              "signatures": [["float", "float"]]},
                             {"module": "other", "qualname": "g", "signatures": [["str"]]}])
    functions = aot.load_profile(path)
    mine = [f for f in functions if f["qualname"] == "poly"][0]
    assert mine["signatures"] == [["int", "float"], ["float", "float"]]
    assert len(functions) == before + 1 and not pathlib.Path(str(path) + ".lock").exists()


PLAIN_KERN = '''
def dot(n, x):
    s = 0.0
    for i in range(n):
        s += i * x
    return s
'''

PLAIN_MAIN = '''
import json
import jitcy
from kern import dot
results = [dot(10, 1.5)]            # the hook registers the function at its first call
after_first = jitcy.stats(dot)
results += [dot(10, 1.5) for _ in range(2)]
jitcy.wait()
st = jitcy.stats(dot)
print(json.dumps({"after_first": [after_first["state"], after_first["compiled_calls"]],
                  "results": results, "calls": st["calls"],
                  "compiled_calls": st["compiled_calls"],
                  "cache": [s["cache"] for s in st["specializations"]]}))
'''


@pytest.mark.slow
def test_jitcy_run_record_then_build_then_run(tmp_path):
    app = tmp_path / "plain"
    app.mkdir()
    (app / "kern.py").write_text(PLAIN_KERN)
    (app / "main.py").write_text(PLAIN_MAIN)
    profile = tmp_path / "p.json"
    out = _run(["-m", "jitcy", "run", "--threshold", "2", "--record", str(profile), "main.py"],
               app, tmp_path / "rec")
    assert out.returncode == 0, out.stderr
    first = json.loads(out.stdout)
    assert first["after_first"] == ["profiling", 0]
    functions = aot.load_profile(profile)
    assert [(f["module"], f["qualname"], f["signatures"]) for f in functions] == [
        ("kern", "dot", [["int", "float"]])]
    out = _run(["-m", "jitcy", "build", str(profile)], tmp_path, tmp_path / "deploy")
    assert out.returncode == 0, out.stderr
    out = _run(["-m", "jitcy", "run", "main.py"], app, tmp_path / "deploy")
    assert out.returncode == 0, out.stderr
    second = json.loads(out.stdout)
    assert second["after_first"] == ["swapped", 1]     # the first call ran compiled code
    assert second["calls"] == 0 and second["compiled_calls"] == 3
    assert second["cache"] == ["hit"] and second["results"] == first["results"]
