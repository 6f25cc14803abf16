"""The arithmetic half of the body rewrite: operations whose C meaning is not Python's.

:class:`ArithmeticRewrites` is mixed into :class:`rewrite_names.RewriteNames` (one pass over
the body); it holds the rules for C scalars::

    x ** y            ->  __jitcy_obj(x) ** y          (C pow rounds; Python's may raise)
    a / b  (doubles)  ->  __jitcy_fdiv(a, b)           (Python's ZeroDivisionError message)
    a / 4.0           ->  __jitcy_fdiv_nz(a, 4.0)      (a nonzero literal: C's division)
    a % b  (C ints)   ->  __jitcy_mod_ll(a, b)         (no SIGFPE at LLONG_MIN % -1)
    i < x  (int, float mixed)  ->  objects             (C would round the int)

* Arithmetic whose C meaning differs from Python's goes through Python objects or a checked
  helper (``**``, shifts, float ``//`` and ``%``, int ``/`` with C ints, mixed int/float
  comparisons, unary minus and ``abs`` of C ints, float ``/`` for Python's error message).
* C ints: ``range(a, b, K)`` loops whose last step could pass LLONG_MAX leave the C body;
  ``min``/``max`` of mixed C types compare as objects.
* Objects: ``a * b`` and ``a + b`` use the interpreter's operators (Cython's fast paths
  repeat sequences with their own overflow message, and return ``-0.0 + 0`` as -0.0).
"""
from __future__ import annotations

import ast
import copy

from ..analyzer.known_globals import C_MATH, CONSTANTS, DOUBLE_ARGS
from ..analyzer.ranges import c_places
from ..analyzer.model import BOOL, BYTES, FLOAT, INT, LIST, OBJECT, STR, TUPLE, is_enumerate
from . import naming
from .int_starts import NUMBER_TARGET
from .math_support import SAFE_ARGUMENT
from .rewrite_flex import mark_c_operands


def _call(func: str, *args) -> ast.Call:
    return ast.Call(func=ast.Name(id=func, ctx=ast.Load()), args=list(args), keywords=[])


def _const(value):
    return ast.Constant(value=value)


