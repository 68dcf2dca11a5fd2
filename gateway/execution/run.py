"""A compiled plan's run of one request: what its resolvers' info carries, and the values
it still waits for, each filled into the answer by a callback when it is there
(``gateway.execution.plan`` completes the answer)."""

from __future__ import annotations

import asyncio
import contextvars
import inspect
from collections.abc import Callable
from types import CoroutineType, GeneratorType
from typing import TYPE_CHECKING, Any

import structlog
from graphql.execution.values import VariableValues

from gateway.execution.cancel import cancellable

if TYPE_CHECKING:
    from gateway.execution.plan import Plan

__all__ = ["NotCompiled", "Run", "awaitable"]

_log = structlog.get_logger(__name__)


class NotCompiled(Exception):
    """This request's answer needs graphql-core (an error to report, most often). Raised
    anew each time: one instance raised again and again kept every traceback it went
    through, and with them the frames, contexts and answers of every request handed over."""


class Run:
    """One request's run of a plan: what every resolver's info carries, and the values it
    still waits for.

    A value that is not there yet (a DataLoader's future, a resolver's coroutine) is not
    given a task of its own to be awaited in: ``later`` has its slot in the answer filled in
    by a callback once it is done, and the run ends when nothing is waited for any more. A
    coroutine is run by a task (it may await anything); a future is only waited for. The
    callbacks of one DataLoader batch's futures run one after the other, before the batch
    the loads they make form is sent: those loads batch as the ones before them did."""

    __slots__ = (
        "_done",
        "_failed",
        "_waiting",
        "context",
        "driven",
        "encoded",
        "plan",
        "tasks",
        "variables",
        "waits",
    )

    def __init__(
        self, plan: Plan, context: Any, variables: VariableValues, *, encoded: bool = False
    ) -> None:
        self.plan = plan
        self.context = context
        self.variables = variables
        self.encoded = encoded
        """The answer goes to orjson only (an HTTP answer's bytes): a kept answer may be
        handed out as its JSON already encoded (``gateway.execution.kept``)."""
        self.tasks: list[asyncio.Task[Any]] = []
        """The tasks the run started: cancelled and awaited when it is given up."""
        self.driven: dict[Any, contextvars.Context] = {}
        """The coroutines ``drive`` waits for, each with its context: closed when the run is
        given up."""
        self.waits = 0
        """How many values the run waited for so far (a completion that added none is
        whole when it returns: ``gateway.execution.kept``)."""
        self._waiting: dict[asyncio.Future[Any], list[Callable[[Any], None]]] = {}
        """The futures waited for, each with what proceeds once it is done."""
        self._done: asyncio.Future[None] | None = None
        self._failed = False

    def later(self, awaitable: Any, fill: Callable[[Any, Run], None]) -> None:
        """``fill(value, run)`` once ``awaitable`` gives its value; a failure hands the run
        to graphql-core (``NotCompiled``)."""
        if isinstance(awaitable, asyncio.Future):
            future = awaitable
            if future.done():
                self._fill(fill, future)
                return
        else:
            future = asyncio.ensure_future(cancellable(awaitable))
            self.tasks.append(future)
        self._wait(future, lambda done: self._fill(fill, done))

    def drive(self, coroutine: Any, fill: Callable[[Any, Run], None]) -> None:
        """Runs the coroutine of a resolver that awaits nothing but the request's DataLoaders
        (``tiered(..., loads_only=True)``) without a task: it is stepped until it waits for
        a future, and stepped again when the future is done, in a context of its own as a
        task would run it; then ``fill(value, run)``. It awaiting anything but a future
        hands the run to graphql-core."""
        self._step(coroutine, contextvars.copy_context(), fill)

    def _step(
        self, coroutine: Any, context: contextvars.Context, fill: Callable[[Any, Run], None]
    ) -> None:
        try:
            waited = context.run(coroutine.send, None)
        except StopIteration as returned:
            value = returned.value
        except Exception:  # noqa: BLE001 - graphql-core reports it
            raise NotCompiled from None
        else:
            if (
                not isinstance(waited, asyncio.Future)
                or isinstance(waited, asyncio.Task)
                or not waited._asyncio_future_blocking
            ):
                _close(coroutine, context)
                raise NotCompiled  # it awaits what only a task may run
            waited._asyncio_future_blocking = False
            self.driven[coroutine] = context
            self._wait(waited, lambda _done: self._resume_driven(coroutine, context, fill))
            return
        self._give(fill, value)

    def _resume_driven(
        self, coroutine: Any, context: contextvars.Context, fill: Callable[[Any, Run], None]
    ) -> None:
        self.driven.pop(coroutine, None)
        self._step(coroutine, context, fill)

    def _fill(self, fill: Callable[[Any, Run], None], future: asyncio.Future[Any]) -> None:
        try:
            value = future.result()
        except Exception:  # noqa: BLE001 - graphql-core reports it
            raise NotCompiled from None
        self._give(fill, value)

    def _give(self, fill: Callable[[Any, Run], None], value: Any) -> None:
        try:
            fill(value, self)
        except NotCompiled:
            raise
        except Exception:  # noqa: BLE001 - graphql-core reports it
            raise NotCompiled from None

    def _wait(self, future: asyncio.Future[Any], proceed: Callable[[Any], None]) -> None:
        """``proceed(future)`` once it is done: one callback per future, however many values
        wait for it (a company's name, NAF and address wait for its one établissement)."""
        self.waits += 1
        waiting = self._waiting.get(future)
        if waiting is not None:
            waiting.append(proceed)
            return
        if self._done is None:
            self._done = future.get_loop().create_future()
        self._waiting[future] = [proceed]
        future.add_done_callback(self._resume)

    def _resume(self, future: asyncio.Future[Any]) -> None:
        proceeds = self._waiting.pop(future)
        done = self._done
        assert done is not None
        if self._failed or done.done():
            if not future.cancelled():
                future.exception()  # retrieved: the run was given up already
            return
        try:
            for proceed in proceeds:
                proceed(future)
        except BaseException as error:  # noqa: BLE001 - the run's await raises it
            try:
                self._give_up()
            finally:
                if isinstance(error, asyncio.CancelledError):
                    done.cancel()
                else:
                    done.set_exception(error)
            return
        if not self._waiting:
            done.set_result(None)

    def _give_up(self) -> None:
        """Stops what the run started, as cancelling a task would: its tasks and the futures
        it waits for are cancelled (a DataLoader's batch of cancelled loads is not sent), the
        coroutines it was stepping are closed, each in its own context."""
        self._failed = True
        for task in self.tasks:
            task.cancel()
        for future in self._waiting:
            future.cancel()
        driven, self.driven = self.driven, {}
        for coroutine, context in driven.items():
            _close(coroutine, context)

    async def wait(self) -> None:
        """Until nothing is waited for; on a failure (or a cancellation), the run's tasks are
        cancelled and awaited before it goes on, so no work is left behind."""
        try:
            if self._waiting:
                assert self._done is not None
                await self._done
        except BaseException:
            await self.abandon()
            raise

    async def abandon(self) -> None:
        """Gives the run up and waits for its tasks to end."""
        self._give_up()
        if self.tasks:
            await asyncio.gather(*self.tasks, return_exceptions=True)


def _close(coroutine: Any, context: contextvars.Context) -> None:
    """Closes a coroutine the run stepped, in its own context (a ``finally`` of its may
    reset what it set); one that will not close is left to the collector."""
    try:
        context.run(coroutine.close)
    except Exception:  # noqa: BLE001 - a failing finally must not keep the run from ending
        _log.warning("execution.close_failed", coroutine=getattr(coroutine, "__qualname__", "?"))


_AWAITABLE_CLASSES: dict[type, bool] = {CoroutineType: True}
"""Whether values of a class are awaitable (a generator is asked each time: only those made
by a generator-based coroutine are): inspect's check costs an ABC lookup per value."""


def awaitable(value: Any) -> bool:
    """Whether ``value`` is awaitable, as ``inspect.isawaitable`` says, at a dict lookup
    for most values."""
    cls = type(value)
    known = _AWAITABLE_CLASSES.get(cls)
    if known is None:
        if cls is GeneratorType:
            return inspect.isawaitable(value)
        known = _AWAITABLE_CLASSES[cls] = inspect.isawaitable(value)
    return known
