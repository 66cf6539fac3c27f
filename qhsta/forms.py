"""Form helpers shared by the apps."""

from django.core.exceptions import ValidationError


def add_service_errors(form, exc: ValidationError) -> None:
    """A service's ValidationError shown next to the form's fields (or above the form)."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            target = name if name in form.fields else None
            for error in errors:
                form.add_error(target, error.messages if hasattr(error, "messages") else error)
    else:
        form.add_error(None, exc)


class BootstrapFormMixin:
    """Bootstrap classes on every widget; invalid fields marked and tied to their message."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if getattr(widget, "input_type", "") == "checkbox":
                css = "form-check-input"
            elif getattr(
                widget, "input_type", ""
            ) == "select" or widget.__class__.__name__.endswith("Select"):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].id_for_label}-error"
