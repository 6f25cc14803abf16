# cython: language_level=3, cdivision=True
# Hand-typed ceiling for kernels.mandelbrot: C ints and doubles.

def mandelbrot(int width, int height, int max_iter):
    cdef long long total = 0
    cdef int x, y, n
    cdef double ci, cr, zr, zi, t
    for y in range(height):
        ci = -1.5 + 3.0 * y / height
        for x in range(width):
            cr = -2.0 + 3.0 * x / width
            zr = 0.0
            zi = 0.0
            n = 0
            while n < max_iter and zr * zr + zi * zi <= 4.0:
                t = zr * zr - zi * zi + cr
                zi = 2.0 * zr * zi + ci
                zr = t
                n += 1
            total += n
    return total


def mandelbrot_swap(int width, int height, int max_iter):
    cdef long long total = 0
    cdef int x, y, n
    cdef double ci, cr, zr, zi
    for y in range(height):
        ci = -1.5 + 3.0 * y / height
        for x in range(width):
            cr = -2.0 + 3.0 * x / width
            zr = 0.0
            zi = 0.0
            n = 0
            while n < max_iter and zr * zr + zi * zi <= 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                n += 1
            total += n
    return total
