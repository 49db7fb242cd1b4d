"""The engine process: the one place background work runs (compaction, retention, continuous queries, stream tasks).

``machstore serve`` starts it as a child (``python -m machstore.engine_process ...``) next to
the gunicorn workers.  It opens its own ``Engine`` and loops ``n = engine.background_round()`` (compaction, retention),
then lets each job (the continuous query runner, :mod:`machstore.influxql.continuous`, unless
``--no-continuous-queries``) check whether it is due,
sleeping ``idle_sleep`` seconds whenever a round found nothing to do, until SIGTERM or
SIGINT asks it to stop (it finishes the current round, closes the engine and exits 0), or
until its parent disappears (it then exits on its own rather than linger as an orphan).
Workers and this process share nothing but the LMDB environment.

Kapacitor's stream tasks run here too (:mod:`machstore.kapacitor.taskmaster`): each loop
first runs a stream round; while a stream task is enabled the loop polls every
``stream_poll`` seconds instead of sleeping ``idle_sleep`` (a write reaches a task within
one poll plus one round); after a round that caught up it waits ``stream_spacing`` seconds so
that writes gather into one round's commit rather than one fsync'd commit each, which /write
would wait for (ingest with 10 window tasks: 0.66x -> 0.93x of none); compaction yields to a busy stream until its backlog grows
(it never takes segments the tasks have not read: ``Engine.set_compaction_horizon``).
Alert deliveries are sent after each round's commit by the outbox thread
(:mod:`machstore.kapacitor.outbox`).
"""
import argparse
import json
import logging
import os
import select
import signal
import subprocess
import sys
import threading
import time

log = logging.getLogger("machstore.engine_process")

_ERROR_BACKOFF = 1.0  # seconds to wait after a failed round before the next one
STREAM_POLL = 0.002  # seconds between looks at the segment counter while stream tasks run
STREAM_SPACING = 0.02  # seconds at least between two caught-up stream rounds: each commits (and
                       # fsyncs) under LMDB's one writer lock, which every /write waits for
COMPACT_BACKLOG = 64  # pending segments past which compaction runs even while the stream is busy


class EngineLoop:
    """Run background rounds on an open engine until stopped."""

    def __init__(self, engine, *, idle_sleep=0.2, parent_pid=None, jobs=(), stream=None, stream_poll=STREAM_POLL,
                 stream_spacing=STREAM_SPACING):
        self.engine = engine
        self.idle_sleep = idle_sleep
        self.stream = stream     # a TaskMaster (round(), active) or None
        self.stream_spacing = stream_spacing
        self.stream_poll = stream_poll
        self.parent_pid = parent_pid
        self.jobs = list(jobs)   # each has run_pending() -> work done, seconds_until_due()
        self.stopping = False
        self.rounds = 0

    def stop(self, *_args):
        """Ask the loop to finish its current round and return (safe from a signal handler)."""
        self.stopping = True

    def run(self):
        """Loop until stopped or orphaned; return the number of rounds that did work."""
        while not self.stopping:
            if self.parent_pid is not None and os.getppid() != self.parent_pid:
                log.warning("parent process %d is gone; engine process exiting", self.parent_pid)
                break
            streamed, caught_up = 0, False
            if self.stream is not None:
                started = time.monotonic()
                try:
                    streamed = self.stream.round()
                    caught_up = (streamed < self.stream.max_round_points
                                 and time.monotonic() - started < self.stream.round_time_budget)
                except Exception:  # the other background work goes on
                    log.exception("stream round failed; the tasks restart from their stored state")
            try:
                done = streamed
                if not streamed or self.engine.pending_segments() >= COMPACT_BACKLOG:
                    done += self.engine.background_round()
                for job in self.jobs:
                    done += job.run_pending()
            except Exception:  # background work must outlive one bad round
                log.exception("background round failed; retrying in %.1fs", _ERROR_BACKOFF)
                self._sleep(_ERROR_BACKOFF)
                continue
            if done:
                self.rounds += 1
                if streamed and caught_up:
                    # PERF: let writes gather for the next round instead of one commit per write
                    self._sleep(self.stream_spacing)
            else:
                idle = self.stream_poll if self.stream is not None and self.stream.active else self.idle_sleep
                self._sleep(min([idle] + [job.seconds_until_due() for job in self.jobs]))
        return self.rounds

    def _sleep(self, seconds):
        deadline = time.monotonic() + seconds
        while not self.stopping:
            left = deadline - time.monotonic()
            if left <= 0:
                return
            time.sleep(min(left, 0.05))