class ArithmeticRewrites:
    """Mixin: needs ``self.fn``, ``self.c_ints``, ``self.in_nogil``,
    ``self.nogil_known_checks`` and ``self.visit``."""

    # -- types of expressions, as the translator sees them ------------------------
    def c_kind(self, node) -> str:
        """'int', 'float', 'bool' when the value is held in C; 'object' otherwise."""
        t = getattr(node, "_jitcy_type", OBJECT)
        if (t == INT and not self.c_ints and not _is_int_literal(node)
                and not self.is_c_int(node)):
            # Ints are Python objects here, but Cython types an int literal as a C constant
            # whatever the mode: ``c // 3`` with a double c is C arithmetic either way. Loop
            # counters are C where marked (see mark_c_ints).
            return OBJECT
        return t if t in (INT, FLOAT, BOOL) else OBJECT

    def mark_c_ints(self):
        """In a body that is not pure, the int expressions that stay C: those made of loop
        counters, ``len()`` and literals whose every value fits (analyzer/ranges.py), used
        where C pays and means the same: a list or tuple index, a ``range()`` bound, a
        comparison operand. Any other use of a counter reads it as a Python int, so no
        overflow check can fail and arithmetic stays unbounded."""
        self.c_int_nodes = set()
        fn = self.fn
        if self.c_ints or not fn.counters:
            return
        type_of = lambda e: getattr(e, "_jitcy_type", OBJECT)   # noqa: E731
        places = c_places(fn.node, fn.counters, fn.builtin_names, type_of, fn.callees,
                          fn.locals)
        for sub in ast.walk(fn.node):
            # count += 1 on a C counter, whose result fits (visit_AugAssign: count = count + 1)
            if (isinstance(sub, ast.AugAssign) and isinstance(sub.target, ast.Name)
                    and sub.target.id in fn.counters and type_of(sub.value) == INT
                    and isinstance(sub.op, (ast.Add, ast.Sub, ast.Mult))
                    and fn.int_interval(ast.BinOp(left=ast.Name(id=sub.target.id, ctx=ast.Load()),
                                                  op=sub.op, right=sub.value))):
                places += [sub.target, sub.value]
        for place in places:
            if getattr(place, "_jitcy_type", OBJECT) == INT and fn.int_interval(place):
                for n in ast.walk(place):
                    if isinstance(n, ast.expr):
                        self.c_int_nodes.add(id(n))
                        n._jitcy_c_int = True       # kept by copies of the node

    @staticmethod
    def is_c_int(node) -> bool:
        """Is this int expression one of the C places marked by mark_c_ints (or a copy)?"""
        return getattr(node, "_jitcy_c_int", False)

    def arithmetic_call(self, node):
        """``abs``/``min``/``max``/``int`` and ``math`` calls on C scalars; None if not one
        of those."""
        fn = self.fn
        math_call = self.math_call(node)
        if math_call is not None:
            return math_call
        if (isinstance(node.func, ast.Name) and node.func.id == "abs" and "abs" in fn.builtin_names
                and len(node.args) == 1 and self.c_kind(node.args[0]) == INT):
            return ast.copy_location(_call(naming.ABS_LL, self.visit(node.args[0])), node)
        if (isinstance(node.func, ast.Name) and node.func.id in ("min", "max")
                and node.func.id in fn.builtin_names and len(node.args) >= 2
                and not node.keywords and not any(isinstance(a, ast.Starred) for a in node.args)):
            kinds = {self.c_kind(a) for a in node.args}
            if len(kinds) > 1 and kinds != {OBJECT}:
                # Cython's min/max of mixed C types computes in the widest C type: min(1, 2.0)
                # would be 1.0 and compare long long with double after rounding. Python
                # returns the winning argument itself, compared exactly.
                node.args = [_call(naming.AS_OBJECT, self.visit(a)) for a in node.args]
                return node
        if (isinstance(node.func, ast.Name) and node.func.id == "int" and "int" in fn.builtin_names
                and len(node.args) == 1 and self.c_kind(node.args[0]) == FLOAT):
            node.args = [_call(naming.AS_OBJECT, self.visit(node.args[0]))]
            return node
        return None

    # -- math -----------------------------------------------------------------------------
    def math_call(self, node):
        """``math.sqrt(x)`` of C scalars -> ``__jitcy_m_sqrt(x)`` (math_support.py). The
        entry checked that ``math`` is still the math module; a body that runs user code
        (not pure) checks again at each use, and calls whatever ``math`` is now if not
        (in a nogil block: once before the block, see ``visit_With``)."""
        name = self.fn.math_function(node.func)
        if (name is None or C_MATH.get(name) != len(node.args)
                or getattr(node, "_jitcy_type", OBJECT) == OBJECT
                or (name not in DOUBLE_ARGS
                    and any(self.c_kind(a) == OBJECT for a in node.args))):
            return None             # not math, or the math function itself as a Python call
        slow = None if self.c_ints or self._known_checked() else copy.deepcopy(node)
        # An argument held as an object is converted as the math function would convert
        # it (rewrite_flex.py: a float, held unboxed or not, is read directly).
        mark_c_operands(*node.args)
        args = [self.flex_value(a) if self.c_kind(a) == OBJECT else self.visit(a)
                for a in node.args]
        fast = ast.copy_location(_call(naming.MATH_C + name, *args), node)
        if name in SAFE_ARGUMENT and _repeatable(args[0]):
            # libm's own result where the argument cannot give a suspicious one, the checked
            # helper otherwise: only that path tests the helper's error value (-1.0).
            fast = ast.copy_location(ast.IfExp(
                test=_call(naming.LIKELY, _call(naming.MATH_SAFE + name, copy.deepcopy(args[0]))),
                body=_call(naming.MATH_LIBM + name, copy.deepcopy(args[0])), orelse=fast), node)
        return fast if slow is None else self._known_or(fast, slow)

    def math_constant(self, node):
        """``math.pi`` -> a C double read from the math module at import."""
        if not (getattr(node, "_jitcy_type", OBJECT) == FLOAT and isinstance(node.value, ast.Name)
                and self.fn.known_globals.get(node.value.id) == "math"
                and node.attr in CONSTANTS and node.value.id not in self.fn.locals):
            return None
        fast = ast.copy_location(ast.Name(id=naming.MATH_CONST + node.attr, ctx=ast.Load()), node)
        if self.c_ints or self._known_checked():
            return fast
        return self._known_or(fast, copy.deepcopy(node))

    def _known_checked(self) -> bool:
        """Inside a nogil block of a body that is not pure, the known globals are checked
        once before the block (see ``visit_With``): count the use, skip the check. In the
        copy of a pure body that callers inline, the caller checks them before it runs."""
        if self.inline:
            return True
        if self.in_nogil:
            self.nogil_known_checks += 1
        return self.in_nogil

    def _known_or(self, fast, slow):
        slow_type = slow._jitcy_type
        slow._jitcy_type = OBJECT                   # visit it as the plain Python operation
        convert = naming.AS_BINT if slow_type == BOOL else naming.AS_DOUBLE
        test = _call(naming.KNOWN_OK, ast.Name(id=naming.BINDING_ARG, ctx=ast.Load()))
        return ast.copy_location(ast.IfExp(test=test, body=fast,
                                           orelse=_call(convert, self.visit(slow))), fast)

    # -- loops ------------------------------------------------------------------------
    def visit_For(self, node):
        """Cython compiles ``for i in range(a, b, K)`` (K a constant) to a C loop whose last
        ``i += K`` can pass LLONG_MAX: undefined behaviour, in practice an endless loop. The
        stop goes through a check that leaves the C-int body when that could happen."""
        target_kind = self.c_kind(node.target)
        counted = self._counted_range(node)
        if (self.fn.speculated and isinstance(node.target, ast.Name) and target_kind == FLOAT
                and getattr(node.iter, "_jitcy_type", OBJECT) in (LIST, TUPLE)):
            return self._walk_sequence(node, node.iter, None, node.target)   # for x in xs
        if (self.fn.speculated and _enumerates_sequence(node)
                and self.c_kind(node.target.elts[1]) == FLOAT):
            # for j, x in enumerate(xs)
            return self._walk_sequence(node, node.iter.args[0], *node.target.elts)
        self.generic_visit(node)
        it = node.iter
        if (self.c_ints and target_kind == INT and isinstance(it, ast.Call)
                and isinstance(it.func, ast.Name) and it.func.id == "range"
                and "range" in self.fn.builtin_names and len(it.args) == 3 and not it.keywords):
            step = _constant_int(it.args[2])
            if step is not None and step not in (1, -1):
                it.args[1] = _call(naming.RANGE_STOP, it.args[1], _const(step))
        if counted:
            return self._count_range(node)
        return node

    def _walk_sequence(self, node, sequence, counter, element) -> list:
        """A loop over a list or tuple whose elements are speculated floats (a pure body),
        as the list iterator runs it: the length read again before each item (so a list
        that changes is walked as Python walks it), each item read borrowed and checked
        into its C double at once; no reference to it is taken, none to drop (2-3x Cython's
        ``for x in xs``, which takes one per item). An exact float's value is read in the
        loop itself; only other items go through the helper (spec_float_at /
        spec_number_at), so only that path tests the helper's error value (-1.0): three
        instructions fewer per item, and spectral_norm's inner loop is that much shorter::

            sq = xs; sk = 0
            while sk < Py_SIZE(sq):
                item = PyList_GET_ITEM(sq, sk)
                x = PyFloat_AS_DOUBLE(item) if likely(PyFloat_CheckExact(item)) \
                    else spec_float_at(item)
                j = sk; sk += 1
                <body>
            else:
                <orelse>
        """
        n = sum(1 for name, _ in self.fn.local_sites if name.startswith(naming.SEQ_TEMP))
        seq, index = f"{naming.SEQ_TEMP}{n}", f"{naming.SEQ_INDEX}{n}"
        kind = getattr(sequence, "_jitcy_type", OBJECT)
        self.fn.local_sites.extend([(seq, kind), (index, "Py_ssize_t")])

        def visited(stmts):
            out = []
            for stmt in self.group_float_blocks(stmts):
                new = self.visit(stmt)
                out.extend(new if isinstance(new, list) else [new] if new is not None else [])
            return out

        def name(ident, ctx=None):
            return ast.Name(id=ident, ctx=ctx or ast.Load())

        def at(stmt):
            return ast.copy_location(stmt, node)

        # The new statements are C as written (Py_ssize_t index, C double element): only
        # the user's parts are rewritten.
        sequence = self.visit(sequence)
        element = self.visit(element)
        item = _call(naming.LIST_AT if kind == LIST else naming.TUPLE_AT, name(seq), name(index))
        # (``item`` is a macro over two locals: repeated in the text, one load in C)
        value = ast.IfExp(test=_call(naming.LIKELY, _call(naming.IS_EXACT_FLOAT, item)),
                          body=_call(naming.FLOAT_VALUE, copy.deepcopy(item)),
                          orelse=_call(_element_check(node), copy.deepcopy(item)))
        body = [at(ast.Assign(targets=[element], value=value))]
        if counter is not None:
            body.append(at(ast.Assign(targets=[self.visit(counter)], value=name(index))))
        body.append(at(ast.AugAssign(target=name(index, ast.Store()), op=ast.Add(),
                                     value=_const(1))))
        test = ast.Compare(left=name(index), ops=[ast.Lt()],
                           comparators=[_call(naming.SEQ_SIZE, name(seq))])
        loop = at(ast.While(test=test, body=body + visited(node.body),
                            orelse=visited(node.orelse)))
        return [at(ast.Assign(targets=[name(seq, ast.Store())], value=sequence)),
                at(ast.Assign(targets=[name(index, ast.Store())], value=_const(0))), loop]

    def _counted_range(self, node) -> bool:
        """``for i in range(a, b, c)``, all C ints, ``c`` not a constant: Cython would iterate
        a Python range object (it makes C loops only for constant steps)."""
        it = node.iter
        return (isinstance(node.target, ast.Name)
                and self.fn.c_type(node.target.id) == "long long"
                and isinstance(it, ast.Call) and isinstance(it.func, ast.Name)
                and it.func.id == "range" and "range" in self.fn.builtin_names
                and len(it.args) == 3 and not it.keywords
                and _constant_int(it.args[2]) is None
                and all(self.c_kind(a) == INT for a in it.args))

    def _count_range(self, node) -> list:
        """The counted C loop for :meth:`_counted_range` (arguments evaluated once, in
        order, as range() does; the step checked, then each value computed from its index):
        ``a, b, c = ...; for k in range(range_count(a, b, c)): i = range_at(a, c, k)``."""
        n = sum(1 for name, _ in self.fn.local_sites if name.startswith(naming.RANGE_TEMP))
        temps = [f"{naming.RANGE_TEMP}{n}{part}" for part in "abck"]
        for name in temps:
            self.fn.local_sites.append((name, "unsigned long long" if name == temps[3]
                                        else "long long"))
        a, b, c, k = (ast.Name(id=t, ctx=ast.Load()) for t in temps)
        setup = [ast.copy_location(ast.Assign(targets=[ast.Name(id=t, ctx=ast.Store())],
                                              value=arg), node)
                 for t, arg in zip(temps, node.iter.args)]
        value = ast.copy_location(ast.Assign(targets=[node.target],
                                             value=_call(naming.RANGE_AT, a, c, k)), node)
        loop = ast.copy_location(ast.For(
            target=ast.Name(id=temps[3], ctx=ast.Store()),
            iter=ast.Call(func=ast.Name(id="range", ctx=ast.Load()),
                          args=[_call(naming.RANGE_COUNT, a, b, c)], keywords=[]),
            body=[value] + node.body, orelse=node.orelse, type_comment=None), node)
        return setup + [loop]

    # -- arithmetic whose C meaning is not Python's -----------------------------------
    def visit_BinOp(self, node):
        mark_c_operands(node.left, node.right)
        left_kind, right_kind = self.c_kind(node.left), self.c_kind(node.right)
        concatenation = _concatenation(node.left, node.right)
        self.generic_visit(node)
        c_operands = left_kind != OBJECT and right_kind != OBJECT
        if left_kind == right_kind == OBJECT and isinstance(node.op, ast.Mult):
            # Cython's object fast path repeats ``int * sequence`` with its own overflow
            # message; the interpreter's operator is exact.
            return ast.copy_location(_call(naming.OBJECT_MUL, node.left, node.right), node)
        if isinstance(node.op, ast.Add) and not c_operands and not concatenation:
            # Cython's fast path for ``+`` with a Python operand returns the other operand
            # when an int operand is 0: ``-0.0 + 0`` would stay -0.0 (Python: 0.0).
            return ast.copy_location(_call(naming.OBJECT_ADD, node.left, node.right), node)
        if not c_operands:
            return node
        op = node.op
        if isinstance(op, ast.Pow) and getattr(node, "_jitcy_type", OBJECT) == FLOAT:
            return ast.copy_location(_call(naming.FLOAT_POW, node.left, node.right), node)
        if isinstance(op, (ast.Pow, ast.LShift, ast.RShift)) or (
                isinstance(op, (ast.FloorDiv, ast.Mod)) and FLOAT in (left_kind, right_kind)) or (
                isinstance(op, ast.Div) and FLOAT not in (left_kind, right_kind)):
            node.left = _call(naming.AS_OBJECT, node.left)
        elif isinstance(op, ast.Div):
            # A literal divisor that is not zero: C's division is Python's, and the call
            # has no error value for the caller to test (``x / 4`` in a loop).
            div = naming.FLOAT_DIV_NZ if _nonzero_literal(node.right) else naming.FLOAT_DIV
            return ast.copy_location(_call(div, node.left, node.right), node)
        elif (isinstance(op, (ast.FloorDiv, ast.Mod)) and left_kind == right_kind == INT
              and _power_of_two(node.right)):
            # Python's floor rules for a positive power of two 2**k are exactly an
            # arithmetic shift and a mask, whatever the sign (a // 8 == a >> 3, a % 8 ==
            # a & 7; no overflow, no zero divisor): one instruction where Cython's floor
            # division and modulo fix up the sign of C's. (GCC's >> of a negative long
            # long is arithmetic, as every compiler CPython supports.)
            k = _int_literal(node.right).bit_length() - 1
            new = (ast.BinOp(left=node.left, op=ast.RShift(), right=_const(k))
                   if isinstance(op, ast.FloorDiv) else
                   ast.BinOp(left=node.left, op=ast.BitAnd(), right=_const(2**k - 1)))
            new._jitcy_type = getattr(node, "_jitcy_type", INT)
            return ast.copy_location(new, node)
        elif isinstance(op, ast.Mod):
            return ast.copy_location(_call(naming.MOD_LL, node.left, node.right), node)
        return node

    def visit_UnaryOp(self, node):
        mark_c_operands(node.operand)
        kind = self.c_kind(node.operand)
        self.generic_visit(node)
        if isinstance(node.op, ast.USub) and kind in (INT, BOOL):
            return ast.copy_location(ast.BinOp(left=_const(0), op=ast.Sub(), right=node.operand),
                                     node)
        return node

    def visit_Compare(self, node):
        # A literal with |value| <= 2**53 is exact as a long long and as a double, so it
        # compares exactly in C against either: it does not count.
        mark_c_operands(node.left, *node.comparators)
        kinds = [self.c_kind(n) for n in [node.left] + node.comparators
                 if not (_is_int_literal(n) and abs(_int_literal(n)) <= 2**53)]
        self.generic_visit(node)
        if INT in kinds and FLOAT in kinds:
            # C compares long long with double after rounding; Python compares exactly.
            node.left = _call(naming.AS_OBJECT, node.left)
            node.comparators = [_call(naming.AS_OBJECT, c) for c in node.comparators]
        return node


