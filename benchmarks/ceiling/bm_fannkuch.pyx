# cython: language_level=3, boundscheck=False, wraparound=False
# Hand-typed ceiling for programs/bm_fannkuch.py: the same lists and list operations (slice
# reversal, insert/pop), C ints for the counters and list items.

def fannkuch(int n):
    cdef list count = list(range(1, n + 1))
    cdef int max_flips = 0, m = n - 1, r = n, flips_count, k
    cdef list perm1 = list(range(n))
    cdef list perm = list(range(n))

    while 1:
        while r != 1:
            count[r - 1] = r
            r -= 1

        if <int>perm1[0] != 0 and <int>perm1[m] != m:
            perm = perm1[:]
            flips_count = 0
            k = perm[0]
            while k:
                perm[:k + 1] = perm[k::-1]
                flips_count += 1
                k = perm[0]

            if flips_count > max_flips:
                max_flips = flips_count

        while r != n:
            perm1.insert(r, perm1.pop(0))
            count[r] = <int>count[r] - 1
            if <int>count[r] > 0:
                break
            r += 1
        else:
            return max_flips


def run(int n=9):
    return fannkuch(n)
