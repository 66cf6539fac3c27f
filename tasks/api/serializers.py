"""What clients read and send. Writes are checked for shape here and decided by tasks.services."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from orgs.models import Organization
from plan.api.serializers import number
from plan.models import Indicator
from qhsta.scoping import Action

from .. import plausibility
from ..choices import ProgressStatus
from ..models import (
    Assignment,
    IndicatorRollup,
    IndicatorValue,
    ProgressReport,
    ProgressRollup,
    ReportingPeriod,
    RollupStatus,
    WorkItem,
)


def _user(serializer):
    return serializer.context["request"].user


class StoredFigure(serializers.DecimalField):
    """A stored figure as a JSON number. One beyond the column's precision (a row SQLite took
    before the plausibility rules refused such numbers) is written as it is, not failed on:
    the list stays readable and the value can be corrected."""

    def to_representation(self, value):
        try:
            return super().to_representation(value)
        except (ArithmeticError, ValueError):
            return value


def figure(**kwargs):
    return StoredFigure(max_digits=20, decimal_places=6, coerce_to_string=False, **kwargs)


@extend_schema_field(OpenApiTypes.INT)  # ids are integers; the schema cannot see the model
class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """A related row named by id, found only among the rows the client may `action`."""

    def __init__(self, model, action: Action = Action.VIEW, **kwargs):
        self.model, self.action = model, action
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.model._default_manager.restrict(_user(self), self.action)


class PeriodSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="plan.code", read_only=True)

    class Meta:
        model = ReportingPeriod
        fields = [
            "id",
            "plan",
            "kind",
            "year",
            "number",
            "label",
            "starts_on",
            "ends_on",
            "deadline",
            "closed_at",
        ]


class WorkItemSerializer(serializers.ModelSerializer):
    plan = serializers.CharField(source="key_task.plan.code", read_only=True)
    task = serializers.IntegerField(source="key_task_id", read_only=True)
    task_number = serializers.IntegerField(source="key_task.number", read_only=True)
    group = serializers.IntegerField(source="key_task.group_id", read_only=True)
    weight = number(read_only=True)

    class Meta:
        model = WorkItem
        fields = [
            "id",
            "plan",
            "group",
            "task",
            "task_number",
            "year",
            "title",
            "description",
            "weight",
            "due_date",
            "updated_at",
        ]


class AssignmentSerializer(serializers.ModelSerializer):
    task_number = serializers.IntegerField(source="work_item.key_task.number", read_only=True)
    year = serializers.IntegerField(source="work_item.year", read_only=True)
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    indicators = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id",
            "work_item",
            "task_number",
            "year",
            "organization",
            "organization_name",
            "role",
            "indicators",
        ]


# ---- indicator values ------------------------------------------------------------------------


class ValueSerializer(serializers.ModelSerializer):
    """An organisation's value of an indicator for a period; `status` is its review state."""

    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    organization = serializers.CharField(source="organization.code", read_only=True)
    organization_name = serializers.CharField(source="organization.name", read_only=True)
    period_label = serializers.CharField(source="period.label", read_only=True)
    value = figure(read_only=True, allow_null=True)
    numerator = figure(read_only=True, allow_null=True)
    denominator = figure(read_only=True, allow_null=True)
    status = serializers.CharField(source="state", read_only=True)
    report_version = serializers.IntegerField(
        source="report.version", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "id",
            "indicator",
            "indicator_code",
            "organization",
            "organization_name",
            "period",
            "period_label",
            "value",
            "numerator",
            "denominator",
            "status",
            "report",
            "report_version",
            "updated_at",
        ]
        read_only_fields = fields


VALUE_COLUMNS = (
    "id",
    "indicator_id",
    "indicator__code",
    "organization__code",
    "organization__name",
    "period_id",
    "period__kind",
    "period__year",
    "period__number",
    "value",
    "numerator",
    "denominator",
    "state",
    "report_id",
    "report__version",
    "updated_at",
)


