"""Worker processes for ``atelier serve --workers N``: the parent accepts, the workers serve.

Workers that share one listening socket race to accept each connection, and the idle one
wins: a handful of keep-alive connections (a storefront's pool, a load generator's) landed
4 to 0 and 23 to 9 on two workers, and the busier worker's core capped the whole server while
the other idled (``bench/service.py``, 7 Dec 2026). Here the parent alone accepts and deals
each new connection to the next started worker in turn, over a Unix socket (``SCM_RIGHTS``);
a worker runs uvicorn without a listener of its own and serves the connections it is dealt.

A resource only one process may hold (the embedded graph store: one process holds its lock)
stays with the first worker, which also listens on a private loopback port; ``relay`` gives the
other workers the environment that points them at it there (e.g. its SPARQL endpoints).

Signals to the parent: SIGINT and SIGTERM stop the workers gracefully (in-flight requests
finish); SIGHUP is passed on to the started workers (each reloads its model). A worker that
dies after starting is replaced; one that fails to start stops the server, since its
replacement would fail the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import selectors
import signal
import socket
import sys
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

import uvicorn

#: A worker's first message: its app has started and it takes connections.
READY = b"R"
#: Exit status when a worker could not start (uvicorn's own for the same case).
STARTUP_FAILURE = 3
#: Seconds a stopping worker gets to finish its requests before it is killed.
STOP_GRACE_S = 30.0


@dataclass
class _Worker:
    """One worker process and the parent's end of its channel."""

    index: int
    process: BaseProcess
    channel: socket.socket
    started: bool = False


def serve_workers(
    app: str,
    host: str,
    port: int,
    workers: int,
    relay: Callable[[str], dict[str, str]] | None = None,
) -> int:
    """Serve the app factory ``app`` on ``host:port`` with ``workers`` processes.

    Blocks until SIGINT or SIGTERM.

    Args:
        app: Import path of the app factory (``module:function``), called in each worker.
        host: Interface to bind.
        port: Port to bind.
        workers: Worker processes (at least 1).
        relay: Given the base URL of the first worker's private listener, the environment of
            the other workers (None: the workers are alike and nothing is relayed).

    Returns:
        The exit status: 0 after a requested stop, :data:`STARTUP_FAILURE` when a worker
        could not start.

    Raises:
        OSError: The address could not be bound (e.g. already in use).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.create_server((host, port), family=family, backlog=2048)
    listener.setblocking(False)
    return _Supervisor(app, listener, workers, relay).run()


class _Supervisor:
    """The parent's loop: accept, deal, watch the workers, take signals."""

    def __init__(
        self,
        app: str,
        listener: socket.socket,
        workers: int,
        relay: Callable[[str], dict[str, str]] | None,
    ) -> None:
        self._app = app
        self._listener = listener
        # The first worker's private listener stays open here, so that the others' requests
        # wait in its backlog while a replacement of the first worker starts.
        self._private = socket.create_server(("127.0.0.1", 0)) if relay else None
        self._relayed = relay(_base_url(self._private)) if relay and self._private else {}
        self._context = multiprocessing.get_context("spawn")
        self._selector = selectors.DefaultSelector()
        self._workers: list[_Worker] = []
        self._size = workers
        self._turn = 0
        self._accepting = False
        self._signals: list[int] = []
        self._status: int | None = None  # set when the loop is to end

    def run(self) -> int:
        wake, self._wake_write = socket.socketpair()
        for end in (wake, self._wake_write):
            end.setblocking(False)
        previous_wakeup = signal.set_wakeup_fd(self._wake_write.fileno())
        handled = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
        previous = {sig: signal.signal(sig, self._note_signal) for sig in handled}
        self._selector.register(wake, selectors.EVENT_READ, self._on_signal)
        try:
            self._workers = [self._start(index) for index in range(self._size)]
            while self._status is None:
                for key, _ in self._selector.select():
                    key.data(key.fileobj)
                    if self._status is not None:
                        break
        finally:
            self._listener.close()
            self._stop_all()
            if self._private is not None:
                self._private.close()
            signal.set_wakeup_fd(previous_wakeup)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            wake.close()
            self._wake_write.close()
        return self._status or 0

    # -- workers ---------------------------------------------------------------------------

    def _start(self, index: int) -> _Worker:
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        first = index == 0
        listeners = [self._private] if first and self._private is not None else []
        environment = {} if first else self._relayed
        process = self._context.Process(
            target=_work, args=(child_end, self._app, listeners, environment), daemon=False
        )
        process.start()
        child_end.close()
        parent_end.setblocking(False)
        worker = _Worker(index, process, parent_end)
        self._selector.register(parent_end, selectors.EVENT_READ, self._on_message)
        self._selector.register(process.sentinel, selectors.EVENT_READ, self._on_exit)
        return worker

    def _worker_of(self, fileobj: Any) -> _Worker | None:
        """The worker of a channel or sentinel (none once replaced: a select can still
        report a replaced worker's channel).
        """
        found = (w for w in self._workers if fileobj in (w.channel, w.process.sentinel))
        return next(found, None)

    def _on_message(self, channel: Any) -> None:
        worker = self._worker_of(channel)
        if worker is None or worker.channel.fileno() == -1:
            return
        try:
            message = worker.channel.recv(16)
        except BlockingIOError:
            return
        except OSError:
            message = b""
        if message == READY:
            worker.started = True
            self._accept(True)
            if all(w.started for w in self._workers):
                _say(f"all {len(self._workers)} workers serving")
        elif not message:  # the worker closed its end: it is exiting (its sentinel says when)
            self._selector.unregister(worker.channel)

    def _on_exit(self, sentinel: Any) -> None:
        worker = self._worker_of(sentinel)
        self._selector.unregister(sentinel)
        if worker is None:
            return
        with contextlib.suppress(KeyError, ValueError):  # gone already when it said goodbye
            self._selector.unregister(worker.channel)
        worker.channel.close()
        worker.process.join()
        code = worker.process.exitcode
        if not worker.started:
            _say(f"error: a worker could not start (exit status {code}); stopping")
            self._status = STARTUP_FAILURE
            return
        _say(f"worker {worker.process.pid} stopped (exit status {code}); starting another")
        self._workers[self._workers.index(worker)] = self._start(worker.index)
        self._accept(any(w.started for w in self._workers))

    def _stop_all(self) -> None:
        for worker in self._workers:
            if worker.process.is_alive() and worker.process.pid is not None:
                os.kill(worker.process.pid, signal.SIGTERM)
        for worker in self._workers:
            worker.process.join(STOP_GRACE_S)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            if worker.channel.fileno() != -1:
                worker.channel.close()

    # -- connections -----------------------------------------------------------------------

    def _accept(self, on: bool) -> None:
        """Take connections only while a worker has started (until then they wait in the
        listening socket's backlog).
        """
        if on and not self._accepting:
            self._selector.register(self._listener, selectors.EVENT_READ, self._on_connect)
        elif not on and self._accepting:
            self._selector.unregister(self._listener)
        self._accepting = on

    def _on_connect(self, listener: Any) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as error:  # e.g. out of file descriptors: try again later
                _say(f"accept failed: {error}")
                return
            with connection:
                if connection.family in (socket.AF_INET, socket.AF_INET6):
                    # small answers go out at once (the option travels with the socket)
                    connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._deal(connection)

    def _deal(self, connection: socket.socket) -> None:
        """Hand ``connection`` to the next started worker that takes it."""
        started = [w for w in self._workers if w.started and w.channel.fileno() != -1]
        for step in range(len(started)):
            worker = started[(self._turn + step) % len(started)]
            try:
                socket.send_fds(worker.channel, [b"c"], [connection.fileno()])
            except OSError:  # its channel is full (a stuck worker) or closed: the next one
                continue
            self._turn = (self._turn + step + 1) % len(started)
            return
        _say("no worker took a connection; closed it")

    # -- signals ---------------------------------------------------------------------------

    def _note_signal(self, signum: int, frame: Any) -> None:
        del frame
        self._signals.append(signum)

    def _on_signal(self, wake: Any) -> None:
        try:
            while wake.recv(64):
                pass
        except BlockingIOError:
            pass
        while self._signals:
            signum = self._signals.pop(0)
            if signum == signal.SIGHUP:
                for worker in self._workers:
                    if worker.started and worker.process.pid is not None:
                        os.kill(worker.process.pid, signal.SIGHUP)
            else:
                self._status = 0


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _base_url(listener: socket.socket) -> str:
    host, port = listener.getsockname()[:2]
    return f"http://{host}:{port}"


