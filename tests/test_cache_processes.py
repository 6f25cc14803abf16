"""Many processes on one cache, killed processes, damaged entries, full and read-only disks,
other users' files. Every test runs real builds in fresh processes (slow)."""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time

import pytest

from jitcy.cache import Store, evict

ROOT = pathlib.Path(__file__).resolve().parents[1]
N_FUNCS = 50


def _env(cache, **extra):
    # CFLAGS=-O0: these tests are about the cache, not the code; gcc is 2-3x faster so.
    env = dict(os.environ, PYTHONPATH=str(ROOT), JITCY_CACHE_DIR=str(cache), JITCY_SYNC="1",
               JITCY_STRICT="1", CFLAGS="-O0", **extra)
    return env


def _funcs_module(tmp_path: pathlib.Path, n: int = N_FUNCS) -> pathlib.Path:
    """n small functions with different constants (so n different cache keys)."""
    src = "".join(f"def f{i}(x):\n    return x * {i} + {i * i}\n\n" for i in range(n))
    (tmp_path / "funcs.py").write_text(src)
    return tmp_path


CHILD = r"""
import json, os, random, sys, warnings
sys.path.insert(0, sys.argv[1])
import funcs
import jitcy
from jitcy import pipeline
builds = [0]
original_build = pipeline._build
def counting(*args, **kwargs):
    builds[0] += 1
    return original_build(*args, **kwargs)
pipeline._build = counting
names = [n for n in dir(funcs) if n.startswith("f") and n[1:].isdigit()]
only = os.environ.get("ONLY")
if only:
    names = [n for n in names if n in only.split(",")]
random.Random(int(sys.argv[2])).shuffle(names)
if os.environ.get("WAIT_STDIN"):
    sys.stdin.read()                 # start together
wrong, states, cache = [], {}, {}
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for name in names:
        f = getattr(funcs, name)
        i = int(name[1:])
        jitcy.hot(f, threshold=1)
        for x in (7, 8, 9):
            if f(x) != x * i + i * i:
                wrong.append(name)
        st = jitcy.stats(f)
        states[name] = st["state"]
        cache[name] = [s["cache"] for s in st["specializations"]]
print(json.dumps({"builds": builds[0], "wrong": wrong, "states": states, "cache": cache,
                  "warnings": [str(w.message) for w in caught]}), flush=True)
"""


def _child(mod_dir, cache, seed=0, **env):
    return subprocess.run([sys.executable, "-c", CHILD, str(mod_dir), str(seed)],
                          capture_output=True, text=True, timeout=900, env=_env(cache, **env))


def _verify_all(cache: pathlib.Path, expected: int) -> None:
    """Every published entry verifies; nothing half-written, no lock files left."""
    store = Store(cache)
    keys = [e.key for e in evict.scan(cache)]
    assert len(keys) == expected
    assert all(store.lookup(k) is not None for k in keys)
    assert store.stats()["corrupt"] == 0
    assert list((cache / "locks").iterdir()) == []


@pytest.mark.slow
def test_stampede_8_processes_50_functions_each_key_built_once(tmp_path):
    mod_dir = _funcs_module(tmp_path)
    cache = tmp_path / "cache"
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, str(mod_dir), str(seed)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True,
                              env=_env(cache, WAIT_STDIN="1"))
             for seed in range(8)]
    outs = []
    try:
        for p in procs:
            p.stdin.close()      # all are imported and waiting: release them at once
            p.stdin = None
        for p in procs:
            out, err = p.communicate(timeout=1200)
            assert p.returncode == 0, err[-3000:]
            outs.append(json.loads(out))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    assert sum(o["builds"] for o in outs) == N_FUNCS            # each key built once
    for o in outs:
        assert o["wrong"] == [] and o["warnings"] == []
        assert set(o["states"].values()) == {"swapped"}
    _verify_all(cache, N_FUNCS)
    assert [p.name for p in (cache / "tmp").iterdir()] == []


KILLER = r"""
import os, signal, sys
from jitcy.cache import store
real_replace = os.replace
def die(src, dst):
    if "/v1/" in str(dst):
        os.kill(os.getpid(), signal.SIGKILL)     # killed between build and publish
    return real_replace(src, dst)
store.os.replace = die
""" + CHILD


@pytest.mark.slow
def test_kill_9_during_build_and_publish_leaves_nothing_loadable(tmp_path):
    mod_dir = _funcs_module(tmp_path, 4)
    cache = tmp_path / "cache"
    # 1. killed in the middle of a build (with its build worker: its process group)
    victim = subprocess.Popen([sys.executable, "-c", CHILD, str(mod_dir), "1"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env=_env(cache), start_new_session=True)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if (cache / "tmp").is_dir() and any((cache / "tmp").glob("build-*/*.pyx")):
            break
        time.sleep(0.01)
    os.killpg(victim.pid, signal.SIGKILL)
    victim.communicate()
    assert victim.returncode == -signal.SIGKILL
    published = len(evict.scan(cache))
    # 2. killed after the build, just before the publishing rename
    out = subprocess.run([sys.executable, "-c", KILLER, str(mod_dir), "2"], capture_output=True,
                         text=True, timeout=600, env=_env(cache))
    assert out.returncode == -signal.SIGKILL
    assert len(evict.scan(cache)) == published        # nothing half-published
    # 3. a later process builds what is missing, loads what is there, all correct
    out = _child(mod_dir, cache, 3)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout)
    assert result["wrong"] == [] and set(result["states"].values()) == {"swapped"}
    assert result["builds"] == 4 - published
    _verify_all(cache, 4)
    # the killed processes' build directories are never loaded, and are swept once stale
    assert any((cache / "tmp").glob("build-*"))
    evict.sweep(cache, build_timeout=0)
    assert not any((cache / "tmp").glob("build-*"))


def _flip(so: pathlib.Path, other: pathlib.Path, meta: pathlib.Path):
    data = bytearray(so.read_bytes())
    data[len(data) // 2] ^= 0xFF
    so.write_bytes(bytes(data))


DAMAGE = {
    "truncated": lambda so, other, meta: so.write_bytes(so.read_bytes()[:-100]),
    "flipped": _flip,
    "other_keys_so": lambda so, other, meta: shutil.copyfile(other, so),
    "garbage_meta": lambda so, other, meta: meta.write_text("{not json"),
    "meta_of_other_key": lambda so, other, meta: shutil.copyfile(other.parent / "meta.json",
                                                                 meta),
}


@pytest.mark.slow
def test_corrupt_entries_are_detected_counted_as_miss_and_rebuilt(tmp_path):
    mod_dir = _funcs_module(tmp_path, 2)
    cache = tmp_path / "cache"
    out = _child(mod_dir, cache)
    assert out.returncode == 0, out.stderr[-3000:]
    for name, damage in DAMAGE.items():
        entries = {e.meta["qualname"]: e for e in evict.scan(cache)}
        target, other = entries["f0"], entries["f1"]
        so = target.path / target.meta["so_name"]
        damage(so, other.path / other.meta["so_name"], target.path / "meta.json")
        out = _child(mod_dir, cache, ONLY="f0")
        assert out.returncode == 0, (name, out.stderr[-3000:])
        result = json.loads(out.stdout)
        assert result["wrong"] == [], name
        assert result["cache"]["f0"] == ["miss"] and result["builds"] == 1, name
        _verify_all(cache, 2)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="needs root to give files to another user (chown)")
@pytest.mark.slow
def test_foreign_owned_entry_and_directory_are_refused(tmp_path):
    mod_dir = _funcs_module(tmp_path, 1)
    cache = tmp_path / "cache"
    assert _child(mod_dir, cache).returncode == 0
    entry = evict.scan(cache)[0]
    os.chown(entry.path / entry.meta["so_name"], 65534, 65534)     # another user's .so
    result = json.loads(_child(mod_dir, cache).stdout)
    assert result["cache"]["f0"] == ["miss"] and result["wrong"] == []
    os.chown(cache, 65534, 65534)                                  # another user's cache
    out = _child(mod_dir, cache)
    result = json.loads(out.stdout)
    assert result["wrong"] == [] and result["states"]["f0"] == "swapped"
    assert len(result["warnings"]) == 1
    assert "owned by uid 65534" in result["warnings"][0] and "temporary" in result["warnings"][0]


def _can_mount() -> bool:
    if not shutil.which("unshare") or not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c",
                            "d=$(mktemp -d) && mount -t tmpfs -o size=1m tmpfs $d"],
                           capture_output=True)
    return probe.returncode == 0


FULL_DISK = r"""
import json, os, sys, warnings
sys.path.insert(0, sys.argv[1])
import funcs, jitcy
from jitcy import pipeline
pipeline._store()                                # the cache is set up; then the disk fills
filler = os.path.join(sys.argv[2], "filler")
with open(filler, "wb") as f:
    try:
        while True:
            f.write(b"x" * 65536)
            f.flush()
    except OSError:
        pass
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    jitcy.hot(funcs.f0, threshold=1)
    r0 = [funcs.f0(x) for x in (1, 2)]
    os.unlink(filler)                            # the fault goes away
    jitcy.hot(funcs.f1, threshold=1)
    r1 = [funcs.f1(x) for x in (1, 2)]
print(json.dumps({"r0": r0, "r1": r1, "s0": jitcy.stats(funcs.f0), "s1": jitcy.stats(funcs.f1),
                  "warnings": [str(w.message) for w in caught]}))
"""


@pytest.mark.skipif(not _can_mount(), reason="needs root and mount namespaces (unshare -m) "
                                             "for a small or read-only file system")