class ValueRows:
    """A page of indicator values read with `.values(*VALUE_COLUMNS)`, written exactly as
    ValueSerializer writes one value (without building a model instance per row)."""

    def __init__(self, rows):
        self.rows = rows

    @property
    def data(self) -> list[dict]:
        stored = figure()
        moment = serializers.DateTimeField()
        labels: dict = {}

        def label(row) -> str:
            key = row["period_id"]
            if key not in labels:
                period = ReportingPeriod(
                    kind=row["period__kind"], year=row["period__year"], number=row["period__number"]
                )
                labels[key] = period.label
            return labels[key]

        def decimal(value):
            return None if value is None else stored.to_representation(value)

        return [
            {
                "id": row["id"],
                "indicator": row["indicator_id"],
                "indicator_code": row["indicator__code"],
                "organization": row["organization__code"],
                "organization_name": row["organization__name"],
                "period": row["period_id"],
                "period_label": label(row),
                "value": decimal(row["value"]),
                "numerator": decimal(row["numerator"]),
                "denominator": decimal(row["denominator"]),
                "status": row["state"],
                "report": row["report_id"],
                "report_version": row["report__version"],
                "updated_at": moment.to_representation(row["updated_at"]),
            }
            for row in self.rows
        ]


class _Figures(serializers.Serializer):
    value = number(required=False, allow_null=True)
    numerator = number(required=False, allow_null=True)
    denominator = number(required=False, allow_null=True)
    explanation = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text=_(
            "Why an unusual value is right; a value the plausibility rules flag cannot be "
            "submitted without it."
        ),
    )

    def check_figures(self, indicator: Indicator, attrs: dict) -> dict:
        """The input's shape for the indicator and tasks.plausibility's hard rules (the same
        the report form and the service apply), each error on the field it is about."""
        if read_only := plausibility.read_only_error(indicator):
            raise serializers.ValidationError(
                {"numerator" if indicator.aggregation == "ratio" else "value": read_only}
            )
        if indicator.aggregation == "ratio":
            if attrs.get("value") is not None:
                raise serializers.ValidationError(
                    {"value": _("This is a ratio indicator: give its numerator and denominator.")}
                )
        elif attrs.get("numerator") is not None or attrs.get("denominator") is not None:
            raise serializers.ValidationError(
                {"numerator": _("This indicator takes a value, not a numerator and denominator.")}
            )
        figures = {k: attrs.get(k) for k in ("value", "numerator", "denominator")}
        if errors := plausibility.hard_errors(indicator, **figures):
            raise serializers.ValidationError(errors)
        return attrs


class ValueCreateSerializer(_Figures):
    indicator = ScopedPrimaryKeyField(Indicator)
    organization = serializers.SlugRelatedField(
        slug_field="code", queryset=Organization.objects.none(), help_text=_("Its code.")
    )
    period = ScopedPrimaryKeyField(ReportingPeriod)
    report = ScopedPrimaryKeyField(
        ProgressReport,
        required=False,
        help_text=_("The report to carry the value; needed only when several could."),
    )

    def get_fields(self):
        fields = super().get_fields()
        fields["organization"].queryset = Organization.objects.restrict(_user(self))
        return fields

    def validate(self, attrs):
        return self.check_figures(attrs["indicator"], attrs)


class ValueUpdateSerializer(_Figures):
    version = serializers.IntegerField(
        help_text=_("report_version as read: a stale one answers 409 with who changed it and when.")
    )

    def validate(self, attrs):
        return self.check_figures(self.context["value"].indicator, attrs)


# ---- reports ---------------------------------------------------------------------------------


class FlagSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("range or change"))
    message = serializers.CharField()


class ReportValueSerializer(serializers.ModelSerializer):
    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    value = figure(read_only=True, allow_null=True)
    numerator = figure(read_only=True, allow_null=True)
    denominator = figure(read_only=True, allow_null=True)
    flags = serializers.SerializerMethodField(
        help_text=_("What the plausibility rules found unusual; explain it before submitting.")
    )
    fed_by = serializers.SerializerMethodField(
        help_text=_("Where the value comes from when a register feeds it (read-only), else null.")
    )

    class Meta:
        model = IndicatorValue
        fields = [
            "indicator",
            "indicator_code",
            "value",
            "numerator",
            "denominator",
            "flags",
            "explanation",
            "fed_by",
        ]
        read_only_fields = fields

    @extend_schema_field(FlagSerializer(many=True))
    def get_flags(self, row) -> list[dict]:
        return [
            {"code": flag.get("code", ""), "message": plausibility.flag_message(flag)}
            for flag in row.flags or ()
        ]

    @extend_schema_field(OpenApiTypes.STR)
    def get_fed_by(self, row) -> str | None:
        return plausibility.feed_source(row.indicator)


