from typing import Any


class ApplicationError(Exception):
    """A business rule refused the operation; `message` is already translated for the user.

    Views turn it into a form error, the API into HTTP 400 with `{"detail": ..., "extra": ...}`.
    """

    def __init__(self, message: str, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
