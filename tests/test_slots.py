import threading
import time

import pytest

from assistant.slots import FairQueue


def test_slots_are_granted_in_arrival_order_and_report_the_line() -> None:
    queue = FairQueue(1)
    first = queue.enter()
    assert first.wait(0) == 0 and first.ahead() == 0
    second, third = queue.enter(), queue.enter()
    assert second.wait(0.01) is None
    assert (second.ahead(), third.ahead()) == (1, 2)
    first.release()
    assert second.wait(0) == 0 and third.ahead() == 1
    second.release()
    assert third.wait(0) == 0
    third.release()
    assert queue.busy() == 0 and queue.waiting() == 0


def test_leaving_the_line_lets_the_next_one_through() -> None:
    queue = FairQueue(1)
    holder, quitter, patient = queue.enter(), queue.enter(), queue.enter()
    quitter.release()  # gave up while waiting (a closed browser tab)
    assert patient.ahead() == 1
    holder.release()
    assert patient.wait(0) == 0
    patient.release()
    patient.release()  # twice is harmless
    assert queue.busy() == 0


def test_many_threads_never_share_a_slot_and_are_served_in_order() -> None:
    queue = FairQueue(2)
    inside: set[int] = set()
    overlap: list[int] = []
    served: list[int] = []
    lock = threading.Lock()
    tickets = [queue.enter() for _ in range(12)]  # arrival order fixed up front

    def work(i: int) -> None:
        with tickets[i] as ticket:
            slot = ticket.wait()
            assert slot is not None
            with lock:
                if slot in inside:
                    overlap.append(slot)
                inside.add(slot)
                served.append(i)
            time.sleep(0.01)
            with lock:
                inside.discard(slot)

    threads = [threading.Thread(target=work, args=(i,)) for i in reversed(range(12))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert not overlap
    assert sorted(served) == list(range(12))
    # a slot goes to the oldest waiting ticket, so service starts in arrival order
    assert served[:2] in ([0, 1], [1, 0]) and served[-1] in (10, 11)


def test_a_queue_needs_a_slot() -> None:
    with pytest.raises(ValueError):
        FairQueue(0)
