"""Benchmark kernels, written the way a user would write them (no jitcy-specific tricks).

bench.py loads this file twice under two module names: one copy has every kernel wrapped
with ``jitcy.hot``, the other stays plain CPython. Each copy has its own globals, so the
recursive call in ``fib`` goes to that copy's own ``fib``. bench_kernels.py uses these too
(each kernel next to a hand-typed Cython version in ceiling/).
"""
import math


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
    """The same, with the tuple assignment most people write for the update (jitcy assigns
    it item by item: the body is pure, as the plain one)."""
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


def sieve(n):
    """Sieve of Eratosthenes over a list of bools; returns the number of primes below n."""
    flags = [True] * n
    flags[0] = flags[1] = False
    i = 2
    while i * i < n:
        if flags[i]:
            for j in range(i * i, n, i):
                flags[j] = False
        i += 1
    count = 0
    for f in flags:
        if f:
            count += 1
    return count


def trapezoid_sin(a, b, n):
    """Trapezoid rule for the integral of sin(x) * exp(-x / 4) over [a, b] (math calls)."""
    h = (b - a) / n
    s = 0.5 * (math.sin(a) * math.exp(-a / 4) + math.sin(b) * math.exp(-b / 4))
    for i in range(1, n):
        x = a + i * h
        s += math.sin(x) * math.exp(-x / 4)
    return s * h


def list_stats(xs):
    """Mean, variance and largest absolute deviation of a list of floats (two passes)."""
    total = 0.0
    for x in xs:
        total += x
    mean = total / len(xs)
    var = 0.0
    worst = 0.0
    for x in xs:
        d = x - mean
        var += d * d
        if abs(d) > worst:
            worst = abs(d)
    return mean, var / len(xs), worst


def list_smooth(xs, passes):
    """Three-point moving average of a list of floats, ``passes`` times; a new list each pass."""
    for _ in range(passes):
        n = len(xs)
        out = [xs[0]]
        for i in range(1, n - 1):
            out.append((xs[i - 1] + xs[i] + xs[i + 1]) / 3.0)
        out.append(xs[n - 1])
        xs = out
    return xs


def np_sum_sq(a):
    """Sum of squared differences from the first element, over a 1-D float64 NumPy array."""
    s = 0.0
    first = a[0]
    for i in range(a.shape[0]):
        d = a[i] - first
        s += d * d
    return s


def np_matmul(a, b, out):
    """out = a @ b with three explicit loops over 2-D float64 NumPy arrays; returns out."""
    n, m = a.shape
    p = b.shape[1]
    for i in range(n):
        for j in range(p):
            s = 0.0
            for k in range(m):
                s += a[i, k] * b[k, j]
            out[i, j] = s
    return out


def word_count(text):
    """Word frequencies of a text (str.split, str.lower, dict get/set); returns the dict."""
    counts = {}
    for word in text.split():
        w = word.lower().strip(".,;:!?")
        if w:
            counts[w] = counts.get(w, 0) + 1
    return counts


def char_classes(s):
    """Counts vowels, digits, spaces and other characters of a str, one character at a time."""
    vowels = digits = spaces = other = 0
    for ch in s:
        if ch in "aeiouAEIOU":
            vowels += 1
        elif "0" <= ch <= "9":
            digits += 1
        elif ch == " ":
            spaces += 1
        else:
            other += 1
    return vowels, digits, spaces, other


def inc(x):
    """Tiny pure function for the per-call overhead table."""
    return x + 1


def ident(x):
    """Tiny function for the profiling-phase overhead table."""
    return x
