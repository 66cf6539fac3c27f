"""Forms of the report pages: writing a report with its values, a review, an evidence upload."""

from django import forms
from django.utils.translation import gettext_lazy as _

from qhsta.forms import BootstrapFormMixin
from qhsta.templatetags.portal import number

from .. import plausibility
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
        self.current = values or {}
        for ind in self.indicators:
            current = self.current.get(ind.pk)
            if plausibility.feed_source(ind):
                continue  # a register feeds it: shown, never typed (see indicator_groups)
            if ind.aggregation == "ratio":
                self.fields[f"ind_{ind.pk}_num"] = forms.DecimalField(
                    label=_("%(name)s: numerator") % {"name": ind.name},
                    required=False,
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
            self.fields[f"ind_{ind.pk}_why"] = forms.CharField(
                label=_("%(name)s: explanation of an unusual value") % {"name": ind.name},
                required=False,
                max_length=5000,
                initial=current.explanation if current else "",
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Needed to submit the report when the value is flagged."),
            )

        for name, field in self.fields.items():
            if name.startswith("ind_"):
                field.widget.attrs["class"] = "form-control"
                if not name.endswith("_why"):
                    field.widget.attrs["inputmode"] = "decimal"

    def _figure_fields(self, ind) -> dict[str, str]:
        """The form fields of an indicator's figures, by figure name."""
        if ind.aggregation == "ratio":
            return {"numerator": f"ind_{ind.pk}_num", "denominator": f"ind_{ind.pk}_den"}
        return {"value": f"ind_{ind.pk}"}

    def clean(self):
        data = super().clean()
        for ind in self.indicators:
            names = self._figure_fields(ind)
            if any(n not in self.fields or n in self.errors for n in names.values()):
                continue
            figures = {figure: data.get(name) for figure, name in names.items()}
            for figure, message in plausibility.hard_errors(ind, **figures).items():
                self.add_error(names.get(figure, next(iter(names.values()))), message)
        return data

    def indicator_fields(self):
        return [self[name] for name in self.fields if name.startswith("ind_")]

    def indicator_groups(self) -> list[dict]:
        """Per indicator: its input fields and explanation, or, when a register feeds it, the
        stored figure and where it comes from; the warnings its stored value carries."""
        groups = []
        for ind in self.indicators:
            current = self.current.get(ind.pk)
            names = self._figure_fields(ind)
            fed = plausibility.feed_source(ind)
            groups.append(
                {
                    "indicator": ind,
                    "current": current,
                    "source": fed,
                    "fields": [] if fed else [self[n] for n in names.values()],
                    "explanation": None if fed else self[f"ind_{ind.pk}_why"],
                    "flags": [] if fed or current is None else self._warnings(ind, current),
                }
            )
        return groups

    @staticmethod
    def _warnings(ind, current) -> list[str]:
        """The stored value's flags, and what makes it impossible when it was stored before the
        rules refused it (so the officer knows what to correct)."""
        figures = {"value": current.value}
        if ind.aggregation == "ratio":
            figures = {"numerator": current.numerator, "denominator": current.denominator}
        impossible = list(plausibility.hard_errors(ind, **figures).values())
        return impossible + plausibility.flag_messages(current.flags)

    def value_inputs(self) -> list[ValueInput]:
        data = self.cleaned_data
        out = []
        for ind in self.indicators:
            if plausibility.feed_source(ind):
                continue
            why = data.get(f"ind_{ind.pk}_why", "")
            if ind.aggregation == "ratio":
                num, den = data.get(f"ind_{ind.pk}_num"), data.get(f"ind_{ind.pk}_den")
                if num is not None or den is not None:
                    out.append(ValueInput(ind, numerator=num, denominator=den, explanation=why))
            elif data.get(f"ind_{ind.pk}") is not None:
                out.append(ValueInput(ind, value=data[f"ind_{ind.pk}"], explanation=why))
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
            elif field.startswith("explanation_"):
                field = f"ind_{field.split('_', 1)[1]}_why"
            self.add_error(field if field in self.fields else None, messages)


class ReviewForm(BootstrapFormMixin, forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return"))])
    review_comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class EvidenceForm(BootstrapFormMixin, forms.Form):
    evidence = forms.FileField(label=_("Evidence file"))