SECTIONS_ENV = "MACHSTORE_KAPACITOR_SECTIONS"
LISTEN_ENV = "MACHSTORE_KAPACITOR_LISTEN"   # the address alert handlers name as Kapacitor's URL


def environment(settings):
    """The engine process's environment: ours, plus the config file's Kapacitor sections (JSON).

    NOTE: not in argv, which every user of the machine can read (``ps``): they hold secrets.
    """
    from machstore.kapacitor.config import kapacitor_address
    return {**os.environ, SECTIONS_ENV: json.dumps(settings.kapacitor_sections),
            LISTEN_ENV: kapacitor_address(settings.bind)}


def command_line(settings, *, parent_pid=None, ready_fd=None):
    """Return the argv that starts an engine process for ``settings``."""
    argv = [sys.executable, "-m", "machstore.engine_process",
            "--data", settings.data,
            "--map-size", str(settings.map_size),
            "--idle-sleep", repr(settings.engine_idle_sleep),
            "--cq-run-interval", repr(settings.continuous_queries_run_interval),
            "--log-level", settings.log_level]
    if not settings.sync:
        argv.append("--no-sync")
    if not settings.continuous_queries_enabled:
        argv.append("--no-continuous-queries")
    if parent_pid is not None:
        argv += ["--parent-pid", str(parent_pid)]
    if ready_fd is not None:
        argv += ["--ready-fd", str(ready_fd)]
    return argv


class EngineProcessError(RuntimeError):
    """The engine process could not be started."""


class EngineProcess:
    """Start, watch and stop the engine process from the server's master process.

    ``start()`` returns once the child has opened the engine (it reports on a pipe), so the
    data directory is initialised before any worker starts.  A watcher thread restarts the
    child if it dies unexpectedly; ``stop()`` sends SIGTERM and waits for it.

    NOTE: the child is a ``subprocess.Popen``, not a ``multiprocessing.Process``: gunicorn's
    master reaps every child with ``waitpid(-1)``, which ``Popen`` tolerates (ECHILD reads as
    "exited") and ``multiprocessing`` does not (it would think the child still alive).
    """

    def __init__(self, settings, *, ready_timeout=60.0, restart_delay=1.0):
        self.settings = settings
        self.ready_timeout = ready_timeout
        self.restart_delay = restart_delay
        self._proc = None
        self._stopping = False
        self._lock = threading.Lock()
        self._watcher = None

    @property
    def pid(self):
        """Return the running child's pid, or None."""
        proc = self._proc
        return proc.pid if proc is not None else None

    def start(self):
        """Start the child and wait until it has opened the engine; raise EngineProcessError if not."""
        with self._lock:
            self._stopping = False
            self._proc = self._spawn()
        if self._watcher is None or not self._watcher.is_alive():
            self._watcher = threading.Thread(target=self._watch, name="engine-process-watcher", daemon=True)
            self._watcher.start()

    def stop(self, timeout=10.0):
        """Ask the child to stop (SIGTERM), wait up to ``timeout`` s, then kill it; return its exit code."""
        with self._lock:
            self._stopping = True
            proc = self._proc
        if proc is None:
            return None
        if proc.poll() is None:
            try:
                proc.send_signal(signal.SIGTERM)
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                log.warning("engine process %d did not stop in %.0fs; killing it", proc.pid, timeout)
                proc.kill()
                proc.wait()
            except ProcessLookupError:
                pass
        return proc.returncode

    def _spawn(self):
        read_fd, write_fd = os.pipe()
        try:
            argv = command_line(self.settings, parent_pid=os.getpid(), ready_fd=write_fd)
            proc = subprocess.Popen(argv, pass_fds=(write_fd,), env=environment(self.settings))
        finally:
            os.close(write_fd)
        try:
            ready, _, _ = select.select([read_fd], [], [], self.ready_timeout)
            message = os.read(read_fd, 64) if ready else b""
        finally:
            os.close(read_fd)
        if message.startswith(b"ready"):
            log.info("engine process started (pid %d)", proc.pid)
            return proc
        if proc.poll() is None:
            proc.kill()
        code = proc.wait()
        raise EngineProcessError(
            f"the engine process could not open {self.settings.data!r} (exit code {code}); see the log above")

    def _watch(self):
        while True:
            proc = self._proc
            code = proc.wait()
            with self._lock:
                if self._stopping or proc is not self._proc:
                    if self._stopping:
                        return
                    continue
            log.error("engine process %d exited unexpectedly (code %s); restarting in %.1fs",
                      proc.pid, code, self.restart_delay)
            time.sleep(self.restart_delay)
            with self._lock:
                if self._stopping:
                    return
                try:
                    self._proc = self._spawn()
                except EngineProcessError as ex:
                    log.error("%s", ex)


