"""What every app's forms share."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def form_errors_attach(form, error: ValidationError, renamed=None) -> None:
    """Put a service's ValidationError on the form: next to the field it names (or that field's
    name in the form, from `renamed`), above the form when the form has no such field."""
    renamed = renamed or {}
    error_dict = error.error_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error}
    for name, errors in error_dict.items():
        name = renamed.get(name, name)
        form.add_error(name if name in form.fields else None, errors)
