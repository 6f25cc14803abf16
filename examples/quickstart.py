"""jitcy quickstart: the same function, interpreted and compiled.

    pip install .            # from the repository root (needs a C compiler: gcc or clang)
    python examples/quickstart.py

``@jitcy.hot`` watches a function; after 2 calls it is translated to typed Cython, built
in a background process and swapped in place. The first run compiles (about a second or
two); later runs load the compiled module from the on-disk cache (JITCY_CACHE_DIR, else
your user cache directory).
"""
import sys
import time
import types

import jitcy


def integrate(a, b, n):
    """Midpoint-rule integral of x**3 - 2*x + 1 over [a, b] with n steps.

    Only local variables, float/int arithmetic and a range() loop: jitcy compiles this
    to C doubles and C integers."""
    h = (b - a) / n
    total = 0.0
    for i in range(n):
        x = a + (i + 0.5) * h
        total += x * x * x - 2.0 * x + 1.0
    return total * h


# An undecorated twin sharing the same code object: it stays interpreted for the
# comparison, whatever jitcy does to ``integrate`` below.
interpreted = types.FunctionType(integrate.__code__, integrate.__globals__, "integrate")


def best_of(runs, func, *args):
    """(fastest wall time in seconds, result) over ``runs`` calls."""
    best, result = float("inf"), None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = func(*args)
        best = min(best, time.perf_counter() - t0)
    return best, result


def main():
    a, b, n = 0.0, 2.0, 3_000_000
    exact = b**4 / 4 - b**2 + b - (a**4 / 4 - a**2 + a)

    print(f"integrate({a}, {b}, {n:,}): midpoint rule for x**3 - 2x + 1 (exact: {exact})\n")
    t_py, r_py = best_of(3, interpreted, a, b, n)
    print(f"  CPython (interpreted): {t_py * 1e3:9.1f} ms   result {r_py!r}")

    # Decorate, then make it hot: two calls (small ones are enough: the types matter).
    jitcy.hot(integrate)
    t0 = time.perf_counter()
    integrate(a, b, 1000)
    integrate(a, b, 1000)          # 2nd call: hot -> the build starts in the background
    jitcy.wait()                   # block until the build has finished and is swapped in
    t_compile = time.perf_counter() - t0

    st = jitcy.stats(integrate)
    if st["state"] != "swapped":
        print(f"\n  jitcy did not compile integrate: state={st['state']!r}, "
              f"reason={st['reason']!r}", file=sys.stderr)
        sys.exit(1)
    spec = st["specializations"][0]
    print(f"  (hot -> swapped in {t_compile:.2f} s; cache {spec['cache']}, "
          f"compiled for ({', '.join(spec['types'])}))")

    t_jit, r_jit = best_of(3, integrate, a, b, n)
    print(f"  jitcy (compiled):      {t_jit * 1e3:9.1f} ms   result {r_jit!r}")

    assert r_jit == r_py, (r_jit, r_py)
    print(f"\n  speedup: {t_py / t_jit:.1f}x   results equal: {r_jit == r_py}")
    print(f"\n  jitcy.stats(integrate): state={st['state']!r} calls={st['calls']} "
          f"compile_seconds={st['compile_seconds']} cache_hits={st['cache_hits']} "
          f"cache_misses={st['cache_misses']} reason={st['reason']!r}")


if __name__ == "__main__":
    main()
