# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# pow(x, 0.5) as in CPython's float ** (Cython would turn ** 0.5 into sqrt, which can
# differ in the last bit), so the result is bit-for-bit CPython's.
from libc.math cimport pow
# Hand-typed ceiling for programs/bm_nbody.py (pyperformance nbody): the same bodies, tuples
# ([x, y, z], [vx, vy, vz], m) of lists, with the coordinates read into C doubles.

PI = 3.14159265358979323
SOLAR_MASS = 4 * PI * PI
DAYS_PER_YEAR = 365.24

BODIES = {
    'sun': ([0.0, 0.0, 0.0], [0.0, 0.0, 0.0], SOLAR_MASS),
    'jupiter': ([4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01],
                [1.66007664274403694e-03 * DAYS_PER_YEAR, 7.69901118419740425e-03 * DAYS_PER_YEAR,
                 -6.90460016972063023e-05 * DAYS_PER_YEAR],
                9.54791938424326609e-04 * SOLAR_MASS),
    'saturn': ([8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01],
               [-2.76742510726862411e-03 * DAYS_PER_YEAR, 4.99852801234917238e-03 * DAYS_PER_YEAR,
                2.30417297573763929e-05 * DAYS_PER_YEAR],
               2.85885980666130812e-04 * SOLAR_MASS),
    'uranus': ([1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01],
               [2.96460137564761618e-03 * DAYS_PER_YEAR, 2.37847173959480950e-03 * DAYS_PER_YEAR,
                -2.96589568540237556e-05 * DAYS_PER_YEAR],
               4.36624404335156298e-05 * SOLAR_MASS),
    'neptune': ([1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01],
                [2.68067772490389322e-03 * DAYS_PER_YEAR, 1.62824170038242295e-03 * DAYS_PER_YEAR,
                 -9.51592254519715870e-05 * DAYS_PER_YEAR],
                5.15138902046611451e-05 * SOLAR_MASS)}


cdef list combinations(list l):
    cdef list result = []
    cdef Py_ssize_t x
    for x in range(len(l) - 1):
        ls = l[x + 1:]
        for y in ls:
            result.append((l[x], y))
    return result


cdef void advance(double dt, long n, list bodies, list pairs):
    cdef long i
    cdef tuple pair, b1, b2, body
    cdef list r1, r2, v1, v2, r, v
    cdef double x1, y1, z1, x2, y2, z2, m1, m2, dx, dy, dz, mag, b1m, b2m, vx, vy, vz
    for i in range(n):
        for pair in pairs:
            b1 = pair[0]
            b2 = pair[1]
            r1 = b1[0]
            v1 = b1[1]
            m1 = b1[2]
            r2 = b2[0]
            v2 = b2[1]
            m2 = b2[2]
            x1 = r1[0]
            y1 = r1[1]
            z1 = r1[2]
            x2 = r2[0]
            y2 = r2[1]
            z2 = r2[2]
            dx = x1 - x2
            dy = y1 - y2
            dz = z1 - z2
            mag = dt * pow(dx * dx + dy * dy + dz * dz, -1.5)
            b1m = m1 * mag
            b2m = m2 * mag
            v1[0] = <double>v1[0] - dx * b2m
            v1[1] = <double>v1[1] - dy * b2m
            v1[2] = <double>v1[2] - dz * b2m
            v2[0] = <double>v2[0] + dx * b1m
            v2[1] = <double>v2[1] + dy * b1m
            v2[2] = <double>v2[2] + dz * b1m
        for body in bodies:
            r = body[0]
            v = body[1]
            vx = v[0]
            vy = v[1]
            vz = v[2]
            r[0] = <double>r[0] + dt * vx
            r[1] = <double>r[1] + dt * vy
            r[2] = <double>r[2] + dt * vz


cdef double report_energy(list bodies, list pairs, double e=0.0):
    cdef tuple pair, b1, b2, body
    cdef list r1, r2, v
    cdef double dx, dy, dz, m1, m2, m, vx, vy, vz
    for pair in pairs:
        b1 = pair[0]
        b2 = pair[1]
        r1 = b1[0]
        m1 = b1[2]
        r2 = b2[0]
        m2 = b2[2]
        dx = <double>r1[0] - <double>r2[0]
        dy = <double>r1[1] - <double>r2[1]
        dz = <double>r1[2] - <double>r2[2]
        e -= (m1 * m2) / pow(dx * dx + dy * dy + dz * dz, 0.5)
    for body in bodies:
        v = body[1]
        m = body[2]
        vx = v[0]
        vy = v[1]
        vz = v[2]
        e += m * (vx * vx + vy * vy + vz * vz) / 2.
    return e


cdef void offset_momentum(tuple ref, list bodies, double px=0.0, double py=0.0, double pz=0.0):
    cdef tuple body
    cdef list v
    cdef double m, vx, vy, vz
    for body in bodies:
        v = body[1]
        m = body[2]
        vx = v[0]
        vy = v[1]
        vz = v[2]
        px -= vx * m
        py -= vy * m
        pz -= vz * m
    v = ref[1]
    m = ref[2]
    v[0] = px / m
    v[1] = py / m
    v[2] = pz / m


def run(long iterations=20000, reference='sun'):
    bodies = {name: ([*r], [*v], m) for name, (r, v, m) in BODIES.items()}
    cdef list system = list(bodies.values())
    cdef list pairs = combinations(system)
    offset_momentum(bodies[reference], system)
    e0 = report_energy(system, pairs)
    advance(0.01, iterations, system, pairs)
    return e0, report_energy(system, pairs)
