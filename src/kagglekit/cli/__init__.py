"""The ``kagglekit`` command. Thin: it parses arguments, builds the job spec and calls one
library function per command (:mod:`kagglekit.cli.commands`).

Errors a user can cause print one line (``kagglekit: error: ...``) and exit with status 2.
Ctrl-C and SIGTERM (what ``kill``, ``timeout``, schedulers and containers send) stop the
command the same way: files being written are removed, ``kagglekit: interrupted`` is printed,
and the exit status is 128 + the signal's number (130, 143).
"""

from __future__ import annotations

import signal
import sys

from kagglekit.cli.parser import build_parser
from kagglekit.errors import KagglekitError


class Interrupted(KeyboardInterrupt):
    """A stop signal, raised where the program is so that every ``finally`` runs."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum, frame):
    raise Interrupted(signum)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from kagglekit.cli.commands import COMMANDS, folds_backend
    from kagglekit.cli.output import OneLineWarnings

    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        try:
            with OneLineWarnings(), folds_backend(args):
                COMMANDS[args.command](args)
        except (ValueError, TypeError) as exc:
            if not getattr(args, "set", None) and not getattr(args, "params", None):
                raise
            # Bad --set values surface as ValueError/TypeError deep inside fit.
            message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
            raise KagglekitError(f"{message} (check the arguments and --set values)") from exc
    except KagglekitError as exc:
        print(f"kagglekit: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:
        print("kagglekit: interrupted", file=sys.stderr)
        return 128 + getattr(exc, "signum", signal.SIGINT)
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0


if __name__ == "__main__":
    sys.exit(main())
