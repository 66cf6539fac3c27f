"""Forms of the report pages: writing a report with its values, a review, an evidence upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qhsta.forms import BootstrapFormMixin
from qhsta.templatetags.portal import number

from ..models import ProgressReport
from ..services import REPORT_FIELDS, ValueInput


class ReportForm(BootstrapFormMixin, forms.ModelForm):
    """The report an officer writes, with the values of the indicators the assignment carries."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ProgressReport
        fields = REPORT_FIELDS
        widgets = {
            "narrative": forms.Textarea(attrs={"rows": 4}),
            "problems": forms.Textarea(attrs={"rows": 3}),
            "next_steps": forms.Textarea(attrs={"rows": 3}),
            "percent_complete": forms.NumberInput(
                attrs={"min": 0, "max": 100, "step": "0.01", "inputmode": "decimal"}
            ),
        }

    def __init__(self, *args, indicators=(), values=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.percent_complete is not None:
            self.initial["percent_complete"] = number(self.instance.percent_complete)
        self.fields["percent_complete"].required = False
        self.fields["progress_status"].required = False
        self.indicators = list(indicators)
        values = values or {}
        for ind in self.indicators:
            current = values.get(ind.pk)
            if ind.aggregation == "ratio":
                self.fields[f"ind_{ind.pk}_num"] = forms.DecimalField(
                    label=_("%(name)s: numerator") % {"name": ind.name},
                    required=False,
                    min_value=0,
                    initial=number(current.numerator) if current else None,
                    max_digits=20,
                    decimal_places=6,
                )
                self.fields[f"ind_{ind.pk}_den"] = forms.DecimalField(
                    label=_("%(name)s: denominator") % {"name": ind.name},
                    required=False,
                    initial=number(current.denominator) if current else None,
                    max_digits=20,
                    decimal_places=6,
                )
            else:
                self.fields[f"ind_{ind.pk}"] = forms.DecimalField(
                    label=f"{ind.name} ({ind.unit})",
                    required=False,
                    initial=number(current.value) if current else None,
                    max_digits=20,
                    decimal_places=6,
                )

        for name, field in self.fields.items():
            if name.startswith("ind_"):
                field.widget.attrs["class"] = "form-control"
                field.widget.attrs["inputmode"] = "decimal"

    def indicator_fields(self):
        return [self[name] for name in self.fields if name.startswith("ind_")]

    def value_inputs(self) -> list[ValueInput]:
        data = self.cleaned_data
        out = []
        for ind in self.indicators:
            if ind.aggregation == "ratio":
                num, den = data.get(f"ind_{ind.pk}_num"), data.get(f"ind_{ind.pk}_den")
                if num is not None or den is not None:
                    out.append(ValueInput(ind, numerator=num, denominator=den))
            elif data.get(f"ind_{ind.pk}") is not None:
                out.append(ValueInput(ind, value=data[f"ind_{ind.pk}"]))
        return out

    def report_data(self) -> dict:
        return {
            name: self.cleaned_data[name] for name in REPORT_FIELDS if name in self.cleaned_data
        }

    def add_service_errors(self, error) -> None:
        """Put a service's ValidationError next to the fields it names (or above the form)."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error.messages)
            return
        for field, messages in error.message_dict.items():
            if field.startswith("indicator_"):
                pk = field.split("_", 1)[1]
                field = next((n for n in (f"ind_{pk}_num", f"ind_{pk}") if n in self.fields), None)
            self.add_error(field if field in self.fields else None, messages)


class ReviewForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    review_comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class EvidenceForm(BootstrapFormMixin, forms.Form):
    evidence = forms.FileField(label=_("Evidence file"))
