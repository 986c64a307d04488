"""Fair turns for the live frames of many sessions in one server process (a FIFO semaphore).

Why. Streamlit runs each browser session's script in a thread of its own, and one Python process
computes on one core at a time (the GIL). With 30 sessions playing, 30 script threads are runnable
at once and CPython passes the GIL among them every `sys.getswitchinterval()` (5 ms), in no
particular order. The thread that suffers most is the event loop's, which sends every session's
messages and receives every click and timer rerun: it gives up the GIL at every message (each
`asyncio.sleep(0)` between two messages polls its sockets) and then waits behind the script
threads to get it back. Measured with `benchmarks/load.py` on one `streamlit run` (2 cores, load
average below 1): 30 sessions pressing Play, 0 of 30 got a frame within 60 s, at 1 core of CPU.

What. `FairShare(slots)` lets at most `slots` frames compute at once; the others sleep on a lock
of their own (off the GIL) in the order they asked, and a turn that ends is handed to the longest
waiting one (no barging: a thread asking again right after its turn queues behind the others).
So N sessions that keep asking are served round-robin: between two turns of one session every
other session has exactly one, none waits more than N - 1 turns. The share is in turns, not time:
a session training a big network, or many steps a frame, holds each of its turns longer. `FRAMES`
is the process-wide instance the playground page uses (one slot: one core per process).

A waiting thread can be interrupted: `acquire(poll=...)` calls `poll()` every `poll_seconds`
while it waits, and if `poll` raises (the page passes a Streamlit call, at which a pending click
or a closed session interrupts the script run), the thread leaves the queue and the exception
goes on. Pure threading: no Streamlit import.
"""

import collections
import contextlib
import sys
import threading
import time

__all__ = ["FairShare", "FRAMES", "SWITCH_SECONDS", "share_the_gil", "FRAME_SECONDS", "TICK_SECONDS", "FLUSH_SECONDS",
           "frame_turn", "ticking"]


class FairShare:
    """A first-in, first-out counting semaphore: at most `slots` holders, waiters served in arrival order.

    Args:
        slots: how many holders at once (>= 1).

    Raises:
        ValueError: if slots < 1.
    """

    def __init__(self, slots=1):
        if int(slots) < 1:
            raise ValueError(f"slots must be at least 1, got {slots!r}")
        self.slots = int(slots)
        self._mutex = threading.Lock()
        self._busy = 0  # holders now
        self._queue = collections.deque()  # one locked gate per waiter, oldest first

    @property
    def busy(self):
        """How many holders there are now."""
        return self._busy

    @property
    def waiting(self):
        """How many threads are waiting for a turn now."""
        return len(self._queue)

    def acquire(self, timeout=None, poll=None, poll_seconds=0.1):
        """Wait for a turn, behind every thread that asked before.

        Args:
            timeout: give up after this many seconds (None: wait as long as it takes).
            poll: called with no arguments every `poll_seconds` while waiting; whatever it raises
                takes this thread out of the queue and propagates.
            poll_seconds: the interval between two polls.

        Returns:
            True with a turn held (call `release` once), False if `timeout` passed first.
        """
        with self._mutex:
            if self._busy < self.slots and not self._queue:
                self._busy += 1
                return True
            gate = threading.Lock()
            gate.acquire()
            self._queue.append(gate)
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            while True:
                wait = poll_seconds if poll is not None else -1
                if deadline is not None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        return self._give_up(gate)
                    wait = left if wait < 0 else min(wait, left)
                if gate.acquire(timeout=wait):  # released by `release`: the turn is ours
                    return True
                if poll is not None:
                    poll()
        except BaseException:
            if self._give_up(gate):  # the turn came meanwhile: pass it on
                self.release()
            raise

    def _give_up(self, gate):
        """Leave the queue; True if the turn had been handed to `gate` already (the caller holds it)."""
        with self._mutex:
            try:
                self._queue.remove(gate)
                return False
            except ValueError:
                return True

    def release(self):
        """End a turn: hand it to the longest waiting thread, if any.

        Raises:
            RuntimeError: if no turn is held.
        """
        with self._mutex:
            if self._busy < 1:
                raise RuntimeError("release() without a turn held")
            if self._queue:
                self._queue.popleft().release()  # the turn passes on; the holder count stays
            else:
                self._busy -= 1

    @contextlib.contextmanager
    def turn(self, poll=None, poll_seconds=0.1):
        """``with share.turn(): ...`` holds a turn for the block (`acquire` with no timeout, then `release`)."""
        self.acquire(poll=poll, poll_seconds=poll_seconds)
        try:
            yield self
        finally:
            self.release()


# the live loop's timing: app_pages/playground.py's, and benchmarks/floor_app.py's (the same loop, drawing nothing)
FRAME_SECONDS = 0.09  # 11 frames a second while playing (a timer tick due while a frame runs is skipped)
TICK_SECONDS = 0.05  # while a frame trains, a Streamlit call (where a click interrupts it) at least this often
FLUSH_SECONDS = 0.02  # after its frame a playing session waits this long (off the GIL) for the frame to be sent

#: the playground's frames, process-wide: one computes at a time (one core per Python process)
FRAMES = FairShare(slots=1)


@contextlib.contextmanager
def frame_turn(share=FRAMES, flush_seconds=FLUSH_SECONDS):
    """``with frame_turn(): ...`` computes a playing frame in its turn of `share`, then sleeps `flush_seconds`
    (off the GIL, so the event loop sends the frame whole: Streamlit drops a session's unsent messages when its
    next run starts). An exception from the block (a rerun, a stop) ends the turn and skips the sleep."""
    with share.turn():
        yield
    time.sleep(flush_seconds)


def ticking(steps, tick, seconds=TICK_SECONDS):
    """Yield `steps` times, once before each training step, first calling `tick()` (a Streamlit call: where a
    pending click interrupts the run) whenever `seconds` have passed since the last call; the caller made one
    just before the loop. So a frame's steps are never more than `seconds` (plus the step then running) apart
    from a point where a Pause lands."""
    last_call = time.perf_counter()
    for _ in range(steps):
        if time.perf_counter() - last_call >= seconds:
            tick()
            last_call = time.perf_counter()
        yield

#: CPython's GIL hand-over interval for this process, in seconds (its default is 0.005). While a frame computes,
#: the event loop asks for the GIL back at every message it sends and waits up to this long each time: at 5 ms it
#: sent at most ~200 messages a second, about 4 frames' worth, whatever the number of sessions.
SWITCH_SECONDS = 0.0005


def share_the_gil(seconds=SWITCH_SECONDS):
    """Set the process's GIL switch interval (`sys.setswitchinterval`) to `seconds`; returns the previous one."""
    previous = sys.getswitchinterval()
    sys.setswitchinterval(seconds)
    return previous