def main(argv=None):
    """Entry point of ``python -m machstore.engine_process``."""
    parser = argparse.ArgumentParser(prog="machstore-engine", description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="data directory")
    parser.add_argument("--map-size", type=int, default=0, help="LMDB map size in bytes (0 = engine default)")
    parser.add_argument("--no-sync", action="store_true", help="do not fsync every commit")
    parser.add_argument("--idle-sleep", type=float, default=0.2, help="seconds to sleep when idle")
    parser.add_argument("--parent-pid", type=int, default=None, help="exit when this parent goes away")
    parser.add_argument("--ready-fd", type=int, default=None,
                        help="file descriptor to write 'ready' to once the engine is open")
    parser.add_argument("--cq-run-interval", type=float, default=1.0,
                        help="seconds between checks for due continuous queries")
    parser.add_argument("--no-continuous-queries", action="store_true", help="do not run continuous queries")
    parser.add_argument("--stream-poll", type=float, default=STREAM_POLL,
                        help="seconds between looks for new writes while stream tasks run")
    parser.add_argument("--log-level", default="info", help="log level")
    parser.add_argument("--nice", type=int, default=10, help="niceness increment of this process")
    args = parser.parse_args(argv)

    logging.basicConfig(
        level=args.log_level.upper(),
        format=f"[%(asctime)s] [{os.getpid()}] [%(levelname)s] engine: %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S %z",
    )
    loop = None

    def on_signal(signum, _frame):
        if loop is not None:
            loop.stop()
        else:
            raise SystemExit(0)  # a stop request while the engine is still opening

    signal.signal(signal.SIGTERM, on_signal)
    if args.parent_pid is not None:
        # NOTE: Ctrl-C reaches the whole process group; the server's master decides when the
        # engine process stops (after the workers), so a supervised child ignores SIGINT.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    else:
        signal.signal(signal.SIGINT, on_signal)

    # NOTE: background work yields the CPU to request handling: with as many workers as
    # cores, compaction catches up in the pauses instead of slowing acknowledged writes.
    os.nice(args.nice)

    from machstore.engine import Engine

    try:
        engine = Engine(args.data, map_size=args.map_size or None, sync=not args.no_sync)
    except Exception as ex:  # noqa: BLE001 - report why in one line; the master explains the rest
        log.error("cannot open the data directory %r: %s", args.data, ex)
        return 1
    try:
        from machstore.kapacitor import config as kapacitor_config
        from machstore.kapacitor.config.records import install_file_sections

        # every process reads the config file's Kapacitor sections from the store (docs/kapacitor-config.md);
        # the first view loads the service registry now, not when the first task starts
        install_file_sections(engine, json.loads(os.environ.pop(SECTIONS_ENV, "") or "{}"))
        kapacitor_config.set_listen_address(os.environ.pop(LISTEN_ENV, ""))
        kapacitor_config.view(engine)
        jobs = []
        if not args.no_continuous_queries:
            from machstore.influxql.continuous import ContinuousQueryRunner

            jobs.append(ContinuousQueryRunner(engine, run_interval=args.cq_run_interval))
        from machstore.kapacitor.outbox import OutboxSender
        from machstore.kapacitor.taskmaster import TaskMaster

        sender = OutboxSender(engine)
        master = TaskMaster(engine, on_outbox=sender.wake)
        loop = EngineLoop(engine, idle_sleep=args.idle_sleep, parent_pid=args.parent_pid, jobs=jobs,
                          stream=master, stream_poll=args.stream_poll)
        if args.ready_fd is not None:
            os.write(args.ready_fd, b"ready\n")
            os.close(args.ready_fd)
        log.debug("engine process running on %s", args.data)
        sender.start()
        try:
            rounds = loop.run()
        finally:
            sender.stop()
        log.info("engine process stopping after %d rounds of work", rounds)
    finally:
        engine.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
