# cython: language_level=3, cdivision=True
# Hand-typed ceiling for programs/bm_chaos.py: GVector, Spline and Chaosgame become cdef
# classes with double fields and cdef methods; random stays Python's random module (the
# same stream of numbers).
import random
from libc.math cimport sqrt


cdef class GVector:
    cdef public double x, y, z

    def __init__(self, double x=0, double y=0, double z=0):
        self.x = x
        self.y = y
        self.z = z

    cdef double Mag(self):
        return sqrt(self.x ** 2 + self.y ** 2 + self.z ** 2)

    cdef double dist(self, GVector other):
        return sqrt((self.x - other.x) ** 2
                    + (self.y - other.y) ** 2
                    + (self.z - other.z) ** 2)

    def __add__(self, GVector other):
        return GVector(self.x + other.x, self.y + other.y, self.z + other.z)

    def __sub__(self, GVector other):
        return self + other * -1

    def __mul__(self, double other):
        return GVector(self.x * other, self.y * other, self.z * other)

    cdef GVector linear_combination(self, GVector other, double l1, double l2):
        return GVector(self.x * l1 + other.x * l2,
                       self.y * l1 + other.y * l2,
                       self.z * l1 + other.z * l2)


cdef class Spline:
    cdef public list knots, points
    cdef int degree

    def __init__(self, list points, int degree, list knots):
        if len(points) > len(knots) - degree + 1:
            raise ValueError("too many control points")
        elif len(points) < len(knots) - degree + 1:
            raise ValueError("not enough control points")
        last = knots[0]
        for cur in knots[1:]:
            if cur < last:
                raise ValueError("knots not strictly increasing")
            last = cur
        self.knots = knots
        self.points = points
        self.degree = degree

    cdef tuple GetDomain(self):
        return (self.knots[self.degree - 1],
                self.knots[len(self.knots) - self.degree])

    cdef GVector call(self, double u):
        cdef tuple dom = self.GetDomain()
        cdef double dom0 = dom[0], dom1 = dom[1], ua, ub, co1, co2
        cdef int I, ik, ii, index, ii_
        cdef list d, U
        if u < dom0 or u > dom1:
            raise ValueError("Function value not in domain")
        if u == dom0:
            return self.points[0]
        if u == dom1:
            return self.points[-1]
        I = self.GetIndex(u)
        d = [self.points[I - self.degree + 1 + ii_] for ii_ in range(self.degree + 1)]
        U = self.knots
        for ik in range(1, self.degree + 1):
            for ii in range(I - self.degree + ik + 1, I + 2):
                ua = U[ii + self.degree - ik]
                ub = U[ii - 1]
                co1 = (ua - u) / (ua - ub)
                co2 = (u - ub) / (ua - ub)
                index = ii - I + self.degree - ik - 1
                d[index] = (<GVector>d[index]).linear_combination(d[index + 1], co1, co2)
        return d[0]

    def __call__(self, double u):
        return self.call(u)

    cdef int GetIndex(self, double u):
        cdef tuple dom = self.GetDomain()
        cdef int ii, I
        for ii in range(self.degree - 1, len(self.knots) - self.degree):
            if u >= <double>self.knots[ii] and u < <double>self.knots[ii + 1]:
                I = ii
                break
        else:
            I = dom[1] - 1
        return I