def _int_literal(node):
    """The value of an int literal (``3``, ``-3``), or None for anything else."""
    sign = 1
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        sign = -1 if isinstance(node.op, ast.USub) else 1
        node = node.operand
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return sign * node.value
    return None


def _repeatable(node) -> bool:
    """An expression of C values that may be written out more than once (each copy gives
    the same value and runs nothing): names, literals, arithmetic operators on them, and
    the division by a nonzero literal."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            if not (isinstance(sub.func, ast.Name) and sub.func.id == naming.FLOAT_DIV_NZ):
                return False
        elif not isinstance(sub, (ast.Name, ast.Constant, ast.UnaryOp, ast.BinOp,
                                  ast.expr_context, ast.operator, ast.unaryop)):
            return False
    return True


def _nonzero_literal(node) -> bool:
    """A float literal other than 0.0, or an int literal other than 0 of at most 2**53 in
    magnitude (converted to its double exactly), possibly signed (``-4`` or its ``0 - 4``
    rewrite): a divisor that is not zero."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub)
          and _constant_int(node.left) == 0):
        node = node.right
    if not isinstance(node, ast.Constant):
        return False
    if type(node.value) is float:
        return node.value != 0.0 and node.value == node.value
    return type(node.value) is int and 0 < abs(node.value) <= 2**53


