"""app_pages/frame_share.py: the FIFO semaphore that gives the playground's frames fair turns.

Real threads throughout. The main thread holds the only turn while the workers queue, so the
order they are served in is known exactly; then every worker asks again right after each turn,
as a playing session's timer does.
"""

import threading
import time

import pytest

from app_pages import frame_share
from app_pages.frame_share import FairShare, frame_turn, ticking


def _wait_until(cond, seconds=5.0):
    deadline = time.monotonic() + seconds
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.001)


def _queue_in_order(share, n, body):
    """Start n threads running body(i) one after another, each queued before the next starts."""
    threads = []
    for i in range(n):
        t = threading.Thread(target=body, args=(i,), daemon=True)
        t.start()
        _wait_until(lambda i=i: share.waiting == i + 1)
        threads.append(t)
    return threads


def test_n_threads_asking_again_are_served_round_robin_none_waits_more_than_n_minus_1_turns():
    n, turns = 8, 6
    share = FairShare(1)
    order = []

    def worker(i):
        for _ in range(turns):
            with share.turn():
                order.append(i)
                time.sleep(0.001)  # the GIL is free meanwhile: the others could barge in if the lock let them

    assert share.acquire()
    threads = _queue_in_order(share, n, worker)
    share.release()
    for t in threads:
        t.join(10)
    assert len(order) == n * turns
    assert order == list(range(n)) * turns  # arrival order, then round-robin, exactly
    for i in range(n):  # between two turns of one worker, each other worker had exactly one
        seen = [k for k, who in enumerate(order) if who == i]
        assert all(b - a - 1 == n - 1 for a, b in zip(seen, seen[1:]))
    assert share.busy == 0 and share.waiting == 0


def test_two_slots_never_more_than_two_at_once_and_everyone_served():
    share = FairShare(2)
    inside, most, served = [0], [0], []
    guard = threading.Lock()

    def worker(i):
        for _ in range(5):
            with share.turn():
                with guard:
                    inside[0] += 1
                    most[0] = max(most[0], inside[0])
                time.sleep(0.002)
                with guard:
                    inside[0] -= 1
                served.append(i)

    threads = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert most[0] == 2
    assert sorted(served) == sorted(list(range(6)) * 5)
    assert share.busy == 0


def test_a_poll_that_raises_takes_the_waiter_out_of_the_queue_and_the_next_one_gets_the_turn():
    share = FairShare(1)
    polls, outcome, got = [], [], []

    class Interrupt(BaseException):  # Streamlit's RerunException is no Exception subclass either
        pass

    def poll():
        polls.append(time.monotonic())
        if len(polls) == 3:
            raise Interrupt

    def interrupted(_):
        try:
            share.acquire(poll=poll, poll_seconds=0.01)
            outcome.append("acquired")
        except Interrupt:
            outcome.append("interrupted")

    def patient(_):
        with share.turn():
            got.append("patient")

    assert share.acquire()
    a = threading.Thread(target=interrupted, args=(0,), daemon=True)
    a.start()
    _wait_until(lambda: share.waiting == 1)
    b = threading.Thread(target=patient, args=(1,), daemon=True)
    b.start()
    _wait_until(lambda: outcome == ["interrupted"])
    assert share.waiting == 1  # only the patient one is left
    assert polls[1] - polls[0] >= 0.009  # polled on its interval while waiting
    share.release()
    b.join(5)
    assert got == ["patient"] and share.busy == 0 and share.waiting == 0


def test_timeout_gives_up_and_leaves_the_queue():
    share = FairShare(1)
    assert share.acquire()
    t0 = time.monotonic()
    assert share.acquire(timeout=0.05) is False
    assert time.monotonic() - t0 >= 0.05
    assert share.waiting == 0 and share.busy == 1
    share.release()
    assert share.acquire(timeout=0.05) is True  # free now: at once
    share.release()


def test_release_without_a_turn_and_bad_slots_are_refused():
    share = FairShare(1)
    with pytest.raises(RuntimeError, match="without a turn"):
        share.release()
    with pytest.raises(ValueError, match="at least 1"):
        FairShare(0)


def test_share_the_gil_sets_the_switch_interval_and_returns_the_previous_one():
    import sys

    from app_pages.frame_share import SWITCH_SECONDS, share_the_gil

    before = sys.getswitchinterval()
    try:
        assert share_the_gil(0.002) == before
        assert sys.getswitchinterval() == pytest.approx(0.002)
        assert share_the_gil() == pytest.approx(0.002) and sys.getswitchinterval() == pytest.approx(SWITCH_SECONDS)
    finally:
        sys.setswitchinterval(before)


def test_ticking_calls_tick_once_each_time_the_interval_has_passed_before_a_step(monkeypatch):
    # a fake clock: each step takes 0.02 s; with a 0.05 s interval the tick comes before steps 4 and 7
    # (0.06 s and 0.12 s after the start: 3 steps of 0.02 s since the last call, hand-counted)
    clock = [0.0]
    monkeypatch.setattr(frame_share.time, "perf_counter", lambda: clock[0])
    events = []
    for _ in ticking(8, lambda: events.append(("tick", clock[0])), seconds=0.05):
        events.append(("step", clock[0]))
        clock[0] = round(clock[0] + 0.02, 10)
    steps = [e for e in events if e[0] == "step"]
    assert len(steps) == 8
    assert [e for e in events if e[0] == "tick"] == [("tick", 0.06), ("tick", 0.12)]
    assert events.index(("tick", 0.06)) == events.index(("step", 0.06)) - 1  # the call comes before the step
    assert list(ticking(3, lambda: events.append("never"), seconds=1e9)) == [None] * 3 and "never" not in events


def test_frame_turn_holds_the_turn_then_sleeps_the_flush_but_not_after_an_exception(monkeypatch):
    share, slept = FairShare(slots=1), []
    monkeypatch.setattr(frame_share.time, "sleep", slept.append)
    with frame_turn(share, flush_seconds=0.02):
        assert share.busy == 1
    assert share.busy == 0 and slept == [0.02]
    with pytest.raises(KeyError):  # a rerun or stop raised inside the frame: the turn ends, no flush
        with frame_turn(share, flush_seconds=0.02):
            raise KeyError("rerun")
    assert share.busy == 0 and slept == [0.02]
