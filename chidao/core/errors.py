"""Domain errors raised by services; views and the API turn them into messages and status codes."""

from django.core.exceptions import PermissionDenied, ValidationError

__all__ = ["ConflictError", "PermissionDenied", "ValidationError"]


class ConflictError(Exception):
    """Someone else saved the record since the user loaded it (optimistic locking)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
