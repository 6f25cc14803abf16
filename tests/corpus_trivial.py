"""Classes with trivial methods and their callers (tests/test_trivial_methods.py loads
a fresh copy of this module for each test: the functions jitcy compiled in one test are
not the next one's)."""


class Shape:
    def __init__(self, x):
        self.x = x

    def is_point(self):
        return True

    def me(self):
        return self

    def get_x(self):
        return self.x

    def hook(self):
        pass

    def doc_const(self):
        "A docstring is not the constant returned."
        return 7


class Slotted:
    __slots__ = ("x",)

    def __init__(self, x):
        self.x = x

    def get_x(self):
        return self.x


def use(s):
    total = 0
    for _ in range(3):
        if s.is_point():
            total += s.get_x()
        s.hook()
    return total, s.me() is s, s.doc_const(), s.hook()


def use_getter(s):
    return s.get_x()


def use_predicate(s):
    return s.is_point()
