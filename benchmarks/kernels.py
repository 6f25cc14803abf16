"""Benchmark kernels, written the way a user would write them (no jitcy-specific tricks).

bench.py loads this file twice under two module names: one copy has every kernel wrapped
with ``jitcy.hot``, the other stays plain CPython. Each copy has its own globals, so the
recursive call in ``fib`` goes to that copy's own ``fib``.
"""


def fib(n):
    """Naive doubly recursive Fibonacci (self-recursion, int arithmetic)."""
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def int_loop(n):
    """Integer loop: sum of (i * i) % 7 over range(n)."""
    s = 0
    for i in range(n):
        s += (i * i) % 7
    return s


def mandelbrot(width, height, max_iter):
    """Total escape-time iterations over a width x height grid of [-2, 1] x [-1.5, 1.5]."""
    total = 0
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


def mandelbrot_swap(width, height, max_iter):
    """The same, with the tuple assignment most people write for the update. Today jitcy's
    purity check refuses tuple expressions, so the ints here stay Python objects."""
    total = 0
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


def make_bodies():
    """Five bodies (sun + four outer planets), each [x, y, z, vx, vy, vz, mass]."""
    pi = 3.141592653589793
    solar_mass = 4 * pi * pi
    days = 365.24
    bodies = [
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, solar_mass],
        [4.84143144246472090e+00, -1.16032004402742839e+00, -1.03622044471123109e-01,
         1.66007664274403694e-03 * days, 7.69901118419740425e-03 * days,
         -6.90460016972063023e-05 * days, 9.54791938424326609e-04 * solar_mass],
        [8.34336671824457987e+00, 4.12479856412430479e+00, -4.03523417114321381e-01,
         -2.76742510726862411e-03 * days, 4.99852801234917238e-03 * days,
         2.30417297573763929e-05 * days, 2.85885980666130812e-04 * solar_mass],
        [1.28943695621391310e+01, -1.51111514016986312e+01, -2.23307578892655734e-01,
         2.96460137564761618e-03 * days, 2.37847173959480950e-03 * days,
         -2.96589568540237556e-05 * days, 4.36624404335156298e-05 * solar_mass],
        [1.53796971148509165e+01, -2.59193146099879641e+01, 1.79258772950371181e-01,
         2.68067772490389322e-03 * days, 1.62824170038242295e-03 * days,
         -9.51592254519715870e-05 * days, 5.15138902046611451e-05 * solar_mass],
    ]
    return bodies


def nbody(bodies, steps, dt):
    """Advance the bodies (list of [x, y, z, vx, vy, vz, m] lists) ``steps`` times in place;
    return the sum of the final x coordinates (a float to compare runs)."""
    nb = len(bodies)
    for _ in range(steps):
        for i in range(nb):
            bi = bodies[i]
            for j in range(i + 1, nb):
                bj = bodies[j]
                dx = bi[0] - bj[0]
                dy = bi[1] - bj[1]
                dz = bi[2] - bj[2]
                d2 = dx * dx + dy * dy + dz * dz
                mag = dt / (d2 * d2 ** 0.5)
                mi = bi[6] * mag
                mj = bj[6] * mag
                bi[3] -= dx * mj
                bi[4] -= dy * mj
                bi[5] -= dz * mj
                bj[3] += dx * mi
                bj[4] += dy * mi
                bj[5] += dz * mi
        for b in bodies:
            b[0] += dt * b[3]
            b[1] += dt * b[4]
            b[2] += dt * b[5]
    total = 0.0
    for b in bodies:
        total += b[0]
    return total


def inc(x):
    """Tiny pure function for the per-call overhead table."""
    return x + 1


def ident(x):
    """Tiny function for the profiling-phase overhead table."""
    return x
