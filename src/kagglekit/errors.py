"""The exception every user-facing kagglekit error raises."""


class KagglekitError(Exception):
    """A problem the user can fix; the message says what is wrong and what to do.

    The CLI prints it on one line and exits with status 2, without a traceback.
    """


class DataError(KagglekitError, ValueError):
    """Input data is missing, malformed or does not match the expected schema."""


class OutOfTime(KagglekitError):
    """A model's folds would not finish before the deadline (measured on its first folds);
    ``done`` is how many folds it had fitted."""

    def __init__(self, message: str, done: int = 0):
        super().__init__(message)
        self.done = done


class CredentialsError(KagglekitError):
    """Kaggle credentials are missing or rejected."""
