# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
# pow(x, 0.5) as in CPython's float ** (Cython would turn ** 0.5 into sqrt, which can
# differ in the last bit), so the result is bit-for-bit CPython's.
from libc.math cimport pow
# Hand-typed ceiling for kernels.nbody (bodies as lists [x, y, z, vx, vy, vz, m]): the same
# lists, typed as list, their elements read into C doubles.

def nbody(list bodies, long steps, double dt):
    cdef Py_ssize_t nb = len(bodies), i, j
    cdef long _
    cdef list bi, bj, b
    cdef double dx, dy, dz, d2, mag, mi, mj, total
    for _ in range(steps):
        for i in range(nb):
            bi = bodies[i]
            for j in range(i + 1, nb):
                bj = bodies[j]
                dx = <double>bi[0] - <double>bj[0]
                dy = <double>bi[1] - <double>bj[1]
                dz = <double>bi[2] - <double>bj[2]
                d2 = dx * dx + dy * dy + dz * dz
                mag = dt / (d2 * pow(d2, 0.5))
                mi = <double>bi[6] * mag
                mj = <double>bj[6] * mag
                bi[3] = <double>bi[3] - dx * mj
                bi[4] = <double>bi[4] - dy * mj
                bi[5] = <double>bi[5] - dz * mj
                bj[3] = <double>bj[3] + dx * mi
                bj[4] = <double>bj[4] + dy * mi
                bj[5] = <double>bj[5] + dz * mi
        for b in bodies:
            b[0] = <double>b[0] + dt * <double>b[3]
            b[1] = <double>b[1] + dt * <double>b[4]
            b[2] = <double>b[2] + dt * <double>b[5]
    total = 0.0
    for b in bodies:
        total += <double>b[0]
    return total
