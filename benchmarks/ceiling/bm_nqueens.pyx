# cython: language_level=3
# Hand-typed ceiling for programs/bm_nqueens.py: the same generators, with typed lists and
# C indices; the set comprehensions are written as loops over C ints.

def permutations(iterable, r=None):
    cdef tuple pool = tuple(iterable)
    cdef Py_ssize_t n = len(pool), rr, i, j
    rr = n if r is None else r
    cdef list indices = list(range(n))
    cdef list cycles = list(range(n - rr + 1, n + 1))[::-1]
    yield tuple([pool[i] for i in indices[:rr]])
    while n:
        for i in reversed(range(rr)):
            cycles[i] = <Py_ssize_t>cycles[i] - 1
            if <Py_ssize_t>cycles[i] == 0:
                indices[i:] = indices[i + 1:] + indices[i:i + 1]
                cycles[i] = n - i
            else:
                j = cycles[i]
                indices[i], indices[-j] = indices[-j], indices[i]
                yield tuple([pool[i] for i in indices[:rr]])
                break
        else:
            return


def n_queens(long queen_count):
    cdef long i
    cdef tuple vec
    cols = range(queen_count)
    for vec in permutations(cols):
        if (queen_count == len({<long>vec[i] + i for i in range(queen_count)})
                == len({<long>vec[i] - i for i in range(queen_count)})):
            yield vec


def run(long queen_count=8):
    return list(n_queens(queen_count))
