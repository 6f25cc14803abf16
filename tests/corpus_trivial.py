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


class Task:
    """Methods that run as a program at the call site (runtime.py, MT_PROG)."""

    def __init__(self, pending, waiting, holding, link=None):
        self.pending = pending
        self.waiting = waiting
        self.holding = holding
        self.link = link

    def holding_or_waiting(self):
        return self.holding or (not self.pending and self.waiting)

    def waiting_with_packet(self):
        return self.pending and self.waiting and not self.holding

    def running(self):
        self.pending = False
        self.waiting = False
        self.holding = False
        return self

    def wait(self):
        self.waiting = True
        return self

    def mark(self):
        self.pending = "marked"

    def has_no_link(self):
        return self.link is None

    def choose(self):
        if self.link is not None:
            return self.link.pending
        return "none" if self.waiting else "some"


def states(t):
    return (t.holding_or_waiting(), t.waiting_with_packet(), t.has_no_link(), t.choose())


def transitions(t):
    before = states(t)
    r = t.wait()
    mid = (r is t, t.waiting, t.waiting_with_packet())
    r = t.running()
    after = (r is t, t.pending, t.waiting, t.holding, t.mark(), t.pending)
    return before, mid, after, states(t)


class LoggedTruth:
    """A value whose truth runs code: a program must call the method instead."""

    log = []

    def __init__(self, truth):
        self.truth = truth

    def __bool__(self):
        LoggedTruth.log.append(self.truth)
        if self.truth is None:
            raise ValueError("no truth here")
        return self.truth


class TaskWithPropertyLink(Task):
    @property
    def link(self):
        LoggedTruth.log.append("link read")
        return None

    @link.setter
    def link(self, value):
        pass


class SlottedTask:
    __slots__ = ("pending", "waiting", "holding")

    def __init__(self):
        self.pending = True
        self.waiting = True
        self.holding = True

    def running(self):
        self.pending = False
        self.waiting = False
        self.holding = False
        return self


class Unhooks:
    """An old attribute value whose __del__ deletes another attribute of its owner."""

    def __init__(self, owner, name):
        self.owner = owner
        self.name = name

    def __del__(self):
        delattr(self.owner, self.name)


def run_it(t):
    return t.running()


def states_between(t, before, after):
    before()
    seen = (t.holding_or_waiting(), t.waiting_with_packet(), t.has_no_link(), t.choose(),
            t.wait() is t, t.mark())
    after()
    return seen


def predicate_between(s, before, after):
    before()
    seen = s.is_point(), s.me() is s, s.get_x()
    after()
    return seen
