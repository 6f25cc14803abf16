"""Cache management: locks that die with their process, eviction, `jitcy cache ...` CLI.

Fake entries (any bytes as the .so) are enough here: nothing is loaded."""
from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time
import warnings

import pytest

from jitcy import config, errors
from jitcy.cache import Store, evict, location, reset_root

REPO = pathlib.Path(__file__).resolve().parents[1]
POSIX = hasattr(os, "getuid")
KEYS = [f"{i:02x}" + "e" * 62 for i in range(8)]


def _env(**extra) -> dict:
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    return dict(os.environ, PYTHONPATH=path, **extra)


def _marked(root: pathlib.Path) -> pathlib.Path:
    location._prepare(root)
    return root


def _publish(store, key, *, qualname="f", module="app.mod", types=("int",), size=1000,
             used=None):
    work = store.new_workdir()
    (work / "m.so").write_bytes(b"x" * size)
    entry = store.publish(key, work, "m.so", {"module_name": "m", "qualname": qualname,
                                              "module": module, "types": list(types)})
    if used is not None:
        os.utime(entry.path / "meta.json", (used, used))
    return entry


def cli(*args, cache_dir, **env):
    return subprocess.run([sys.executable, "-m", "jitcy", *args], capture_output=True,
                          text=True, timeout=60,
                          env=_env(JITCY_CACHE_DIR=str(cache_dir), **env))


# -- locks -----------------------------------------------------------------------------------