class ReportSerializer(serializers.ModelSerializer):
    work_item = serializers.IntegerField(source="assignment.work_item_id", read_only=True)
    task_number = serializers.IntegerField(
        source="assignment.work_item.key_task.number", read_only=True
    )
    organization = serializers.CharField(source="organization.code", read_only=True)
    period_label = serializers.CharField(source="period.label", read_only=True)
    percent_complete = serializers.DecimalField(
        max_digits=5, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True
    )
    updated_by = serializers.CharField(
        source="updated_by.username", read_only=True, allow_null=True, default=None
    )
    submitted_by = serializers.CharField(
        source="submitted_by.username", read_only=True, allow_null=True, default=None
    )
    reviewed_by = serializers.CharField(
        source="reviewed_by.username", read_only=True, allow_null=True, default=None
    )
    values = ReportValueSerializer(source="indicator_values", many=True, read_only=True)
    progress_status = serializers.ChoiceField(
        choices=ProgressStatus.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = ProgressReport
        fields = [
            "id",
            "assignment",
            "work_item",
            "task_number",
            "organization",
            "period",
            "period_label",
            "revision",
            "is_latest",
            "state",
            "version",
            "nothing_to_report",
            "percent_complete",
            "progress_status",
            "narrative",
            "problems",
            "next_steps",
            "review_comment",
            "values",
            "updated_at",
            "updated_by",
            "submitted_at",
            "submitted_by",
            "reviewed_at",
            "reviewed_by",
        ]
        read_only_fields = fields


class ReportOpenSerializer(serializers.Serializer):
    assignment = ScopedPrimaryKeyField(Assignment)  # visible; the service decides who reports
    period = ScopedPrimaryKeyField(ReportingPeriod)


class ReportValueInputSerializer(_Figures):
    indicator = ScopedPrimaryKeyField(Indicator)

    def validate(self, attrs):
        return self.check_figures(attrs["indicator"], attrs)


class ReportUpdateSerializer(serializers.Serializer):
    """A draft's fields (any of them) and indicator values, with the version the client read."""

    version = serializers.IntegerField(
        help_text=_("The report's version as read: a stale one answers 409 with who changed it.")
    )
    nothing_to_report = serializers.BooleanField(required=False)
    percent_complete = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, coerce_to_string=False
    )
    progress_status = serializers.ChoiceField(
        choices=ProgressStatus.choices, required=False, allow_blank=True
    )
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    problems = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    next_steps = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    values = ReportValueInputSerializer(many=True, required=False)

    def validate_values(self, values):
        report = self.context["report"]
        carried = {i.pk for i in report.assignment.indicators.all()}
        errors, seen = [], set()
        for item in values:
            pk = item["indicator"].pk
            if pk not in carried:
                errors.append({"indicator": [_("This assignment does not report this indicator.")]})
            elif pk in seen:
                errors.append({"indicator": [_("This indicator is given twice.")]})
            else:
                errors.append({})
            seen.add(pk)
        if any(errors):
            raise serializers.ValidationError(errors)
        return values


class VersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        help_text=_("The report's version as read: a stale one answers 409 with who changed it.")
    )


class ReturnSerializer(VersionSerializer):
    comment = serializers.CharField(
        allow_blank=True, max_length=5000, help_text=_("What has to change before approval.")
    )


# ---- rollups ---------------------------------------------------------------------------------


class SubjectSerializer(serializers.Serializer):
    level = serializers.CharField()
    id = serializers.IntegerField()
    label = serializers.CharField(allow_null=True)


class RollupListSerializer(serializers.ListSerializer):
    """Names the subjects of a page of rollups with one query per level on the page."""

    def to_representation(self, data):
        rows = list(data.all() if hasattr(data, "all") else data)
        self.child.context["subject_labels"] = subject_labels(rows)
        return super().to_representation(rows)


def subject_labels(rows) -> dict:
    from plan.models import KeyTask, Plan, TaskGroup

    wanted: dict[str, set] = {}
    for row in rows:
        wanted.setdefault(row.level, set()).add(row.subject_id)
    labels = {}
    if ids := wanted.get("assignment"):
        for a in Assignment.objects.filter(pk__in=ids).select_related("work_item", "organization"):
            labels["assignment", a.pk] = f"{a.work_item.title} · {a.organization.name}"
    if ids := wanted.get("work_item"):
        labels.update(
            {
                ("work_item", pk): t
                for pk, t in WorkItem.objects.filter(pk__in=ids).values_list("pk", "title")
            }
        )
    if ids := wanted.get("key_task"):
        for pk, n, t in KeyTask.objects.filter(pk__in=ids).values_list("pk", "number", "title"):
            labels["key_task", pk] = f"{n}.{t}"
    if ids := wanted.get("group"):
        for pk, lbl, t in TaskGroup.objects.filter(pk__in=ids).values_list("pk", "label", "title"):
            labels["group", pk] = f"{lbl}{t}"
    if ids := wanted.get("plan"):
        for pk, s, t in Plan.objects.filter(pk__in=ids).values_list("pk", "short_title", "title"):
            labels["plan", pk] = s or t
    return labels


