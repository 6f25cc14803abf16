"""Processes and clusters: pickling by reference, multiprocessing (fork, spawn, forkserver),
a fork while a build is in flight, and a Dask LocalCluster loading from the shared cache."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]

MODULE = '''
import os
import jitcy

@jitcy.hot(threshold=1)
def tri(n):
    s = 0
    for i in range(n):
        s += i
    return s

def tri_and_stats(n):
    tri(n)                      # the first call makes it hot (and loads or builds it)
    result = tri(n)
    st = jitcy.stats(tri)
    return [result, st["state"], [s["cache"] for s in st["specializations"]], os.getpid()]
'''


def _setup(tmp_path):
    (tmp_path / "mpmod.py").write_text(MODULE)
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(tmp_path)]),
                JITCY_CACHE_DIR=str(tmp_path / "cache"), JITCY_STRICT="1")


POOLS = '''
import json, multiprocessing as mp, pickle
import jitcy, mpmod
mpmod.tri(10); mpmod.tri(10); jitcy.wait()
assert jitcy.stats(mpmod.tri)["state"] == "swapped"
assert pickle.loads(pickle.dumps(mpmod.tri)) is mpmod.tri       # pickled by reference
out = {}
for method in ("fork", "spawn", "forkserver"):
    with mp.get_context(method).Pool(2) as pool:
        out[method] = pool.map(mpmod.tri_and_stats, [100, 200, 300, 400])
print(json.dumps(out))
'''


@pytest.mark.slow
def test_multiprocessing_fork_spawn_forkserver(tmp_path):
    env = _setup(tmp_path)
    out = subprocess.run([sys.executable, "-c", POOLS], capture_output=True, text=True,
                         env=dict(env, JITCY_SYNC="1"), timeout=600, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout)
    for method, rows in result.items():
        assert [r[0] for r in rows] == [4950, 19900, 44850, 79800], method
        assert all(r[1] == "swapped" for r in rows), method
    for method in ("spawn", "forkserver"):      # fresh interpreters: loaded, not rebuilt
        assert all(r[2] == ["hit"] for r in result[method]), result[method]


FORK_IN_FLIGHT = '''
import json, os, time
import jitcy, mpmod
mpmod.tri(5)                               # hot: the build starts in the background
state_at_fork = jitcy.stats(mpmod.tri)["state"]
pid = os.fork()
if pid == 0:
    code = 3
    try:
        ok = jitcy.wait(120)               # must not wait for the parent's build
        deadline = time.time() + 300
        while jitcy.stats(mpmod.tri)["state"] != "swapped" and time.time() < deadline:
            mpmod.tri(7)
            jitcy.wait(120)
        if ok and mpmod.tri(100) == 4950 and jitcy.stats(mpmod.tri)["state"] == "swapped":
            code = 0
    finally:
        os._exit(code)
jitcy.wait()
_, status = os.waitpid(pid, 0)
print(json.dumps({"state_at_fork": state_at_fork, "child": os.waitstatus_to_exitcode(status),
                  "parent": mpmod.tri(100)}))
'''


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_fork_while_a_build_is_in_flight(tmp_path):
    env = _setup(tmp_path)
    env.pop("JITCY_SYNC", None)
    out = subprocess.run([sys.executable, "-c", FORK_IN_FLIGHT], capture_output=True,
                         text=True, env=env, timeout=900, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout)
    assert result["state_at_fork"] == "building"
    assert result["child"] == 0 and result["parent"] == 4950


DASK = '''
import json
from dask.distributed import Client, LocalCluster
import jitcy, mpmod
mpmod.tri(10); mpmod.tri(10); jitcy.wait()          # compiled once, here
with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                  dashboard_address=None) as cluster, Client(cluster) as client:
    per_worker = client.run(mpmod.tri_and_stats, 1000)
    mapped = client.gather(client.map(mpmod.tri, range(50)))
print(json.dumps({"workers": list(per_worker.values()), "mapped": mapped}))
'''


@pytest.mark.slow
def test_dask_local_cluster_workers_load_from_the_shared_cache(tmp_path):
    pytest.importorskip("distributed", reason="dask[distributed] is not installed")
    env = _setup(tmp_path)
    out = subprocess.run([sys.executable, "-c", DASK], capture_output=True, text=True,
                         env=dict(env, JITCY_SYNC="1"), timeout=900, cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout)
    workers = result["workers"]
    assert len(workers) == 2 and len({w[3] for w in workers}) == 2       # two processes
    for value, state, caches, _pid in workers:
        assert value == 499500 and state == "swapped"
        assert caches == ["hit"]                    # loaded from the cache, not compiled
    assert result["mapped"] == [n * (n - 1) // 2 for n in range(50)]