def test_lock_file_removed_on_release_and_still_exclusive(tmp_path):
    """Removing lock files must not let two holders in: the inode check retries."""
    store = Store(_marked(tmp_path / "c"))
    inside, worst, errors_seen = [0], [0], []
    guard = threading.Lock()

    def worker():
        try:
            for _ in range(15):
                with store.lock(KEYS[0], timeout=30):
                    with guard:
                        inside[0] += 1
                        worst[0] = max(worst[0], inside[0])
                    time.sleep(0.001)
                    with guard:
                        inside[0] -= 1
        except Exception as exc:   # noqa: BLE001 - reported below
            errors_seen.append(exc)
    threads = [threading.Thread(target=worker) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors_seen == [] and worst[0] == 1
    assert list((tmp_path / "c" / "locks").iterdir()) == []


KILLED_HOLDER = """
import os, sys, time
from jitcy.cache import Store
with Store(sys.argv[1]).lock(sys.argv[2], timeout=30):
    if os.fork() == 0:          # a child that outlives its parent must not keep the lock
        time.sleep(30)
        os._exit(0)
    print("locked", flush=True)
    time.sleep(60)
"""


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork")
def test_lock_of_killed_process_is_free_at_once_even_with_a_forked_child(tmp_path):
    root = _marked(tmp_path / "c")
    holder = subprocess.Popen([sys.executable, "-c", KILLED_HOLDER, str(root), KEYS[1]],
                              stdout=subprocess.PIPE, text=True, env=_env(),
                              start_new_session=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(errors.CacheError, match="timed out"):
            with Store(root).lock(KEYS[1], timeout=0.2):
                pass
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        started = time.monotonic()
        with Store(root).lock(KEYS[1], timeout=5):
            pass
        assert time.monotonic() - started < 5      # no stale-lock timeout to wait out
    finally:
        os.killpg(holder.pid, signal.SIGKILL)   # the forked child too (our own session)
        holder.wait()
        holder.stdout.close()


# -- eviction --------------------------------------------------------------------------------

def test_evict_removes_least_recently_used_first(tmp_path):
    root = _marked(tmp_path / "c")
    store = Store(root)
    now = time.time()
    for i, key in enumerate(KEYS[:4]):
        _publish(store, key, qualname=f"f{i}", size=10_000, used=now - 1000 + i)
    result = evict.evict(root, 25_000)
    assert result["removed"] == 2
    left = sorted(e.meta["qualname"] for e in evict.scan(root))
    assert left == ["f2", "f3"]
    assert store.lookup(KEYS[3]) is not None and store.lookup(KEYS[0]) is None


def test_evict_keeps_entries_in_use_and_young_ones(tmp_path):
    root = _marked(tmp_path / "c")
    store = Store(root)
    old = time.time() - 1000
    _publish(store, KEYS[0], size=10_000, used=old)
    _publish(store, KEYS[1], size=10_000, used=old)
    _publish(store, KEYS[2], size=10_000)             # just published: young
    with store.pinned(KEYS[0]) as entry:              # being loaded right now
        assert entry is not None
        os.utime(entry.path / "meta.json", (old, old))
        result = evict.evict(root, 0)
    assert result["removed"] == 1 and result["skipped_in_use"] == 2
    assert {e.key for e in evict.scan(root)} == {KEYS[0], KEYS[2]}
    assert evict.evict(root, 0, young=0)["removed"] == 2


def test_lookup_touches_meta_once_per_process(tmp_path):
    store = Store(_marked(tmp_path / "c"))
    entry = _publish(store, KEYS[0], used=1_000_000)
    store.lookup(KEYS[0])
    touched = os.stat(entry.path / "meta.json").st_mtime
    assert touched > 1_000_000
    os.utime(entry.path / "meta.json", (2_000_000, 2_000_000))
    store.lookup(KEYS[0])
    assert os.stat(entry.path / "meta.json").st_mtime == 2_000_000


def test_sweep_removes_debris_but_not_builds_in_flight_or_held_locks(tmp_path):
    root = _marked(tmp_path / "c")
    store = Store(root)
    young, stale = store.new_workdir(), store.new_workdir()
    os.utime(stale, (time.time() - 10_000,) * 2)
    trash = root / "tmp" / "trash-0123"
    trash.mkdir()
    (root / "locks" / f"{KEYS[3]}.lock").write_text("")       # left by a killed process
    with store.lock(KEYS[4], timeout=1):
        counts = evict.sweep(root, build_timeout=180)
        assert (root / "locks" / f"{KEYS[4]}.lock").exists()
    assert counts == {"trash": 1, "stale_builds": 1, "locks": 1}
    assert young.exists() and not stale.exists() and not trash.exists()


def test_automatic_eviction_after_publish_respects_the_cap(jitcy_env, monkeypatch, tmp_path):
    root = _marked(tmp_path / "c")
    store = Store(root)
    for key in KEYS[:3]:
        _publish(store, key, size=100_000, used=time.time() - 1000)
    monkeypatch.setattr(evict, "_last_evict", [0.0])
    evict.evict_if_needed(store, 150_000, 180)
    assert len(evict.scan(root)) == 1
    monkeypatch.setenv("JITCY_CACHE_MAX_SIZE", "64K")
    assert config.reload().cache_max_size == 65536
    monkeypatch.setenv("JITCY_CACHE_MAX_SIZE", "lots")
    monkeypatch.setenv("JITCY_STRICT", "1")
    with pytest.raises(ValueError, match="JITCY_CACHE_MAX_SIZE='lots' is not a size"):
        config.reload()
    monkeypatch.delenv("JITCY_STRICT")
    errors.reset_warnings()
    with pytest.warns(UserWarning, match="JITCY_CACHE_MAX_SIZE='lots' is not a size"):
        assert config.reload().cache_max_size == 1 << 30
    monkeypatch.delenv("JITCY_CACHE_MAX_SIZE")
    assert config.reload().cache_max_size == 1 << 30


# -- the cache root refuses to adopt a directory that is not a cache ----------------------

def test_non_empty_unmarked_dir_is_not_adopted(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    (home / "thesis.tex").write_text("precious")
    monkeypatch.setenv("JITCY_CACHE_DIR", str(home))
    config.reload()
    reset_root()
    errors.reset_warnings()
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            root = location.cache_root()
        assert root != home and not (home / "CACHEDIR.TAG").exists()
        assert any("not a jitcy cache" in str(w.message) for w in caught)
    finally:
        reset_root()
        monkeypatch.delenv("JITCY_CACHE_DIR")
        config.reload()


def test_repository_cache_folder_is_adoptable(tmp_path):
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    (folder / "README.md").write_text("dev cache")
    (folder / ".gitignore").write_text("*\n")
    location._prepare(folder)
    assert (folder / "CACHEDIR.TAG").exists()


# -- CLI -------------------------------------------------------------------------------------

def test_cli_list_info_json(tmp_path):
    root = _marked(tmp_path / "c")
    store = Store(root)
    _publish(store, KEYS[0], qualname="Model.step", module="app.sim", types=("float", "int"),
             size=5000, used=1_700_000_000)
    _publish(store, KEYS[1], qualname="norm", module="app.util", types=("list",), size=3000)
    out = cli("cache", "list", "--json", cache_dir=root)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [(r["module"], r["function"], r["types"]) for r in rows] == [
        ("app.sim", "Model.step", ["float", "int"]), ("app.util", "norm", ["list"])]
    assert rows[0]["size"] >= 5000 and rows[0]["last_used"] == 1_700_000_000
    text = cli("cache", "list", cache_dir=root).stdout
    assert "Model.step" in text and "(float, int)" in text and "app.util" in text
    info = json.loads(cli("cache", "info", "--json", cache_dir=root).stdout)
    assert info["entries"] == 2 and info["bytes"] >= 8000 and info["usable"]


def test_cli_clear_patterns_and_all(tmp_path):
    root = _marked(tmp_path / "c")
    store = Store(root)
    _publish(store, KEYS[0], qualname="Model.step", module="app.sim")
    _publish(store, KEYS[1], qualname="Model.reset", module="app.sim")
    _publish(store, KEYS[2], qualname="norm", module="app.util")
    out = cli("cache", "clear", "--function", "Model.st*", "--json", cache_dir=root)
    assert out.returncode == 0 and json.loads(out.stdout)["removed"] == 1
    out = cli("cache", "clear", "--module", "app.util", cache_dir=root)
    assert out.returncode == 0 and "removed 1 entries" in out.stdout
    assert [e.meta["qualname"] for e in evict.scan(root)] == ["Model.reset"]
    out = cli("cache", "clear", cache_dir=root)
    assert out.returncode == 0 and evict.scan(root) == []
    assert (root / "CACHEDIR.TAG").exists()    # the cache itself stays


def test_cli_prune(tmp_path):
    root = _marked(tmp_path / "c")
    store = Store(root)
    for i, key in enumerate(KEYS[:4]):
        _publish(store, key, qualname=f"f{i}", size=10_000, used=time.time() - 100 + i)
    out = cli("cache", "prune", "--max-size", "25K", "--json", cache_dir=root)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["removed"] == 2
    assert sorted(e.meta["qualname"] for e in evict.scan(root)) == ["f2", "f3"]


def test_cli_refuses_unmarked_directory(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "v1").mkdir()
    (home / "notes.txt").write_text("keep me")
    for args in (("clear",), ("prune", "--max-size", "0"), ("list",)):
        out = cli("cache", *args, cache_dir=home)
        assert out.returncode == 1, args
        assert "not a jitcy cache" in out.stderr and "JITCY_CACHE_DIR" in out.stderr
    assert (home / "notes.txt").read_text() == "keep me" and (home / "v1").is_dir()


def test_cli_usage_errors_and_missing_dir(tmp_path):
    out = cli("cache", "prune", "--max-size", "huge", cache_dir=tmp_path / "c")
    assert out.returncode == 2 and "500M" in out.stderr
    out = cli("cache", "frobnicate", cache_dir=tmp_path / "c")
    assert out.returncode == 2 and "usage" in out.stderr
    out = cli("cache", "clear", cache_dir=tmp_path / "missing")
    assert out.returncode == 0 and "removed 0 entries" in out.stdout
    assert not (tmp_path / "missing").exists()
    info = json.loads(cli("cache", "info", "--json", cache_dir=tmp_path / "missing").stdout)
    assert info["exists"] is False and info["entries"] == 0


def test_fallback_recovers_when_the_directory_works_again(tmp_path, monkeypatch):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the cache should be")
    monkeypatch.setenv("JITCY_CACHE_DIR", str(blocker))
    config.reload()
    reset_root()
    errors.reset_warnings()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fallback = location.cache_root()
        assert fallback != blocker
        monkeypatch.setattr(location, "RETRY_INTERVAL", 0.0)
        assert location.maybe_recover() is False        # still broken
        blocker.unlink()
        assert location.maybe_recover() is True
        assert location.cache_root() == blocker and (blocker / "CACHEDIR.TAG").exists()
        assert location.maybe_recover() is False        # healthy: nothing to retry
    finally:
        reset_root()
        monkeypatch.delenv("JITCY_CACHE_DIR")
        config.reload()


# -- persistent settings: `jitcy cache config` (cache/settings.py) ------------------------

def _without_env_cap(**extra) -> dict:
    env = dict(extra)
    env["JITCY_CACHE_MAX_SIZE"] = ""          # unset for the child (empty counts as unset)
    return env


def test_cli_config_sets_shows_and_resets_and_eviction_honours_it(tmp_path, monkeypatch):
    root = _marked(tmp_path / "c")
    store = Store(root)
    for i, key in enumerate(KEYS[:4]):
        _publish(store, key, qualname=f"f{i}", size=10_000, used=time.time() - 1000 + i)
    shown = json.loads(cli("cache", "config", "--json", cache_dir=root,
                           **_without_env_cap()).stdout)
    assert (shown["max_size"], shown["max_size_source"], shown["exists"]) == (
        1 << 30, "default", False)
    out = cli("cache", "config", "--max-size", "35K", cache_dir=root, **_without_env_cap())
    assert out.returncode == 0, out.stderr
    assert "35840 bytes" in out.stdout and "config.json" in out.stdout
    assert json.loads((root / "config.json").read_text()) == {"max_size": "35K"}
    if POSIX:
        assert (root / "config.json").stat().st_mode & 0o777 == 0o600
    shown = json.loads(cli("cache", "config", "--json", cache_dir=root,
                           **_without_env_cap()).stdout)
    assert (shown["max_size"], shown["max_size_source"]) == (35 * 1024, "file")
    info = json.loads(cli("cache", "info", "--json", cache_dir=root,
                          **_without_env_cap()).stdout)
    assert (info["max_size"], info["max_size_source"]) == (35 * 1024, "file")
    # automatic eviction after a publish uses the stored cap (no JITCY_CACHE_MAX_SIZE)
    monkeypatch.delenv("JITCY_CACHE_MAX_SIZE", raising=False)
    config.reload()
    monkeypatch.setattr(evict, "_last_evict", [0.0])
    evict.evict_if_needed(store)
    assert sorted(e.meta["qualname"] for e in evict.scan(root)) == ["f1", "f2", "f3"]
    # `prune` without --max-size too
    (root / "config.json").write_text('{"max_size": "25K"}')
    out = cli("cache", "prune", "--json", cache_dir=root, **_without_env_cap())
    assert out.returncode == 0 and json.loads(out.stdout)["max_size"] == 25 * 1024
    assert sorted(e.meta["qualname"] for e in evict.scan(root)) == ["f2", "f3"]
    # clear removes entries, never the settings
    assert cli("cache", "clear", cache_dir=root).returncode == 0
    assert (root / "config.json").exists()
    out = cli("cache", "config", "--reset", "--json", cache_dir=root, **_without_env_cap())
    assert out.returncode == 0 and json.loads(out.stdout)["max_size_source"] == "default"
    assert not (root / "config.json").exists()
    config.reload()


def test_environment_wins_over_the_stored_cap(tmp_path):
    root = _marked(tmp_path / "c")
    assert cli("cache", "config", "--max-size", "2G", cache_dir=root).returncode == 0
    out = cli("cache", "config", "--json", cache_dir=root, JITCY_CACHE_MAX_SIZE="none")
    shown = json.loads(out.stdout)
    assert (shown["max_size"], shown["max_size_source"]) == (None, "env")
    assert shown["settings"] == {"max_size": "2G"}
    assert "JITCY_CACHE_MAX_SIZE=none" in out.stderr and "wins" in out.stderr
    from jitcy.cache import settings
    assert settings.max_size(root, config.Config.from_env({"JITCY_CACHE_MAX_SIZE": "500M"})) \
        == (500 << 20, "env")
    assert settings.max_size(root, config.Config.from_env({})) == (2 << 30, "file")
    assert settings.max_size(root, config.Config.from_env({"JITCY_CACHE_MAX_SIZE": " "})) \
        == (2 << 30, "file")                            # blank: not set


def test_cli_config_bad_usage_and_directories(tmp_path):
    root = _marked(tmp_path / "c")
    for bad in ("huge", "-1G", "nan", "1.5X"):
        out = cli("cache", "config", f"--max-size={bad}", cache_dir=root)
        assert out.returncode == 2, bad
        assert "not a size" in out.stderr and "500M" in out.stderr, out.stderr
    out = cli("cache", "config", "--max-size", "1G", "--reset", cache_dir=root)
    assert out.returncode == 2 and "not allowed" in out.stderr
    assert not (root / "config.json").exists()
    out = cli("cache", "config", cache_dir=root, JITCY_CACHE_MAX_SIZE="lots")
    assert out.returncode == 2 and "JITCY_CACHE_MAX_SIZE='lots' is not a size" in out.stderr
    # an unmarked directory is refused, and nothing is written into it
    home = tmp_path / "home"
    home.mkdir()
    (home / "notes.txt").write_text("keep me")
    for args in ((), ("--max-size", "1G"), ("--reset",)):
        out = cli("cache", "config", *args, cache_dir=home)
        assert out.returncode == 1 and "not a jitcy cache" in out.stderr, args
    assert sorted(p.name for p in home.iterdir()) == ["notes.txt"]
    # showing never creates the directory; setting creates it as jitcy would on first use
    missing = tmp_path / "new"
    out = cli("cache", "config", cache_dir=missing)
    assert out.returncode == 0 and "(none)" in out.stdout and not missing.exists()
    out = cli("cache", "config", "--max-size", "none", cache_dir=missing, **_without_env_cap())
    assert out.returncode == 0 and "no cap" in out.stdout, out.stderr
    assert evict.is_marked(missing) is None
    assert json.loads((missing / "config.json").read_text()) == {"max_size": "none"}


@pytest.mark.parametrize("content", [
    "not json", '["2G"]', '{"max_size": "lots"}', '{"max_size": true}', '{"max_size": -5}',
    '{"max-size": "2G"}', "", "\x00\xff",
])
def test_corrupt_settings_file_warns_once_and_uses_the_default(tmp_path, monkeypatch,
                                                               content):
    from jitcy.cache import settings
    root = _marked(tmp_path / "c")
    store = Store(root)
    (root / "config.json").write_text(content, encoding="latin-1")
    if POSIX:
        os.chmod(root / "config.json", 0o600)
    errors.reset_warnings()
    env_free = config.Config.from_env({})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert settings.max_size(root, env_free) == (1 << 30, "default")
        assert settings.max_size(root, env_free) == (1 << 30, "default")
    assert len(caught) == 1 and issubclass(caught[0].category, errors.JitcyWarning)
    assert "config.json" in str(caught[0].message)
    assert "jitcy cache config --max-size" in str(caught[0].message)
    # eviction after a publish carries on with the default cap: nothing removed, no error
    _publish(store, KEYS[0], size=10_000, used=time.time() - 1000)
    monkeypatch.delenv("JITCY_CACHE_MAX_SIZE", raising=False)
    config.reload()
    monkeypatch.setattr(evict, "_last_evict", [0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        evict.evict_if_needed(store)
    assert len(evict.scan(root)) == 1
    out = cli("cache", "config", "--json", cache_dir=root, **_without_env_cap())
    assert out.returncode == 0 and json.loads(out.stdout)["max_size_source"] == "default"
    assert "warning" in out.stderr and "config.json" in out.stderr
    info = cli("cache", "info", cache_dir=root, **_without_env_cap())
    assert info.returncode == 0 and "settings problem" in info.stdout
    # setting a value repairs the file
    out = cli("cache", "config", "--max-size", "3G", cache_dir=root, **_without_env_cap())
    assert out.returncode == 0 and out.stderr == ""
    assert json.loads((root / "config.json").read_text()) == {"max_size": "3G"}
    errors.reset_warnings()
    config.reload()


@pytest.mark.skipif(not POSIX, reason="POSIX permissions")
def test_settings_file_others_could_write_is_ignored(tmp_path):
    from jitcy.cache import settings
    root = _marked(tmp_path / "c")
    settings.write(root, {"max_size": "1K"})
    os.chmod(root / "config.json", 0o666)
    cap, source, problem = settings.resolve(root, config.Config.from_env({}))
    assert (cap, source) == (1 << 30, "default") and "writable by group or others" in problem
    os.chmod(root / "config.json", 0o600)
    assert settings.resolve(root, config.Config.from_env({})) == (1024, "file", None)