cdef class Chaosgame:
    cdef list splines, num_trafos
    cdef double thickness, minx, miny, maxx, maxy, height, width
    cdef long num_total

    def __init__(self, list splines, double thickness=0.1):
        cdef Spline spl
        cdef GVector curr, last
        cdef double length, t, maxlength
        cdef int i
        self.splines = splines
        self.thickness = thickness
        self.minx = min([p.x for spl in splines for p in spl.points])
        self.miny = min([p.y for spl in splines for p in spl.points])
        self.maxx = max([p.x for spl in splines for p in spl.points])
        self.maxy = max([p.y for spl in splines for p in spl.points])
        self.height = self.maxy - self.miny
        self.width = self.maxx - self.minx
        self.num_trafos = []
        maxlength = thickness * self.width / self.height
        for spl in splines:
            length = 0
            curr = spl.call(0)
            for i in range(1, 1000):
                last = curr
                t = 1.0 / 999 * i
                curr = spl.call(t)
                length += curr.dist(last)
            self.num_trafos.append(max(1, int(length / maxlength * 1.5)))
        self.num_total = sum(self.num_trafos)

    cdef tuple get_random_trafo(self):
        cdef long r = random.randrange(int(self.num_total) + 1)
        cdef long l = 0, n
        cdef Py_ssize_t i
        for i in range(len(self.num_trafos)):
            n = self.num_trafos[i]
            if r >= l and r < l + n:
                return i, random.randrange(n)
            l += n
        return len(self.num_trafos) - 1, random.randrange(self.num_trafos[-1])

    cpdef GVector transform_point(self, GVector point, tuple trafo=None):
        cdef double x, y, start, end, length, seg_length, t
        cdef Spline spl
        cdef GVector basepoint, neighbour, derivative
        cdef long k
        x = (point.x - self.minx) / self.width
        y = (point.y - self.miny) / self.height
        if trafo is None:
            trafo = self.get_random_trafo()
        k = trafo[0]
        spl = self.splines[k]
        start, end = spl.GetDomain()
        length = end - start
        seg_length = length / <long>self.num_trafos[k]
        t = start + seg_length * <long>trafo[1] + seg_length * x
        basepoint = spl.call(t)
        if t + 1.0 / 50000 > end:
            neighbour = spl.call(t - 1.0 / 50000)
            derivative = neighbour - basepoint
        else:
            neighbour = spl.call(t + 1.0 / 50000)
            derivative = basepoint - neighbour
        if derivative.Mag() != 0:
            basepoint.x += derivative.y / derivative.Mag() * (y - 0.5) * \
                self.thickness
            basepoint.y += -derivative.x / derivative.Mag() * (y - 0.5) * \
                self.thickness
        else:
            print("r", end='')
        self.truncate(basepoint)
        return basepoint

    cdef void truncate(self, GVector point):
        if point.x >= self.maxx:
            point.x = self.maxx
        if point.y >= self.maxy:
            point.y = self.maxy
        if point.x < self.minx:
            point.x = self.minx
        if point.y < self.miny:
            point.y = self.miny

    def create_image_chaos(self, int w, int h, long iterations, filename, rng_seed):
        cdef list im
        cdef GVector point
        cdef long _
        cdef int x, y
        random.seed(rng_seed)
        im = [[1] * h for i in range(w)]
        point = GVector((self.maxx + self.minx) / 2,
                        (self.maxy + self.miny) / 2, 0)
        for _ in range(iterations):
            point = self.transform_point(point)
            x = <int>((point.x - self.minx) / self.width * w)
            y = <int>((point.y - self.miny) / self.height * h)
            if x == w:
                x -= 1
            if y == h:
                y -= 1
            (<list>im[x])[h - y - 1] = 0

    property num_trafos_:
        def __get__(self):
            return self.num_trafos


def make_splines():
    return [
        Spline([
            GVector(1.597350, 3.304460, 0.000000),
            GVector(1.575810, 4.123260, 0.000000),
            GVector(1.313210, 5.288350, 0.000000),
            GVector(1.618900, 5.329910, 0.000000),
            GVector(2.889940, 5.502700, 0.000000),
            GVector(2.373060, 4.381830, 0.000000),
            GVector(1.662000, 4.360280, 0.000000)],
            3, [0, 0, 0, 1, 1, 1, 2, 2, 2]),
        Spline([
            GVector(2.804500, 4.017350, 0.000000),
            GVector(2.550500, 3.525230, 0.000000),
            GVector(1.979010, 2.620360, 0.000000),
            GVector(1.979010, 2.620360, 0.000000)],
            3, [0, 0, 0, 1, 1, 1]),
        Spline([
            GVector(2.001670, 4.011320, 0.000000),
            GVector(2.335040, 3.312830, 0.000000),
            GVector(2.366800, 3.233460, 0.000000),
            GVector(2.366800, 3.233460, 0.000000)],
            3, [0, 0, 0, 1, 1, 1])
    ]


def run(long iterations=5000, int width=256, int height=256):
    cdef Chaosgame chaos = Chaosgame(make_splines(), 0.25)
    cdef GVector point
    chaos.create_image_chaos(width, height, iterations, None, 1234)
    after = random.random()
    point = GVector(0.0, 0.0, 0.0)
    xs = []
    for _ in range(20):
        point = chaos.transform_point(point)
        xs.append((point.x, point.y))
    return chaos.num_trafos_, after, xs
