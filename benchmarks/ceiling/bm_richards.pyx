# cython: language_level=3
# Hand-typed ceiling for programs/bm_richards.py: the classes become cdef classes with typed
# attributes and cpdef/cdef methods, the same control flow and objects.

cdef enum:
    I_IDLE = 1
    I_WORK = 2
    I_HANDLERA = 3
    I_HANDLERB = 4
    I_DEVA = 5
    I_DEVB = 6
    K_DEV = 1000
    K_WORK = 1001
    BUFSIZE = 4
    TASKTABSIZE = 10

cdef int A = ord('A')


cdef class Packet:
    cdef public Packet link
    cdef public int ident, kind, datum
    cdef public list data

    def __init__(self, Packet l, int i, int k):
        self.link = l
        self.ident = i
        self.kind = k
        self.datum = 0
        self.data = [0] * BUFSIZE

    cdef Packet append_to(self, Packet lst):
        cdef Packet p, next
        self.link = None
        if lst is None:
            return self
        p = lst
        next = p.link
        while next is not None:
            p = next
            next = p.link
        p.link = self
        return lst


cdef class TaskRec:
    pass


cdef class DeviceTaskRec(TaskRec):
    cdef Packet pending

    def __init__(self):
        self.pending = None


cdef class IdleTaskRec(TaskRec):
    cdef long control, count

    def __init__(self):
        self.control = 1
        self.count = 10000


cdef class HandlerTaskRec(TaskRec):
    cdef Packet work_in, device_in

    def __init__(self):
        self.work_in = None
        self.device_in = None

    cdef Packet workInAdd(self, Packet p):
        self.work_in = p.append_to(self.work_in)
        return self.work_in

    cdef Packet deviceInAdd(self, Packet p):
        self.device_in = p.append_to(self.device_in)
        return self.device_in


cdef class WorkerTaskRec(TaskRec):
    cdef int destination, count

    def __init__(self):
        self.destination = I_HANDLERA
        self.count = 0


cdef class TaskState:
    cdef bint packet_pending, task_waiting, task_holding

    def __init__(self):
        self.packet_pending = True
        self.task_waiting = False
        self.task_holding = False

    cdef TaskState packetPending(self):
        self.packet_pending = True
        self.task_waiting = False
        self.task_holding = False
        return self

    cdef TaskState waiting(self):
        self.packet_pending = False
        self.task_waiting = True
        self.task_holding = False
        return self

    cdef TaskState running(self):
        self.packet_pending = False
        self.task_waiting = False
        self.task_holding = False
        return self

    cdef TaskState waitingWithPacket(self):
        self.packet_pending = True
        self.task_waiting = True
        self.task_holding = False
        return self

    cdef bint isPacketPending(self):
        return self.packet_pending

    cdef bint isTaskWaiting(self):
        return self.task_waiting

    cdef bint isTaskHolding(self):
        return self.task_holding

    cdef bint isTaskHoldingOrWaiting(self):
        return self.task_holding or (not self.packet_pending and self.task_waiting)

    cdef bint isWaitingWithPacket(self):
        return self.packet_pending and self.task_waiting and not self.task_holding


cdef class TaskWorkArea:
    cdef list taskTab
    cdef Task taskList
    cdef long holdCount, qpktCount

    def __init__(self):
        self.taskTab = [None] * TASKTABSIZE
        self.taskList = None
        self.holdCount = 0
        self.qpktCount = 0


cdef TaskWorkArea taskWorkArea = TaskWorkArea()


cdef class Task(TaskState):
    cdef Task link
    cdef int ident, priority
    cdef Packet input
    cdef TaskRec handle

    def __init__(self, int i, int p, Packet w, TaskState initialState, TaskRec r):
        self.link = taskWorkArea.taskList
        self.ident = i
        self.priority = p
        self.input = w
        self.packet_pending = initialState.isPacketPending()
        self.task_waiting = initialState.isTaskWaiting()
        self.task_holding = initialState.isTaskHolding()
        self.handle = r
        taskWorkArea.taskList = self
        taskWorkArea.taskTab[i] = self

    cdef Task fn(self, Packet pkt, TaskRec r):
        raise NotImplementedError

    cdef Task addPacket(self, Packet p, Task old):
        if self.input is None:
            self.input = p
            self.packet_pending = True
            if self.priority > old.priority:
                return self
        else:
            p.append_to(self.input)
        return old

    cdef Task runTask(self):
        cdef Packet msg
        if self.isWaitingWithPacket():
            msg = self.input
            self.input = msg.link
            if self.input is None:
                self.running()
            else:
                self.packetPending()
        else:
            msg = None
        return self.fn(msg, self.handle)

    cdef Task waitTask(self):
        self.task_waiting = True
        return self

    cdef Task hold(self):
        taskWorkArea.holdCount += 1
        self.task_holding = True
        return self.link

    cdef Task release(self, int i):
        cdef Task t = self.findtcb(i)
        t.task_holding = False
        if t.priority > self.priority:
            return t
        else:
            return self

    cdef Task qpkt(self, Packet pkt):
        cdef Task t = self.findtcb(pkt.ident)
        taskWorkArea.qpktCount += 1
        pkt.link = None
        pkt.ident = self.ident
        return t.addPacket(pkt, self)

    cdef Task findtcb(self, int id):
        t = taskWorkArea.taskTab[id]
        if t is None:
            raise Exception("Bad task id %d" % id)
        return <Task>t


