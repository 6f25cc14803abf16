# cython: language_level=3, cdivision=True
# Hand-typed ceiling for programs/bm_float.py: Point is a cdef class with double fields (what
# __slots__ becomes in Cython), its methods cdef/cpdef.
from libc.math cimport sin, cos, sqrt


cdef class Point:
    cdef public double x, y, z

    def __init__(self, double i):
        cdef double x
        self.x = x = sin(i)
        self.y = cos(i) * 3
        self.z = (x * x) / 2

    def __repr__(self):
        return "<Point: x=%s, y=%s, z=%s>" % (self.x, self.y, self.z)

    cdef void normalize(self):
        cdef double x = self.x, y = self.y, z = self.z
        cdef double norm = sqrt(x * x + y * y + z * z)
        self.x /= norm
        self.y /= norm
        self.z /= norm

    cdef Point maximize(self, Point other):
        self.x = self.x if self.x > other.x else other.x
        self.y = self.y if self.y > other.y else other.y
        self.z = self.z if self.z > other.z else other.z
        return self


cdef Point maximize(list points):
    cdef Point next = points[0], p
    for p in points[1:]:
        next = next.maximize(p)
    return next


def benchmark(long n):
    cdef list points = [None] * n
    cdef long i
    cdef Point p
    for i in range(n):
        points[i] = Point(i)
    for p in points:
        p.normalize()
    return maximize(points)


def run(long n=100000):
    p = benchmark(n)
    return p.x, p.y, p.z