@pytest.mark.slow
def test_disk_full_keeps_running_and_recovers(tmp_path):
    mod_dir = _funcs_module(tmp_path, 2)
    disk = tmp_path / "disk"
    disk.mkdir()
    script = tmp_path / "full.py"
    script.write_text(FULL_DISK)
    env = _env(disk / "cache")
    env.pop("JITCY_STRICT")
    out = subprocess.run(["unshare", "-m", "sh", "-c",
                          f"mount -t tmpfs -o size=4m tmpfs {disk} && "
                          f"exec {sys.executable} {script} {mod_dir} {disk}"],
                         capture_output=True, text=True, timeout=600, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout)
    assert result["r0"] == [0, 0] and result["r1"] == [2, 3]   # correct either way
    assert result["s0"]["state"] == "failed" and "space" in result["s0"]["reason"]
    assert result["s1"]["state"] == "swapped"                  # recovered for the next build
    assert len(result["warnings"]) == 1 and "No space left" in result["warnings"][0]


READ_ONLY = r"""
import json, sys, warnings
sys.path.insert(0, sys.argv[1])
import funcs, jitcy
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    for f in (funcs.f0, funcs.f1):
        jitcy.hot(f, threshold=1)
        f(3); f(4)
print(json.dumps({"r": [funcs.f0(5), funcs.f1(5)],
                  "cache": [s["cache"] for f in (funcs.f0, funcs.f1)
                            for s in jitcy.stats(f)["specializations"]],
                  "warnings": [str(w.message) for w in caught]}))
"""


@pytest.mark.skipif(not _can_mount(), reason="needs root and mount namespaces (unshare -m) "
                                             "for a small or read-only file system")
@pytest.mark.slow
def test_read_only_cache_serves_hits_and_builds_privately(tmp_path):
    mod_dir = _funcs_module(tmp_path, 2)
    disk = tmp_path / "disk"
    disk.mkdir()
    script = tmp_path / "ro.py"
    script.write_text(READ_ONLY)
    builder = tmp_path / "child.py"
    builder.write_text(CHILD)
    env = _env(disk / "cache", ONLY="f0")
    env.pop("JITCY_STRICT")
    out = subprocess.run(["unshare", "-m", "sh", "-c",
                          f"mount -t tmpfs -o size=16m tmpfs {disk} && "
                          f"{sys.executable} {builder} {mod_dir} 0 >/dev/null && "
                          f"mount -o remount,ro {disk} && "
                          f"exec {sys.executable} {script} {mod_dir}"],
                         capture_output=True, text=True, timeout=600, env=env)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout)
    assert result["r"] == [0, 6]
    assert result["cache"] == ["hit", "miss"]       # f0 loaded from it, f1 built privately
    assert len(result["warnings"]) == 1 and "read-only" in result["warnings"][0]


@pytest.mark.slow
def test_no_usable_home_falls_back_to_a_temp_cache(tmp_path):
    mod_dir = _funcs_module(tmp_path, 1)
    env = {k: v for k, v in _env("x").items()
           if k not in ("JITCY_CACHE_DIR", "XDG_CACHE_HOME", "JITCY_STRICT")}
    env.update(HOME="/proc/jitcy-no-home", ONLY="f0")   # nothing can be created there
    out = subprocess.run([sys.executable, "-c", CHILD, str(mod_dir), "0"], capture_output=True,
                         text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout)
    assert result["wrong"] == [] and result["states"]["f0"] == "swapped"
    assert len(result["warnings"]) == 1 and "temporary directory" in result["warnings"][0]


EVICTED_WHILE_LOADED = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import funcs, jitcy
jitcy.hot(funcs.f0, threshold=1)
funcs.f0(1)
print(jitcy.stats(funcs.f0)["state"], flush=True)
sys.stdin.readline()                     # meanwhile another process clears the cache
results = [funcs.f0(x) for x in range(5)]
jitcy.hot(funcs.f1, threshold=1)
results += [funcs.f1(x) for x in range(5)]
print(json.dumps({"results": results, "f1": jitcy.stats(funcs.f1)["state"]}), flush=True)
"""


@pytest.mark.slow
def test_clearing_the_cache_under_a_running_process(tmp_path):
    mod_dir = _funcs_module(tmp_path, 2)
    cache = tmp_path / "cache"
    env = _env(cache)
    child = subprocess.Popen([sys.executable, "-c", EVICTED_WHILE_LOADED, str(mod_dir)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "swapped"
        out = subprocess.run([sys.executable, "-m", "jitcy", "cache", "clear", "--json"],
                             capture_output=True, text=True, env=env, timeout=120)
        assert out.returncode == 0 and json.loads(out.stdout)["removed"] == 1
        assert evict.scan(cache) == []
        stdout, stderr = child.communicate("go\n", timeout=600)
        assert child.returncode == 0, stderr[-3000:]
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    result = json.loads(stdout)
    assert result["results"] == [0] * 5 + [x + 1 for x in range(5)]
    assert result["f1"] == "swapped"
    assert [e.meta["qualname"] for e in evict.scan(cache)] == ["f1"]