cdef class DeviceTask(Task):
    cdef Task fn(self, Packet pkt, TaskRec r):
        cdef DeviceTaskRec d = <DeviceTaskRec?>r
        if pkt is None:
            pkt = d.pending
            if pkt is None:
                return self.waitTask()
            else:
                d.pending = None
                return self.qpkt(pkt)
        else:
            d.pending = pkt
            return self.hold()


cdef class HandlerTask(Task):
    cdef Task fn(self, Packet pkt, TaskRec r):
        cdef HandlerTaskRec h = <HandlerTaskRec?>r
        cdef Packet work, dev
        cdef int count
        if pkt is not None:
            if pkt.kind == K_WORK:
                h.workInAdd(pkt)
            else:
                h.deviceInAdd(pkt)
        work = h.work_in
        if work is None:
            return self.waitTask()
        count = work.datum
        if count >= BUFSIZE:
            h.work_in = work.link
            return self.qpkt(work)
        dev = h.device_in
        if dev is None:
            return self.waitTask()
        h.device_in = dev.link
        dev.datum = work.data[count]
        work.datum = count + 1
        return self.qpkt(dev)


cdef class IdleTask(Task):
    def __init__(self, int i, int p, w, TaskState s, TaskRec r):
        Task.__init__(self, i, 0, None, s, r)

    cdef Task fn(self, Packet pkt, TaskRec r):
        cdef IdleTaskRec i = <IdleTaskRec?>r
        i.count -= 1
        if i.count == 0:
            return self.hold()
        elif i.control & 1 == 0:
            i.control //= 2
            return self.release(I_DEVA)
        else:
            i.control = i.control // 2 ^ 0xd008
            return self.release(I_DEVB)


cdef class WorkTask(Task):
    cdef Task fn(self, Packet pkt, TaskRec r):
        cdef WorkerTaskRec w = <WorkerTaskRec?>r
        cdef int dest, i
        if pkt is None:
            return self.waitTask()
        if w.destination == I_HANDLERA:
            dest = I_HANDLERB
        else:
            dest = I_HANDLERA
        w.destination = dest
        pkt.ident = dest
        pkt.datum = 0
        for i in range(BUFSIZE):
            w.count += 1
            if w.count > 26:
                w.count = 1
            pkt.data[i] = A + w.count - 1
        return self.qpkt(pkt)


cdef void schedule():
    cdef Task t = taskWorkArea.taskList
    while t is not None:
        if t.isTaskHoldingOrWaiting():
            t = t.link
        else:
            t = t.runTask()


cdef class Richards:
    cpdef bint run(self, long iterations):
        cdef long i
        cdef Packet wkq
        for i in range(iterations):
            taskWorkArea.holdCount = 0
            taskWorkArea.qpktCount = 0

            IdleTask(I_IDLE, 1, 10000, TaskState().running(), IdleTaskRec())

            wkq = Packet(None, 0, K_WORK)
            wkq = Packet(wkq, 0, K_WORK)
            WorkTask(I_WORK, 1000, wkq, TaskState().waitingWithPacket(), WorkerTaskRec())

            wkq = Packet(None, I_DEVA, K_DEV)
            wkq = Packet(wkq, I_DEVA, K_DEV)
            wkq = Packet(wkq, I_DEVA, K_DEV)
            HandlerTask(I_HANDLERA, 2000, wkq, TaskState().waitingWithPacket(),
                        HandlerTaskRec())

            wkq = Packet(None, I_DEVB, K_DEV)
            wkq = Packet(wkq, I_DEVB, K_DEV)
            wkq = Packet(wkq, I_DEVB, K_DEV)
            HandlerTask(I_HANDLERB, 3000, wkq, TaskState().waitingWithPacket(),
                        HandlerTaskRec())

            wkq = None
            DeviceTask(I_DEVA, 4000, wkq, TaskState().waiting(), DeviceTaskRec())
            DeviceTask(I_DEVB, 5000, wkq, TaskState().waiting(), DeviceTaskRec())

            schedule()

            if taskWorkArea.holdCount == 9297 and taskWorkArea.qpktCount == 23246:
                pass
            else:
                return False
        return True


def run(long iterations=1):
    ok = Richards().run(iterations)
    return ok, taskWorkArea.holdCount, taskWorkArea.qpktCount
