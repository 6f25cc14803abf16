# cython: language_level=3
# Hand-typed ceiling for kernels.char_classes: Py_UCS4 characters, C counters.

def char_classes(str s):
    cdef Py_ssize_t vowels = 0, digits = 0, spaces = 0, other = 0
    cdef Py_UCS4 ch
    for ch in s:
        if ch in u"aeiouAEIOU":
            vowels += 1
        elif u"0" <= ch <= u"9":
            digits += 1
        elif ch == u" ":
            spaces += 1
        else:
            other += 1
    return vowels, digits, spaces, other
