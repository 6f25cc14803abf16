"""Tests for jitcy.cache: keys, cache root, store. A fake .so (any bytes) is enough: only
storage is tested here, never loading."""
from __future__ import annotations

import json
import os
import pathlib
import stat
import subprocess
import sys
import tempfile
import textwrap
import warnings

import pytest

from jitcy import config, errors
from jitcy import cache
from jitcy.cache import (FORMAT_VERSION, Entry, Store, cache_root, code_fingerprint,
                         make_key, reset_root)
from jitcy.cache import location

REPO = pathlib.Path(__file__).resolve().parents[1]
POSIX = hasattr(os, "getuid")
KEY = "ab" + "0123456789abcdef" * 3 + "cdef0123456789ab"[:14]
OTHER_KEY = "cd" + "f" * 62
SO_BYTES = b"\x7fELF fake extension module " + bytes(range(256)) * 4


def _child_env(**extra) -> dict:
    """The environment for a child Python that imports jitcy from this checkout."""
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH")) if p)
    return dict(os.environ, PYTHONPATH=path, **extra)


def _compile(src: str, name: str = "f", filename: str = "<test>"):
    ns: dict = {}
    exec(compile(textwrap.dedent(src), filename, "exec", dont_inherit=True), ns)
    return ns[name]


def fp(src: str, name: str = "f") -> str:
    return code_fingerprint(_compile(src, name).__code__)


# -- keys ------------------------------------------------------------------------------------

def test_public_api_is_exactly_the_interface():
    assert sorted(cache.__all__) == sorted(
        ["FORMAT_VERSION", "Entry", "Store", "aot", "cache_root", "code_fingerprint", "evict_if_needed", "make_key",
         "reset_root"])
    assert isinstance(FORMAT_VERSION, int)


def test_fingerprint_sees_constants_not_only_bytecode():
    f1 = _compile("def f(x):\n    return x + 1\n")
    f2 = _compile("def f(x):\n    return x + 2\n")
    assert f1.__code__.co_code == f2.__code__.co_code
    assert code_fingerprint(f1.__code__) != code_fingerprint(f2.__code__)


def test_fingerprint_types_constants():
    variants = ["1", "1.0", "True", "'1'", "b'1'", "1j", "(1,)", "(1.0,)", "(True,)"]
    fps = {fp(f"def f(x):\n    return x == {v}\n") for v in variants}
    assert len(fps) == len(variants)
    assert fp("def f():\n    return 0.0\n") != fp("def f():\n    return -0.0\n")
    assert fp("def f():\n    return 0\n") != fp("def f():\n    return False\n")


def test_fingerprint_nested_code_objects():
    outer = "def f():\n    def g():\n        return {}\n    return g\n"
    assert fp(outer.format(1)) != fp(outer.format(2))
    assert fp(outer.format(1)) == fp(outer.format(1))
    lam = "def f():\n    return lambda y: y * {}\n"
    assert fp(lam.format(3)) != fp(lam.format(4))


def test_fingerprint_names_flags_and_arguments():
    assert fp("def f(x):\n    return x\n") != fp("def f(y):\n    return y\n")
    assert fp("def f(x):\n    return x\n") != fp("def f(x, /):\n    return x\n")
    assert fp("def f(x):\n    return a.x\n") != fp("def f(x):\n    return a.y\n")
    assert fp("def f(*a):\n    return a\n") != fp("def f(**a):\n    return a\n")
    assert fp("def f():\n    return 1\n") != fp("def g():\n    return 1\n", "g")


def test_fingerprint_ignores_position_and_file():
    src = "def f(x):\n    def g(y):\n        return y + x\n    return g(2) * 3.5\n"
    a = _compile(src, filename="a.py")
    b = _compile("\n" * 40 + src, filename="elsewhere/b.py")
    assert a.__code__.co_firstlineno != b.__code__.co_firstlineno
    assert code_fingerprint(a.__code__) == code_fingerprint(b.__code__)


def test_fingerprint_rejects_non_code():
    with pytest.raises(TypeError):
        code_fingerprint(lambda: 0)


STABLE_SRC = ("def f(x):\n"
              "    if x in {'alpha', 'beta', 'gamma', 'delta', 1.5, None}:\n"
              "        return [y * 2 for y in (1, 2.0, 'z')]\n"
              "    return lambda: -0.0\n")


