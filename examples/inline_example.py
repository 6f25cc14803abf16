"""jitcy.inline: a few lines of Cython inside a Python function, with captured variables.

    python examples/inline_example.py

``jitcy.inline(code)`` compiles the Cython snippet ``code`` once (cached on disk: the next
run of this program loads it) and runs it. Names the snippet reads come from the caller's
local variables (``n``, ``seed`` below), their types becoming C types (int -> long long,
float -> double, NumPy arrays -> typed memoryviews).
"""
import time

import jitcy


def estimate_pi_python(n, seed):
    """Monte Carlo: n points from a 64-bit LCG, count those inside the unit circle."""
    state = seed
    inside = 0
    for _ in range(n):
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        x = (state >> 11) / 2.0**53
        state = (state * 6364136223846793005 + 1442695040888963407) % 2**64
        y = (state >> 11) / 2.0**53
        if x * x + y * y < 1.0:
            inside += 1
    return 4.0 * inside / n


def estimate_pi_inline(n, seed):
    """The same loop as a Cython snippet: unsigned 64-bit arithmetic wraps, as the LCG wants."""
    return jitcy.inline("""
cdef unsigned long long state = seed
cdef long long inside = 0, i
cdef double x, y
for i in range(n):
    state = state * 6364136223846793005ULL + 1442695040888963407ULL
    x = (state >> 11) / 9007199254740992.0
    state = state * 6364136223846793005ULL + 1442695040888963407ULL
    y = (state >> 11) / 9007199254740992.0
    if x * x + y * y < 1.0:
        inside += 1
return 4.0 * inside / n
""")


def timed(func, *args):
    t0 = time.perf_counter()
    result = func(*args)
    return time.perf_counter() - t0, result


def main():
    n, seed = 1_000_000, 12345
    t_py, pi_py = timed(estimate_pi_python, n, seed)
    print(f"estimate_pi({n:,} points)")
    print(f"  Python:              {t_py * 1e3:9.1f} ms   pi ~ {pi_py}")
    t_first, pi_first = timed(estimate_pi_inline, n, seed)
    print(f"  inline, first call:  {t_first * 1e3:9.1f} ms   (compiles, or loads from the cache)")
    t_inline, pi_inline = min(timed(estimate_pi_inline, n, seed) for _ in range(5))
    print(f"  inline:              {t_inline * 1e3:9.1f} ms   pi ~ {pi_inline}")
    assert pi_inline == pi_py == pi_first, (pi_inline, pi_py)
    print(f"\n  speedup: {t_py / t_inline:.0f}x   same result: {pi_inline == pi_py}")


if __name__ == "__main__":
    main()
