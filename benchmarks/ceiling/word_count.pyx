# cython: language_level=3
# Hand-typed ceiling for kernels.word_count: str and dict typed, so Cython uses their C API.

def word_count(str text):
    cdef dict counts = {}
    cdef str word, w
    for word in text.split():
        w = word.lower().strip(".,;:!?")
        if w:
            counts[w] = counts.get(w, 0) + 1
    return counts
