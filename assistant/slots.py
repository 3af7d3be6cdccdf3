"""A first-come, first-served queue for a few interchangeable resources (model instances).

A request takes a ticket, waits until it is at the head of the line and a slot is free, uses
that slot, and gives it back. While it waits it can ask how many requests are ahead of it,
so that a chat can say "2 questions ahead of yours". Tickets may be waited on and released
from different threads (a streamed response moves between worker threads).
"""

from __future__ import annotations

import threading
from collections import deque


class Ticket:
    def __init__(self, queue: FairQueue) -> None:
        self._queue = queue
        self.slot: int | None = None
        self._done = False

    def ahead(self) -> int:
        """How many requests will be served before this one (0 once it holds a slot)."""
        return self._queue._ahead(self)

    def wait(self, timeout: float | None = None) -> int | None:
        """The slot granted to this ticket, or None if the timeout passed first."""
        return self._queue._wait(self, timeout)

    def release(self) -> None:
        """Give the slot back (or leave the line); safe to call more than once."""
        self._queue._release(self)

    def __enter__(self) -> Ticket:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


class FairQueue:
    def __init__(self, slots: int) -> None:
        if slots < 1:
            raise ValueError("a queue needs at least one slot")
        self.slots = slots
        self._cond = threading.Condition(threading.Lock())
        self._free = list(range(slots))
        self._line: deque[Ticket] = deque()

    def enter(self) -> Ticket:
        ticket = Ticket(self)
        with self._cond:
            self._line.append(ticket)
            self._grant()
        return ticket

    def waiting(self) -> int:
        with self._cond:
            return len(self._line)

    def busy(self) -> int:
        with self._cond:
            return self.slots - len(self._free)

    def _grant(self) -> None:
        """Hand free slots to the head of the line, in order (caller holds the lock)."""
        granted = False
        while self._free and self._line:
            self._line.popleft().slot = self._free.pop(0)
            granted = True
        if granted:
            self._cond.notify_all()

    def _ahead(self, ticket: Ticket) -> int:
        with self._cond:
            if ticket.slot is not None or ticket._done:
                return 0
            busy = self.slots - len(self._free)
            return max(0, self._line.index(ticket) + busy - (self.slots - 1))

    def _wait(self, ticket: Ticket, timeout: float | None) -> int | None:
        with self._cond:
            self._cond.wait_for(lambda: ticket.slot is not None, timeout)
            return ticket.slot

    def _release(self, ticket: Ticket) -> None:
        with self._cond:
            if ticket._done:
                return
            ticket._done = True
            if ticket.slot is not None:
                self._free.append(ticket.slot)
                self._free.sort()
            else:
                self._line.remove(ticket)
            self._grant()
