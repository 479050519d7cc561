"""Form helpers shared by every app's views."""

from typing import Any

from django.core.exceptions import ValidationError


def form_apply_errors(form: Any, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else on the form."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)