def test_fingerprint_stable_across_processes():
    script = ("import sys; from jitcy.cache import code_fingerprint as c; ns = {}; "
              "exec(sys.argv[1], ns); print(c(ns['f'].__code__))")
    results = set()
    for seed in ("1", "2"):  # different str hashes -> different frozenset iteration order
        env = _child_env(PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", script, STABLE_SRC], env=env,
                             capture_output=True, text=True, check=True, timeout=60)
        results.add(out.stdout.strip())
    results.add(code_fingerprint(_compile(STABLE_SRC).__code__))
    assert len(results) == 1


def test_make_key_is_canonical_json_sha256():
    import hashlib
    parts = {"b": [1, 2.5, "x"], "a": {"z": None, "y": True}}
    assert make_key(parts) == make_key(dict(reversed(list(parts.items()))))
    expected = hashlib.sha256(
        b'{"a":{"y":true,"z":null},"b":[1,2.5,"x"]}').hexdigest()
    assert make_key(parts) == expected
    assert make_key({"a": 1}) != make_key({"a": 1.0})
    with pytest.raises(TypeError):
        make_key({"a": {1, 2}})


# -- cache_root ------------------------------------------------------------------------------

@pytest.fixture
def use_dir(monkeypatch):
    """Point JITCY_CACHE_DIR at a path; forget the memoized root and warnings around it."""
    def set_dir(path):
        monkeypatch.setenv("JITCY_CACHE_DIR", str(path))
        config.reload()
        reset_root()
        errors.reset_warnings()
    yield set_dir
    monkeypatch.delenv("JITCY_CACHE_DIR", raising=False)
    config.reload()
    reset_root()
    errors.reset_warnings()


def _root_with_warnings():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = cache_root()
        second = cache_root()
    assert first == second
    return first, [w for w in caught if issubclass(w.category, errors.JitcyWarning)]


def test_cache_root_creates_private_marked_dir(tmp_path, use_dir):
    wanted = tmp_path / "deep" / "cache"
    use_dir(wanted)
    root, warned = _root_with_warnings()
    assert root == wanted and not warned
    if POSIX:
        assert stat.S_IMODE(os.stat(root).st_mode) == 0o700
    tag = (root / "CACHEDIR.TAG").read_text()
    assert tag.splitlines()[0] == "Signature: 8a477f597d28d172789f06886806bc55"
    assert (root / "jitcy-cache-version").read_text().strip() == str(FORMAT_VERSION)
    # an existing, already marked dir is accepted again as is
    reset_root()
    assert cache_root() == wanted


def test_cache_root_relative_path_is_made_absolute(tmp_path, use_dir, monkeypatch):
    monkeypatch.chdir(tmp_path)
    use_dir("rel-cache")
    root, _ = _root_with_warnings()
    assert root == tmp_path / "rel-cache" and root.is_absolute()


def _assert_fallback(root, warned, wanted, words):
    assert root is not None and root != wanted
    assert root.name.startswith("jitcy-cache-")
    assert pathlib.Path(tempfile.gettempdir()) in root.parents
    assert (root / "CACHEDIR.TAG").exists()
    assert len(warned) == 1
    text = str(warned[0].message)
    assert str(wanted) in text and "JITCY_CACHE_DIR" in text
    for word in words:
        assert word in text


def test_cache_root_unwritable_falls_back_with_one_warning(tmp_path, use_dir):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    wanted = blocker / "cache"
    use_dir(wanted)
    root, warned = _root_with_warnings()
    _assert_fallback(root, warned, wanted, ["temporary"])


@pytest.mark.skipif(not POSIX, reason="POSIX permission bits")
def test_cache_root_refuses_group_writable_dir(tmp_path, use_dir):
    wanted = tmp_path / "shared"
    wanted.mkdir()
    os.chmod(wanted, 0o775)
    use_dir(wanted)
    root, warned = _root_with_warnings()
    _assert_fallback(root, warned, wanted, ["writable by group or others"])
    assert not (wanted / "CACHEDIR.TAG").exists()


