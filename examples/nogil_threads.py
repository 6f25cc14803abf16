"""with jitcy.nogil(): compiled numeric code running on several threads at once.

    python examples/nogil_threads.py

Inside a ``@jitcy.hot`` function, ``with jitcy.nogil():`` marks a block that the compiled
code runs without the GIL (every name in it is a C number or typed memoryview, and it calls
only C-level code). Interpreted it is a no-op; compiled, threads running the function use
several cores. If the block cannot run without the GIL, it still compiles, holding the GIL,
and the reason is in the function's notes (``jitcy.explain``).
"""
import os
import statistics
import threading
import time

import jitcy


@jitcy.hot
def orbit_sum(n, x, r):
    """Sum of n steps of the logistic map x -> r x (1 - x)."""
    s = 0.0
    with jitcy.nogil():
        for i in range(n):
            x = r * x * (1.0 - x)
            s += x
    return s


JOBS = [(0.25, 3.7), (0.75, 3.6)]


def sequential(n):
    return [orbit_sum(n, x, r) for x, r in JOBS]


def threaded(n):
    results = [None] * len(JOBS)

    def run(k):
        results[k] = orbit_sum(n, *JOBS[k])

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(JOBS))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def timed(func, n):
    t0 = time.perf_counter()
    result = func(n)
    return time.perf_counter() - t0, result


def main():
    orbit_sum(1000, 0.5, 3.5)
    orbit_sum(1000, 0.5, 3.5)   # hot: compiled in the background
    jitcy.wait()
    state = jitcy.stats(orbit_sum)["state"]
    print(f"orbit_sum: {state}")
    n = 40_000_000
    ones, twos = [], []
    for _ in range(5):                      # interleaved; medians (shared machines are noisy)
        t, r_one = timed(sequential, n)
        ones.append(t)
        t, r_two = timed(threaded, n)
        twos.append(t)
        assert r_one == r_two
    t_one, t_two = statistics.median(ones), statistics.median(twos)
    print(f"  {len(JOBS)} jobs of {n:,} steps, one thread:  {t_one:.3f} s")
    print(f"  {len(JOBS)} jobs, {len(JOBS)} threads:                {t_two:.3f} s")
    print(f"\n  speedup: {t_one / t_two:.2f}x on {os.cpu_count()} CPUs "
          f"(the machine's other load counts: busy cores give less)")


if __name__ == "__main__":
    main()
