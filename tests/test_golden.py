"""Golden .pyx files: the translator's output for chosen functions, checked in.

A change in the generated code shows up as a diff of tests/golden/*.pyx in review. After an
intended change, rewrite them with ``python -m pytest tests/test_golden.py --update-golden``
and read the diff. What is compared: the function's own part of the module (its ``cdef``
bodies and the entry), from the first generated body to the end, without the source line
numbers; the support code above it (runtime.py) is left out so a helper change does not
touch every file. Fast: nothing is built.
"""
from __future__ import annotations

import re

import pytest

from jitcy import analyzer, pipeline
from jitcy.profiler.arrays import ArrayType
from jitcy.translator import emit_module

from .conftest import TESTS, load_fresh_module

GOLDEN = TESTS / "golden"

#: (file stem, corpus module, function, observed argument types)
CASES = [
    ("fib_pair", "corpus_types", "fib_pair", (int,)),
    ("mandel_tuple", "corpus_types", "mandel_tuple", (float, float, int)),
    ("math_norms", "corpus_types", "math_norms", (int, float)),
    ("math_impure", "corpus_types", "math_impure", (list, float)),
    ("math_floor_ceil", "corpus_types", "math_floor_ceil", (float,)),
    ("counter_index", "corpus_types", "counter_index", (list,)),
    ("counter_arith", "corpus_types", "counter_arith", (list,)),
    ("enumerate_sum", "corpus_types", "enumerate_sum", (list, int)),
    ("param_bound", "corpus_types", "param_bound", (list, int, int)),
    ("bounded_locals", "corpus_types", "bounded_locals", (list,)),
    ("float_block", "corpus_types", "block_rows", (list, float)),
    ("char_classes", "corpus_types", "char_classes", (str,)),
    ("int_poly", "corpus", "int_poly", (int, int)),
    ("float_arith", "corpus", "float_arith", (float, float)),
    ("list_sum_loop", "corpus", "list_sum_loop", (list,)),
    ("fib_rec", "corpus", "fib_rec", (int,)),
    # method calls on objects of user classes: local, item, attribute, call's result
    ("method_receivers", "corpus", "method_receivers", (list, object, int)),
    # short methods run as C at the call site (method_probes.py): the probes' C is shown
    ("method_probes", "corpus_trivial", "states", (object,)),
    # a raise-free pure body: its export carries the copy without checks (raise_free.py)
    ("weight_raise_free", "corpus_calls", "weight", (int, int)),
    # NumPy arrays: elements as NumPy scalars, proven indexes, fast loops (little-endian)
    ("np_sum_sq", "corpus_npscalars", "sum_sq", (ArrayType("<f8", 1, True),)),
    ("np_matmul", "corpus_npscalars", "matmul", (ArrayType("<f8", 2, True),) * 3),
    ("np_stencil", "corpus_npscalars", "stencil", (ArrayType("<f8", 1, True),) * 2),
    ("np_int_dot", "corpus_npscalars", "int_dot", (ArrayType("<i8", 1, True),) * 2),
]

_modules = {}


def _function(module: str, name: str):
    if module not in _modules:
        _modules[module] = load_fresh_module(TESTS / f"{module}.py", f"{module}_golden")
    return getattr(_modules[module], name)


def generated(module: str, name: str, arg_types: tuple) -> str:
    if any(isinstance(t, ArrayType) for t in arg_types):
        pytest.importorskip("numpy")     # (arrays are typed for NumPy 2: it must be loaded)
    func = _function(module, name)
    typed = analyzer.analyze(func, func.__code__, analyzer.normalize_types(arg_types),
                             None, pipeline._method_codes(func, func.__code__))
    text = emit_module.emit_module(typed)
    start = re.search(r"\ncdef extern from \*:\n    \"\"\"\n    static int __jitcy_mp"
                      r"|\ncdef [\w ]+ __jitcy_(deopt|impl)", text).start()
    header = (f"# golden: {module}.{name}{tuple(t.__name__ for t in arg_types)}\n"
              f"# regenerate: python -m pytest tests/test_golden.py --update-golden\n")
    body = text[start:].lstrip("\n")
    # Scrubbed: source line numbers (they move when the corpus grows) and the line map.
    body = re.sub(r"  # line \d+$", "", body, flags=re.M)
    body = re.sub(r"^__jitcy_LINES = .*\n", "", body, flags=re.M).rstrip("\n") + "\n"
    return header + body


@pytest.mark.parametrize("stem, module, name, arg_types", CASES, ids=[c[0] for c in CASES])
def test_golden(request, stem, module, name, arg_types):
    path = GOLDEN / f"{stem}.pyx"
    text = generated(module, name, arg_types)
    if request.config.getoption("--update-golden"):
        path.write_text(text)
        return
    assert path.exists(), f"{path} is missing: run with --update-golden and review it"
    expected = path.read_text()
    assert text == expected, (f"the generated code for {module}.{name} changed; if intended, "
                              f"run python -m pytest tests/test_golden.py --update-golden "
                              f"and review the diff of {path}")


def test_every_golden_file_has_a_case():
    stems = {c[0] for c in CASES}
    stray = sorted(p.name for p in GOLDEN.glob("*.pyx") if p.stem not in stems)
    assert not stray, f"golden files without a case (delete them): {stray}"