@pytest.mark.skipif(not POSIX, reason="symlinks need privileges on Windows")
def test_cache_root_refuses_symlink(tmp_path, use_dir):
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    link = tmp_path / "link"
    link.symlink_to(real)
    use_dir(link)
    root, warned = _root_with_warnings()
    _assert_fallback(root, warned, link, ["symlink"])


def test_cache_root_memory_only_when_nothing_works(tmp_path, use_dir, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    use_dir(blocker / "cache")

    def no_temp(*args, **kwargs):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(location.tempfile, "mkdtemp", no_temp)
    root, warned = _root_with_warnings()
    assert root is None
    assert len(warned) == 1 and "this process only" in str(warned[0].message)


# -- Store -----------------------------------------------------------------------------------

def _publish(store: Store, key: str = KEY, data: bytes = SO_BYTES, **meta) -> Entry:
    work = store.new_workdir()
    (work / "mod.so").write_bytes(data)
    (work / "mod.pyx").write_text("# source\n")
    meta.setdefault("module_name", "_jitcy_mod")
    return store.publish(key, work, "mod.so", meta)


def _no_trash(root: pathlib.Path) -> bool:
    return not any(p.name.startswith("trash-") for p in (root / "tmp").iterdir())


def test_publish_then_lookup(tmp_path):
    store = Store(tmp_path)
    work = store.new_workdir()
    assert work.parent == tmp_path / "tmp" and not any(work.iterdir())
    if POSIX:
        assert stat.S_IMODE(os.stat(work).st_mode) == 0o700
    (work / "mod.so").write_bytes(SO_BYTES)
    (work / "mod.pyx").write_text("# source\n")
    entry = store.publish(KEY, work, "mod.so",
                          {"module_name": "_jitcy_mod", "extra": {"types": ["int"]}})
    expected_dir = tmp_path / f"v{FORMAT_VERSION}" / KEY[:2] / KEY
    assert entry.path == expected_dir and entry.so_path == expected_dir / "mod.so"
    assert not work.exists()  # the workdir was moved into place, not copied

    found = store.lookup(KEY)
    assert found is not None
    assert found.path == entry.path and found.module_name == "_jitcy_mod"
    assert found.so_path.read_bytes() == SO_BYTES
    assert (found.path / "mod.pyx").read_text() == "# source\n"
    meta = found.meta
    assert meta == entry.meta
    assert meta["key"] == KEY and meta["format_version"] == FORMAT_VERSION
    assert meta["so_name"] == "mod.so" and meta["size"] == len(SO_BYTES)
    assert meta["extra"] == {"types": ["int"]} and isinstance(meta["created"], float)
    on_disk = json.loads((found.path / "meta.json").read_text())
    assert on_disk == meta
    if POSIX:
        assert stat.S_IMODE(os.stat(found.path).st_mode) == 0o700
        assert stat.S_IMODE(os.stat(found.so_path).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(found.path / "meta.json").st_mode) == 0o600
    assert store.stats() == {"hits": 1, "misses": 0, "corrupt": 0, "published": 1}


def test_lookup_missing_is_a_plain_miss(tmp_path):
    store = Store(tmp_path / "never-created")
    assert store.lookup(KEY) is None
    assert store.stats() == {"hits": 0, "misses": 1, "corrupt": 0, "published": 0}


def test_lookup_touches_last_used_time(tmp_path):
    store = Store(tmp_path)
    entry = _publish(store)
    meta_path = entry.path / "meta.json"
    os.utime(meta_path, (1_000_000, 1_000_000))
    assert store.lookup(KEY) is not None
    assert os.stat(meta_path).st_mtime > 1_000_000


def _truncate(entry):
    entry.so_path.write_bytes(SO_BYTES[:-10])


def _flip(entry):
    data = bytearray(entry.so_path.read_bytes())
    data[100] ^= 0x01
    entry.so_path.write_bytes(bytes(data))


def _garbage_meta(entry):
    (entry.path / "meta.json").write_bytes(b"{not json\xff")


def _meta_not_object(entry):
    (entry.path / "meta.json").write_text("[1, 2]")


def _missing_meta(entry):
    (entry.path / "meta.json").unlink()


def _missing_so(entry):
    entry.so_path.unlink()


def _wrong_version(entry):
    p = entry.path / "meta.json"
    meta = json.loads(p.read_text())
    meta["format_version"] = FORMAT_VERSION + 1
    p.write_text(json.dumps(meta))


def _escaping_so_name(entry):
    p = entry.path / "meta.json"
    meta = json.loads(p.read_text())
    meta["so_name"] = "../../../../etc/passwd"
    p.write_text(json.dumps(meta))


def _group_writable_so(entry):
    os.chmod(entry.so_path, 0o620)


def _symlinked_so(entry):
    real = entry.path / "real.so"
    os.replace(entry.so_path, real)
    entry.so_path.symlink_to(real)


@pytest.mark.parametrize("damage", [
    _truncate, _flip, _garbage_meta, _meta_not_object, _missing_meta, _missing_so,
    _wrong_version, _escaping_so_name,
    pytest.param(_group_writable_so, marks=pytest.mark.skipif(not POSIX, reason="POSIX")),
    pytest.param(_symlinked_so, marks=pytest.mark.skipif(not POSIX, reason="POSIX")),
])
def test_lookup_refuses_and_removes_damaged_entry(tmp_path, damage):
    store = Store(tmp_path)
    entry = _publish(store)
    damage(entry)
    assert store.lookup(KEY) is None
    assert not entry.path.exists()
    assert _no_trash(tmp_path)
    assert store.stats() == {"hits": 0, "misses": 1, "corrupt": 1, "published": 1}
    # the next build publishes normally
    again = _publish(store)
    assert store.lookup(KEY).so_path.read_bytes() == SO_BYTES
    assert again.path == entry.path


def test_lookup_refuses_meta_of_another_key(tmp_path):
    store = Store(tmp_path)
    other = _publish(store, key=OTHER_KEY)
    fake_dir = tmp_path / f"v{FORMAT_VERSION}" / KEY[:2] / KEY
    fake_dir.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.rename(other.path, fake_dir)  # a valid entry, but for OTHER_KEY
    assert store.lookup(KEY) is None
    assert not fake_dir.exists()
    assert store.stats()["corrupt"] == 1


@pytest.mark.skipif(not POSIX, reason="POSIX permission bits")
def test_lookup_refuses_group_writable_entry_dir(tmp_path):
    store = Store(tmp_path)
    entry = _publish(store)
    os.chmod(entry.path, 0o770)
    assert store.lookup(KEY) is None
    assert store.stats()["corrupt"] == 1


def test_publish_race_second_gets_first_entry(tmp_path):
    store = Store(tmp_path)
    first, second = store.new_workdir(), store.new_workdir()
    (first / "mod.so").write_bytes(b"first build")
    (second / "mod.so").write_bytes(b"second build")
    e1 = store.publish(KEY, first, "mod.so", {"module_name": "m1"})
    e2 = Store(tmp_path).publish(KEY, second, "mod.so", {"module_name": "m2"})
    assert e2.path == e1.path and e2.module_name == "m1"
    assert e2.so_path.read_bytes() == b"first build"
    assert not first.exists() and not second.exists()
    assert store.stats()["published"] == 1


def test_publish_race_at_replace_time(tmp_path, monkeypatch):
    """The winner appears between publish's own lookup and its os.replace."""
    store = Store(tmp_path)
    winner = Store(tmp_path)
    loser_dir = store.new_workdir()
    (loser_dir / "mod.so").write_bytes(b"loser")
    real_find = Store._find
    calls = []

    def find_then_lose(self, key):
        result = real_find(self, key)
        if self is store and not calls:
            calls.append(key)
            _publish(winner, data=b"winner")
        return result
    monkeypatch.setattr(Store, "_find", find_then_lose)
    entry = store.publish(KEY, loser_dir, "mod.so", {"module_name": "m"})
    assert entry.so_path.read_bytes() == b"winner"
    assert not loser_dir.exists()
    assert store.stats()["published"] == 0 and winner.stats()["published"] == 1


def test_publish_failure_raises_cache_error_and_keeps_workdir(tmp_path):
    store = Store(tmp_path)
    vdir = tmp_path / f"v{FORMAT_VERSION}"
    vdir.mkdir(mode=0o700)
    (vdir / KEY[:2]).write_text("a file where the shard directory should be")
    work = store.new_workdir()
    (work / "mod.so").write_bytes(SO_BYTES)
    with pytest.raises(errors.CacheError) as info:
        store.publish(KEY, work, "mod.so", {"module_name": "m"})
    assert str(work) in str(info.value)
    assert (work / "mod.so").read_bytes() == SO_BYTES
    assert store.lookup(KEY) is None


def test_publish_missing_so_is_cache_error(tmp_path):
    store = Store(tmp_path)
    work = store.new_workdir()
    with pytest.raises(errors.CacheError):
        store.publish(KEY, work, "absent.so", {"module_name": "m"})
    assert work.exists()


@pytest.mark.parametrize("bad", ["../" + KEY, KEY.upper(), "abc", "", KEY + "/x"])
def test_keys_must_be_hex(tmp_path, bad):
    store = Store(tmp_path)
    with pytest.raises(ValueError):
        store.lookup(bad)
    with pytest.raises(ValueError):
        store.lock(bad, timeout=1)


def test_publish_rejects_so_name_outside_entry(tmp_path):
    store = Store(tmp_path)
    work = store.new_workdir()
    with pytest.raises(ValueError):
        store.publish(KEY, work, "../mod.so", {"module_name": "m"})
    with pytest.raises(ValueError):
        store.publish(KEY, work, "mod.so", {})


LOCK_HOLDER = """
import sys
from jitcy.cache import Store
with Store(sys.argv[1]).lock(sys.argv[2], timeout=30):
    print("locked", flush=True)
    sys.stdin.read()   # hold the lock until the parent closes our stdin
"""


def test_lock_excludes_across_processes(tmp_path):
    store = Store(tmp_path)
    env = _child_env()
    child = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(tmp_path), KEY],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "locked"
        with pytest.raises(errors.CacheError, match="timed out"):
            with store.lock(KEY, timeout=0.2):
                pass
        with store.lock(OTHER_KEY, timeout=1):  # other keys are independent
            pass
        child.stdin.close()
        assert child.wait(timeout=30) == 0
        with store.lock(KEY, timeout=10) as path:
            assert path == tmp_path / "locks" / f"{KEY}.lock"
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()


