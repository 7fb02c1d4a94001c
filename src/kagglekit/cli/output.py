"""How the command talks: one-line notes and warnings on stderr, and the one progress helper
(a tqdm bar on a terminal, nothing in logs and CI output)."""

from __future__ import annotations

import sys
import warnings


def note(line: str) -> None:
    """``kagglekit: LINE`` on stderr."""
    print(f"kagglekit: {line}", file=sys.stderr)


class OneLineWarnings(warnings.catch_warnings):
    """Show each distinct warning (an exposed kaggle.json, a model saved under other package
    versions, ...) once, on one line, for the duration of a command."""

    def __enter__(self):
        entered = super().__enter__()
        warnings.simplefilter("always")
        shown = set()

        def show(message, category, filename, lineno, file=None, line=None):
            if str(message) not in shown:
                shown.add(str(message))
                print(f"kagglekit: warning: {message}", file=sys.stderr)

        warnings.showwarning = show
        return entered


class Progress:
    """A progress bar on a terminal's stderr, or nothing when stderr is not a terminal.

    ``progress(done, total)`` moves the bar to ``done`` of ``total`` (which may become known
    late); ``close()`` ends it. ``enabled`` says whether anything is shown, so callers can skip
    work done only for the bar.
    """

    def __init__(self, unit: str, *, description: str = "kagglekit"):
        self.enabled = sys.stderr.isatty()
        self._bar = None
        if self.enabled:
            from tqdm import tqdm

            self._bar = tqdm(unit=unit, desc=description, file=sys.stderr, leave=True,
                             dynamic_ncols=True)

    def __call__(self, done: int, total: int | None = None) -> None:
        if self._bar is None:
            return
        if total is not None and self._bar.total != total:
            self._bar.total = total
        self._bar.update(done - self._bar.n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


class RunProgress:
    """A long run followed on a terminal: a bar on stderr that says which model and fold is
    running and the time used against the limit, with each step's line written above it.
    When stderr is not a terminal the lines are printed plainly on stdout; ``quiet``: none.

    ``line(text)`` is the run's ``log``; ``fold(model, done, total)`` its fold callback.
    """

    def __init__(self, time_limit: float | None = None, *, quiet: bool = False):
        import time

        self.quiet, self.time_limit, self.start = quiet, time_limit, time.perf_counter()
        self._bar = None
        if not quiet and sys.stderr.isatty():
            from tqdm import tqdm

            self._bar = tqdm(unit="fold", file=sys.stderr, dynamic_ncols=True, leave=False,
                             bar_format="{desc} {n_fmt} folds [{postfix}]")

    def line(self, text: str) -> None:
        if self.quiet:
            return
        if self._bar is not None:
            self._bar.write(text)
        else:
            print(text, flush=True)

    def fold(self, model: str, done: int, total: int) -> None:
        if self._bar is None:
            return
        import time

        elapsed = time.perf_counter() - self.start
        limit = f" of {self.time_limit:g} s" if self.time_limit else ""
        self._bar.set_description_str(f"{model}: fold {done} of {total} done")
        self._bar.set_postfix_str(f"{elapsed:.0f} s{limit}")
        self._bar.update(1)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def count_lines(path) -> int | None:
    """The number of lines of a file (None when it cannot be read)."""
    try:
        with open(path, "rb") as handle:
            return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 20), b""))
    except OSError:
        return None