# -- the worker side -----------------------------------------------------------------------------


def _work(
    channel: socket.socket,
    app: str,
    listeners: list[socket.socket],
    environment: dict[str, str],
) -> None:
    """A worker process: uvicorn serving the app factory ``app`` on the connections dealt
    over ``channel`` and on ``listeners`` of its own, with ``environment`` added.
    """
    os.environ.update(environment)  # before the factory reads its settings
    config = uvicorn.Config(app, factory=True, log_level="warning")
    _DealtServer(config, channel, listeners).run()


class _DealtServer(uvicorn.Server):
    """uvicorn with no listener of its own, serving the connections its parent deals."""

    def __init__(
        self, config: uvicorn.Config, channel: socket.socket, listeners: list[socket.socket]
    ) -> None:
        super().__init__(config)
        self._channel = channel
        self._listeners = listeners
        self._connecting: set[asyncio.Task[Any]] = set()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=self._listeners)
        if not self.started:
            return
        loop = asyncio.get_running_loop()
        self._channel.setblocking(False)
        loop.add_reader(self._channel.fileno(), self._receive, loop)
        self._channel.send(READY)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        if self._channel.fileno() != -1:
            asyncio.get_running_loop().remove_reader(self._channel.fileno())
            self._channel.close()
        await super().shutdown(sockets=self._listeners)

    def _receive(self, loop: asyncio.AbstractEventLoop) -> None:
        while True:
            try:
                message, fds, _, _ = socket.recv_fds(self._channel, 16, 1)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                message, fds = b"", []
            if not message:  # the parent is gone: finish what is in flight and stop
                loop.remove_reader(self._channel.fileno())
                self.should_exit = True
                return
            for fd in fds:
                task = loop.create_task(self._connect(loop, socket.socket(fileno=fd)))
                self._connecting.add(task)
                task.add_done_callback(self._connecting.discard)

    async def _connect(self, loop: asyncio.AbstractEventLoop, connection: socket.socket) -> None:
        if self.should_exit:
            connection.close()
            return
        try:
            await loop.connect_accepted_socket(self._protocol, connection)
        except OSError:  # the client left before the worker took its connection
            connection.close()

    def _protocol(self) -> asyncio.Protocol:
        protocol: asyncio.Protocol = self.config.http_protocol_class(  # type: ignore[call-arg]
            config=self.config, server_state=self.server_state, app_state=self.lifespan.state
        )
        return protocol