class ExplainedFigure(serializers.Serializer):
    """A stored rollup figure's explanation and the organisations missing from it."""

    missing = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=_("Codes of the organisations whose figure is missing from this one."),
    )
    explanation = serializers.DictField(
        read_only=True,
        help_text=_(
            "How the figure was computed: the method, the children it came from (each with its "
            "figure, weight, and whether it was missing or stale)."
        ),
    )
    carried = serializers.SerializerMethodField(
        help_text=_(
            "How many of the figures counted are carried from an earlier period (no newer "
            "approved report or value): 0 when every one is of this period."
        )
    )
    carried_from = serializers.SerializerMethodField(
        help_text=_("The latest earlier period a carried figure comes from (沿用), or null.")
    )
    carried_from_label = serializers.SerializerMethodField(
        help_text=_("That period's label, e.g. 2025年第3季度.")
    )

    def get_carried(self, row) -> int:
        return int((row.explanation or {}).get("carried") or 0)

    def get_carried_from(self, row) -> int | None:
        return (row.explanation or {}).get("carried_from") or None

    def get_carried_from_label(self, row) -> str | None:
        labels = self.context.get("period_labels")
        if labels is None:  # once per response, whatever the rows (a constant query count)
            labels = self.context["period_labels"] = {
                p.pk: p.label for p in ReportingPeriod.objects.all()
            }
        return labels.get(self.get_carried_from(row))


class ProgressRollupSerializer(ExplainedFigure, serializers.ModelSerializer):
    """Progress of one subject in one period, for all organisations (organization null) or for
    one organisation's subtree."""

    subject = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=RollupStatus.choices, allow_blank=True, read_only=True)
    period_label = serializers.CharField(source="period.label", read_only=True)
    organization = serializers.CharField(
        source="organization.code", read_only=True, allow_null=True, default=None
    )
    progress = serializers.DecimalField(
        max_digits=6, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True
    )
    expected_progress = serializers.DecimalField(
        max_digits=6, decimal_places=2, coerce_to_string=False, read_only=True, allow_null=True
    )

    class Meta:
        model = ProgressRollup
        list_serializer_class = RollupListSerializer
        fields = [
            "id",
            "subject",
            "period",
            "period_label",
            "organization",
            "progress",
            "expected_progress",
            "status",
            "reported",
            "expected",
            "missing",
            "carried",
            "carried_from",
            "carried_from_label",
            "explanation",
            "computed_at",
            "stale",
            "stale_since",
        ]
        read_only_fields = fields

    @extend_schema_field(SubjectSerializer)
    def get_subject(self, row) -> dict:
        labels = self.context.get("subject_labels")
        if labels is None:
            labels = self.context["subject_labels"] = subject_labels([row])
        return {
            "level": row.level,
            "id": row.subject_id,
            "label": labels.get((row.level, row.subject_id)),
        }


class IndicatorRollupSerializer(ExplainedFigure, serializers.ModelSerializer):
    """An indicator's aggregate in one period (its own method: sum, mean, ratio …)."""

    indicator_code = serializers.CharField(source="indicator.code", read_only=True)
    period_label = serializers.CharField(source="period.label", read_only=True)
    organization = serializers.CharField(
        source="organization.code", read_only=True, allow_null=True, default=None
    )
    value = number(read_only=True, allow_null=True)
    numerator = number(read_only=True, allow_null=True)
    denominator = number(read_only=True, allow_null=True)

    class Meta:
        model = IndicatorRollup
        fields = [
            "id",
            "indicator",
            "indicator_code",
            "period",
            "period_label",
            "organization",
            "value",
            "numerator",
            "denominator",
            "method",
            "reported",
            "expected",
            "missing",
            "carried",
            "carried_from",
            "carried_from_label",
            "explanation",
            "computed_at",
            "stale",
            "stale_since",
        ]
        read_only_fields = fields