def test_lock_released_when_holder_dies(tmp_path):
    env = _child_env()
    child = subprocess.Popen([sys.executable, "-c", LOCK_HOLDER, str(tmp_path), KEY],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline().strip() == "locked"
        child.kill()
        child.wait(timeout=30)
        with Store(tmp_path).lock(KEY, timeout=10):
            pass
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdin.close()
        child.stdout.close()


def test_lock_unusable_location_is_cache_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(errors.CacheError):
        with Store(blocker).lock(KEY, timeout=1):
            pass
    with pytest.raises(errors.CacheError):
        Store(blocker).new_workdir()


BUILDER = """
import sys, time
from jitcy.cache import Store
root, key, use_lock = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
store = Store(root)
sys.stdin.read()   # start together
def build():
    entry = store.lookup(key)
    if entry is None:
        work = store.new_workdir()
        (work / "m.so").write_bytes(b"built by %d" % __import__("os").getpid())
        time.sleep(0.05)
        entry = store.publish(key, work, "m.so", {"module_name": "m"})
    return entry
if use_lock:
    with store.lock(key, timeout=30):
        entry = build()
else:
    entry = build()
print(store.stats()["published"], entry.so_path.read_bytes().decode(), flush=True)
"""


@pytest.mark.parametrize("use_lock", ["1", "0"])
def test_concurrent_processes_share_one_entry(tmp_path, use_lock):
    """With the lock each key is built once; even without it, all agree on one entry."""
    env = _child_env()
    children = [subprocess.Popen([sys.executable, "-c", BUILDER, str(tmp_path), KEY, use_lock],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                 env=env) for _ in range(4)]
    for child in children:  # all are imported and waiting: release them at once
        child.stdin.close()
    outputs = [child.stdout.read().split() for child in children]
    for child in children:
        child.wait(timeout=60)
        child.stdout.close()
    assert all(child.returncode == 0 for child in children)
    assert sum(int(out[0]) for out in outputs) == 1
    assert len({" ".join(out[1:]) for out in outputs}) == 1
    assert [p.name for p in (tmp_path / "tmp").iterdir()] == []
