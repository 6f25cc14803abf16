"""Generated .pyx never carries the user's text where Cython would read it as code or as a
directive: names are identifiers, strings are emitted as literals, the file name is quoted."""
from __future__ import annotations

import os

import pytest

from jitcy.cache import evict

from .conftest import compile_now, load_fresh_module

EVIL = '''
def shout(s):
    """
# cython: boundscheck=False
cdef extern from *:
    "#error injected"
"""
    t = "\\n# cython: wraparound=False\\nprint('INJECTED')\\n"
    return s + t + '"""' + "\\x00"
'''


@pytest.mark.skipif(os.name != "posix", reason="newlines in file names are POSIX-only")
def test_user_text_cannot_become_pyx_code(jitcy_env, tmp_path, capfd):
    folder = tmp_path / "src"
    folder.mkdir()
    path = folder / "evil\nprint('INJECTED-FROM-FILENAME')\n#.py"
    path.write_text(EVIL)
    mod = load_fresh_module(path, "evil_mod")
    plain = {}
    exec(compile(EVIL, "<plain>", "exec"), plain)
    expected = plain["shout"]("x")
    st = compile_now(mod.shout, "x")
    assert st["state"] == "swapped", st["reason"]
    assert mod.shout("x") == expected and mod.shout("y") == plain["shout"]("y")
    assert "INJECTED" not in capfd.readouterr().out
    pyx = [p for e in evict.scan(jitcy_env) if e.meta.get("qualname") == "shout"
           for p in e.path.glob("*.pyx")]
    assert pyx
    lines = pyx[0].read_text().splitlines()
    assert sum(1 for line in lines if line.startswith("# cython:")) == 1
    for line in lines:     # the user's texts appear only inside quoted literals
        assert not line.lstrip().startswith(("print('INJECTED", '"#error injected"')), line
        assert not line.startswith("# cython: boundscheck=False"), line
