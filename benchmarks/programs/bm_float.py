# Origin: pyperformance 1.14.0 (https://github.com/python/pyperformance), file
#   pyperformance/data-files/benchmarks/bm_float/run_benchmark.py of the PyPI wheel
#   (pip download pyperformance==1.14.0).
# Licence: pyperformance is distributed under the MIT licence (its COPYING file);
#   the file states no author or licence of its own.
# Changes for jitcy (nothing else touched): removed `import pyperf`, the pyperf runner
#   (`if __name__ == "__main__":` block);
#   added run() at the end (below "jitcy harness"), which does one iteration of what the
#   pyperf harness timed and returns a value to compare across runs.
"""
Artificial, floating point-heavy benchmark originally used by Factor.
"""

from math import sin, cos, sqrt


POINTS = 100000


class Point(object):
    __slots__ = ('x', 'y', 'z')

    def __init__(self, i):
        self.x = x = sin(i)
        self.y = cos(i) * 3
        self.z = (x * x) / 2

    def __repr__(self):
        return "<Point: x=%s, y=%s, z=%s>" % (self.x, self.y, self.z)

    def normalize(self):
        x = self.x
        y = self.y
        z = self.z
        norm = sqrt(x * x + y * y + z * z)
        self.x /= norm
        self.y /= norm
        self.z /= norm

    def maximize(self, other):
        self.x = self.x if self.x > other.x else other.x
        self.y = self.y if self.y > other.y else other.y
        self.z = self.z if self.z > other.z else other.z
        return self


def maximize(points):
    next = points[0]
    for p in points[1:]:
        next = next.maximize(p)
    return next


def benchmark(n):
    points = [None] * n
    for i in range(n):
        points[i] = Point(i)
    for p in points:
        p.normalize()
    return maximize(points)


# --- jitcy harness (pyperf ran benchmark(POINTS)) ---
def run(n=POINTS):
    p = benchmark(n)
    return p.x, p.y, p.z