def _is_int_literal(node) -> bool:
    return _int_literal(node) is not None


def _concatenation(*operands) -> bool:
    """Is ``+`` here a str/bytes/list/tuple concatenation (Cython's own path is right)?"""
    return any(getattr(o, "_jitcy_type", OBJECT) in (STR, BYTES, LIST, TUPLE) for o in operands)


def _constant_int(node):
    """The value of an int literal (``2``, ``-2``, or its ``0 - 2`` rewrite), else None."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = _constant_int(node.operand)
        return None if value is None else (-value if isinstance(node.op, ast.USub) else value)
    if (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub)
            and _constant_int(node.left) == 0):
        value = _constant_int(node.right)
        return None if value is None else -value
    return None


def _enumerates_sequence(loop) -> bool:
    """``for j, x in enumerate(xs)``, ``xs`` typed an exact list or tuple, both targets
    plain names (analyzer/infer_types.speculated_enumerate)."""
    return (is_enumerate(loop) and isinstance(loop.target.elts[1], ast.Name)
            and getattr(loop.iter.args[0], "_jitcy_type", OBJECT) in (LIST, TUPLE))


def _element_check(loop) -> str:
    """spec_number_at where every read of the element is a float operand, else
    spec_float_at (translator/int_starts.py)."""
    return naming.SPEC_NUMBER_AT if getattr(loop, NUMBER_TARGET, False) else naming.SPEC_FLOAT_AT


def _power_of_two(node) -> bool:
    """An int literal 2**k, 1 <= k <= 62."""
    if not _is_int_literal(node):
        return False
    value = _int_literal(node)
    return 2 <= value <= 2**62 and value & (value - 1) == 0
