"""The ``machstore`` command: ``serve`` runs the server, ``version`` prints the version.

``machstore serve`` embeds gunicorn (master + N workers serving the Falcon app, each worker
opening the engine lazily after the fork) and starts one engine process for background work
(:mod:`machstore.engine_process`).  SIGTERM or SIGINT (also a Ctrl-C sent to the whole process
group) stops the workers gracefully, then the engine process, and exits 0.
"""
import argparse
import functools
import logging
import os
import signal
import sys

from machstore import allocator
from machstore.config import SETTINGS, ConfigError, load_settings
from machstore.version import __version__

log = logging.getLogger("machstore")

_SERVE_DESCRIPTION = """\
Run the machstore server: gunicorn workers answering every HTTP API (InfluxDB 1.x /write,
/api/v2/write and /ping, Kapacitor /kapacitor/v1/write and /kapacitor/v1/ping) on every
--bind address, plus one engine process for background work (compaction).

Settings come from the defaults, then --config FILE (TOML, or plain 'key = value' lines),
then these flags. Each flag below is a setting; docs/configuration.md describes them all.
SIGTERM or SIGINT shuts down cleanly (exit code 0)."""


def build_parser():
    """Return the argument parser for every command and flag."""
    parser = argparse.ArgumentParser(
        prog="machstore",
        description="machstore: a columnar time-series database speaking the Machbase, "
                    "InfluxDB, Kapacitor and Kodo HTTP APIs.",
        epilog="Run 'machstore COMMAND --help' for a command's flags.",
    )
    parser.add_argument("--version", action="version", version=f"machstore {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    serve = commands.add_parser(
        "serve", help="run the HTTP server and the engine process",
        description=_SERVE_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    serve.add_argument("--config", metavar="FILE", action="append",
                       help="read settings from FILE (TOML or 'key = value' lines, or a Machbase machbase.conf "
                            "or http.conf); may be repeated; flags override it")
    for setting in SETTINGS:
        _add_setting_flag(serve, setting)

    commands.add_parser("version", help="print the version and exit",
                        description="Print machstore's version and exit.")
    return parser


def _add_setting_flag(parser, setting):
    default = setting.default
    shown = ", ".join(default) if isinstance(default, list) else default
    if isinstance(default, str) and not default:
        shown = "empty"
    help_text = f"{setting.help} (default: {shown})".replace("%", "%%")
    kwargs = {"dest": setting.name, "default": None, "help": help_text}
    if isinstance(default, bool):
        kwargs["action"] = argparse.BooleanOptionalAction
    elif isinstance(default, list):
        kwargs.update(action="append", metavar="HOST:PORT")
    elif isinstance(default, int):
        kwargs.update(type=int, metavar="N")
    elif isinstance(default, float):
        kwargs.update(type=float, metavar="SECONDS")
    else:
        kwargs["metavar"] = "DIR" if setting.name == "data" else setting.name.split("_")[-1].upper()
    parser.add_argument(setting.flag, **kwargs)


def main(argv=None):
    """Run the ``machstore`` command line; return the process exit code."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "version":
        print(f"machstore {__version__}")
        return 0
    if args.command == "serve":
        overrides = {s.name: getattr(args, s.name) for s in SETTINGS}
        try:
            settings = load_settings(args.config, overrides)
        except ConfigError as ex:
            parser.exit(2, f"machstore serve: error: {ex}\n")
        return serve(settings)
    parser.print_help()
    return 2


def serve(settings):
    """Run gunicorn and the engine process until a stop signal; return the exit code."""
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="[%(asctime)s] [%(process)d] [%(levelname)s] %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S %z",
    )
    # NOTE: an absolute data path means the same directory for the master, the workers and
    # the engine process whatever their working directory.
    settings = settings.replace(data=os.path.abspath(settings.data))
    allocator.keep_freed_memory()   # PERF: no page faults on every query's arrays (the workers inherit it)
    # A RuntimeError raised in a hook (the engine process failing to open the data directory)
    # is printed as "Error: ..." with exit code 1; a stop signal ends run() with exit code 0.
    _server_class()(settings).run()
    return 0


@functools.lru_cache(maxsize=None)
def _server_class():
    """Define the gunicorn application class (imported lazily: ``--help`` needs no gunicorn)."""
    from gunicorn.app.base import BaseApplication
    from gunicorn.arbiter import Arbiter

    from machstore.engine_process import EngineProcess

    class MachstoreArbiter(Arbiter):
        """gunicorn's master, except that SIGINT stops as gracefully as SIGTERM.

        gunicorn treats SIGINT as a quick stop that interrupts in-flight requests; for a
        database a Ctrl-C should let acknowledged work finish.  SIGQUIT stays the quick stop.
        """

        def handle_int(self):
            raise StopIteration

    class MachstoreServer(BaseApplication):
        """gunicorn embedded: our settings in, the Falcon app out, the engine process alongside."""

        def __init__(self, settings):
            self.settings = settings
            self.engine_process = EngineProcess(settings)
            super().__init__(prog="machstore serve")

        def load_config(self):
            from machstore.server.worker import CLASS_PATHS, request_line_cap

            s = self.settings
            options = {
                "bind": s.bind,
                "workers": s.workers,
                "worker_class": CLASS_PATHS[s.worker_class],
                "threads": s.threads,
                "worker_connections": s.worker_connections,
                # The app refuses targets over max_request_line with a 414 in each API's own
                # format (server/app.py); gunicorn's bound sits above it (server/worker.py).
                "limit_request_line": request_line_cap(s.max_request_line),
                "timeout": s.timeout,
                "graceful_timeout": s.graceful_timeout,
                "loglevel": s.log_level,
                "errorlog": "-",
                "accesslog": "-" if s.access_log else None,
                # passwords in p= and in q= statements never reach the access log
                "logger_class": "machstore.server.access_log.RedactingLogger",
                "proc_name": "machstore",
                "preload_app": False,  # NOTE: the app (and its engine) must be built after fork
                "control_socket_disable": True,  # gunicorn >= 25: no control socket file
                "when_ready": self._when_ready,
                "on_exit": self._on_exit,
                "post_worker_init": self._post_worker_init,
                "worker_exit": self._worker_exit,
            }
            for name, value in options.items():
                if name in self.cfg.settings:
                    self.cfg.set(name, value)

        def run(self):
            try:
                MachstoreArbiter(self).run()
            except RuntimeError as ex:  # as gunicorn's BaseApplication.run reports it
                print(f"\nError: {ex}\n", file=sys.stderr)
                sys.exit(1)

        def load(self):
            from machstore.engine import Engine
            from machstore.server.app import create_app

            s = self.settings
            factory = functools.partial(Engine, s.data, map_size=s.map_size or None, sync=s.sync)
            return create_app(factory, s)

        def _when_ready(self, arbiter):
            # Sockets are bound and no worker exists yet: open the engine in its own process
            # first, so the data directory is initialised before any worker touches it.
            self.engine_process.start()

        def _on_exit(self, arbiter):
            code = self.engine_process.stop(timeout=max(5.0, float(self.settings.graceful_timeout)))
            arbiter.log.info("engine process stopped (exit code %s)", code)

        def _post_worker_init(self, worker):
            # NOTE: Ctrl-C signals the whole process group; workers leave the decision to the
            # master, which then stops them gracefully (SIGTERM) after their current request.
            signal.signal(signal.SIGINT, signal.SIG_IGN)

        def _worker_exit(self, arbiter, worker):
            from machstore.server.app import close_engines

            close_engines()

    return MachstoreServer


if __name__ == "__main__":
    sys.exit(main())
