"""Forms of the work-item pages: a work item, an assignment, an Excel import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from orgs.forms import ScopedOrganizationField
from orgs.models import Organization
from plan.models import KeyTask, Plan
from qhsta.forms import BootstrapFormMixin
from qhsta.scoping import Action

from ..choices import AssignmentRole
from ..models import WorkItem
from .selectors import indicator_choices


class KeyTaskField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.number}.{obj.title}"


class WorkItemForm(BootstrapFormMixin, forms.ModelForm):
    """An annual work item; only key tasks of plans the user manages are offered (and accepted)."""

    key_task = KeyTaskField(label=_("Key task"), queryset=KeyTask.objects.none())

    class Meta:
        model = WorkItem
        fields = ["key_task", "year", "title", "description", "weight", "due_date"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "weight": forms.NumberInput(attrs={"min": 0, "step": "0.01", "inputmode": "decimal"}),
            "year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }
        labels = {"title": _("Work item"), "description": _("Content")}
        help_texts = {
            "weight": _("The work item's share of its key task, for rollups (for example 1, 2.5)."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        tasks = KeyTask.objects.restrict(user, Action.MANAGE).select_related("plan")
        self.fields["key_task"].queryset = tasks.order_by("plan", "number")
        self.fields["due_date"].input_formats = ["%Y-%m-%d", "%Y/%m/%d"]

    def clean(self):
        cleaned = super().clean()
        task, year = cleaned.get("key_task"), cleaned.get("year")
        if task and year and not task.plan.start_year <= year <= task.plan.end_year:
            self.add_error(
                "year",
                _("The year must lie within the plan (%(start)s–%(end)s).")
                % {"start": task.plan.start_year, "end": task.plan.end_year},
            )
        return cleaned

    def work_item_fields(self) -> dict:
        return {
            name: self.cleaned_data[name]
            for name in ("year", "title", "description", "weight", "due_date")
        }


class AssignmentForm(BootstrapFormMixin, forms.Form):
    """Give a work item to an organisation the user manages, inside the plan's organisations."""

    organization = ScopedOrganizationField(
        label=_("Organisation"), queryset=Organization.objects.none()
    )
    role = forms.ChoiceField(label=_("Role"), choices=AssignmentRole.choices)
    indicators = forms.ModelMultipleChoiceField(
        label=_("Indicators this organisation reports"),
        queryset=KeyTask.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user, work_item: WorkItem, **kwargs):
        super().__init__(*args, **kwargs)
        plan_org = work_item.key_task.plan.organization
        self.fields["organization"].queryset = Organization.objects.restrict(
            user, Action.MANAGE
        ).filter(path__startswith=plan_org.path, is_active=True)
        self.fields["indicators"].queryset = indicator_choices(user=user, work_item=work_item)
        self.fields["indicators"].label_from_instance = lambda i: f"{i.name}({i.unit})"


class ImportForm(BootstrapFormMixin, forms.Form):
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none(), empty_label=None)
    file = forms.FileField(
        label=_("Excel file (.xlsx)"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans
