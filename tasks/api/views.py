"""Carrying out the plan: periods, work items, assignments, reports (with their workflow),
indicator values and rollups. Every write goes through tasks.services."""

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from qhsta.api.conditional import ConditionalReadMixin
from qhsta.api.renderers import BrowsableAPIRenderer, CSVRenderer
from qhsta.scoping import Action
from qhsta.scoping.api import ScopedReadOnlyViewSet, ScopedViewSetMixin

from .. import services
from ..filters import (
    AssignmentFilter,
    IndicatorRollupFilter,
    IndicatorValueFilter,
    PeriodFilter,
    ProgressRollupFilter,
    ReportFilter,
    WorkItemFilter,
)
from ..models import (
    Assignment,
    IndicatorRollup,
    IndicatorValue,
    ProgressReport,
    ProgressRollup,
    ReportingPeriod,
    WorkItem,
)
from .serializers import (
    VALUE_COLUMNS,
    AssignmentSerializer,
    IndicatorRollupSerializer,
    PeriodSerializer,
    ProgressRollupSerializer,
    ReportOpenSerializer,
    ReportSerializer,
    ReportUpdateSerializer,
    ReturnSerializer,
    ValueCreateSerializer,
    ValueRows,
    ValueSerializer,
    ValueUpdateSerializer,
    VersionSerializer,
    WorkItemSerializer,
)

WITH_CSV = (JSONRenderer, BrowsableAPIRenderer, CSVRenderer)
ERRORS = {
    400: OpenApiResponse(description="Refused input; `errors` names each field."),
    403: OpenApiResponse(description="Visible, but the client may not do this."),
    404: OpenApiResponse(description="Not there, or outside the client's scope."),
    409: OpenApiResponse(description="Stale version: `current` says who changed it and when."),
}


class PeriodViewSet(ScopedReadOnlyViewSet):
    """Reporting periods (quarters, half-years, years) with their deadlines."""

    queryset = ReportingPeriod.objects.all()
    serializer_class = PeriodSerializer
    filterset_class = PeriodFilter
    ordering_fields = ["starts_on", "deadline", "id"]
    ordering = ["plan_id", "starts_on", "kind"]

    def narrow(self, queryset):
        return queryset.select_related("plan")


class WorkItemViewSet(ScopedReadOnlyViewSet):
    """Annual work items carrying out the key tasks."""

    queryset = WorkItem.objects.all()
    serializer_class = WorkItemSerializer
    filterset_class = WorkItemFilter
    ordering_fields = ["year", "due_date", "id"]
    ordering = ["key_task__number", "year", "id"]

    def narrow(self, queryset):
        return queryset.select_related("key_task__plan")


class AssignmentViewSet(ScopedReadOnlyViewSet):
    """Work items given to organisations (lead or supporting), with the indicators they report."""

    queryset = Assignment.objects.all()
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter
    ordering_fields = ["id", "role"]
    ordering = ["work_item_id", "role", "organization__path"]

    def narrow(self, queryset):
        return queryset.select_related("work_item__key_task", "organization").prefetch_related(
            Prefetch("indicators", to_attr=None)
        )


def _value_errors(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """The service names a value's error `indicator_<id>`; the client sent it as `names[key]`."""
    if not hasattr(exc, "error_dict"):
        return exc
    renamed = {}
    for key, messages in exc.message_dict.items():
        renamed.setdefault(names.get(key, key), []).extend(messages)
    return ValidationError(renamed)


@extend_schema_view(
    create=extend_schema(
        request=ReportOpenSerializer,
        responses={201: ReportSerializer, 200: ReportSerializer, **ERRORS},
        summary="Open (or find) the report of an assignment for a period",
    ),
    partial_update=extend_schema(
        request=ReportUpdateSerializer, responses={200: ReportSerializer, **ERRORS}
    ),
)
class ProgressReportViewSet(
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Progress reports. Officers open and save drafts (PATCH with the version they read) and
    submit them; reviewers approve or return submitted ones. A stale version answers 409."""

    queryset = ProgressReport.objects.all()
    serializer_class = ReportSerializer
    filterset_class = ReportFilter
    ordering_fields = ["id", "updated_at", "submitted_at"]
    ordering = ["-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    @property
    def write_action(self):
        return Action.REVIEW if self.action in ("approve", "return_report") else Action.REPORT

    def narrow(self, queryset):
        return queryset.select_related(
            "assignment__work_item__key_task",
            "organization",
            "period",
            "updated_by",
            "submitted_by",
            "reviewed_by",
        ).prefetch_related(
            Prefetch("indicator_values", IndicatorValue.objects.select_related("indicator"))
        )

    def _respond(self, report, code=status.HTTP_200_OK):
        report = self.get_queryset().get(pk=report.pk)
        return Response(
            ReportSerializer(report, context=self.get_serializer_context()).data, status=code
        )

    def create(self, request, *args, **kwargs):
        data = ReportOpenSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        assignment, period = data.validated_data["assignment"], data.validated_data["period"]
        existed = ProgressReport.objects.filter(
            assignment=assignment, period=period, is_latest=True
        ).exists()
        report = services.report_open(user=request.user, assignment=assignment, period=period)
        return self._respond(report, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        report = self.get_object()
        context = {**self.get_serializer_context(), "report": report}
        data = ReportUpdateSerializer(data=request.data, context=context)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        version = fields.pop("version")
        values = fields.pop("values", [])
        inputs = [services.ValueInput(**v) for v in values]
        names = {f"indicator_{v.indicator.pk}": f"values[{i}]" for i, v in enumerate(inputs)}
        try:
            report = services.report_save(
                user=request.user, report=report, version=version, data=fields, values=inputs
            )
        except ValidationError as exc:
            raise _value_errors(exc, names) from exc
        return self._respond(report)

    @extend_schema(request=VersionSerializer, responses={200: ReportSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send a complete draft (or a corrected returned report) for review."""
        report = self.get_object()
        data = VersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            report = services.report_submit(
                user=request.user, report=report, version=data.validated_data["version"]
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            # a flagged value without its explanation: PATCH values[].explanation, then submit
            names = {k: "explanation" for k in exc.error_dict if k.startswith("explanation_")}
            raise _value_errors(exc, names) from exc
        return self._respond(report)

    @extend_schema(request=VersionSerializer, responses={200: ReportSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a submitted report (reviewers; never one they submitted)."""
        report = self.get_object()
        data = VersionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        report = services.report_approve(
            user=request.user, report=report, version=data.validated_data["version"]
        )
        return self._respond(report)

    @extend_schema(request=ReturnSerializer, responses={200: ReportSerializer, **ERRORS})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_report(self, request, pk=None):
        """Send a submitted report back to its organisation with the reviewer's comment."""
        report = self.get_object()
        data = ReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            report = services.report_return(
                user=request.user,
                report=report,
                comment=data.validated_data["comment"],
                version=data.validated_data["version"],
            )
        except ValidationError as exc:
            raise _value_errors(exc, {"review_comment": "comment"}) from exc
        return self._respond(report)

    @extend_schema(request=None, responses={201: ReportSerializer, **ERRORS})
    @action(detail=True, methods=["post"])
    def correct(self, request, pk=None):
        """Start a correction of the latest approved report: a new draft revision."""
        report = self.get_object()
        new = services.report_correct(user=request.user, report=report)
        return self._respond(new, status.HTTP_201_CREATED)


@extend_schema_view(
    create=extend_schema(request=ValueCreateSerializer, responses={201: ValueSerializer, **ERRORS}),
    partial_update=extend_schema(
        request=ValueUpdateSerializer, responses={200: ValueSerializer, **ERRORS}
    ),
)
class IndicatorValueViewSet(
    ConditionalReadMixin,
    ScopedViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Indicator values per organisation and period. `?format=csv` for spreadsheets. Officers
    write them through their draft report (POST a new one; PATCH with `version` = the
    `report_version` read)."""

    queryset = IndicatorValue.objects.all()
    serializer_class = ValueSerializer
    filterset_class = IndicatorValueFilter
    renderer_classes = WITH_CSV
    write_action = Action.REPORT
    ordering_fields = ["id", "updated_at", "value"]
    ordering = ["indicator_id", "period_id", "organization__path"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    change_fields = ("updated_at", "report__updated_at")
    csv_columns = ValueSerializer.Meta.fields

    def narrow(self, queryset):
        return queryset.select_related("indicator", "organization", "period", "report")

    # Lists are the hot path of indicator clients: the page is read as plain rows (no model
    # instances) and written as ValueSerializer writes them (tests compare both, row by row).
    def paginate_queryset(self, queryset):
        if self.action == "list":
            queryset = queryset.values(*VALUE_COLUMNS)
        return super().paginate_queryset(queryset)

    def get_serializer(self, *args, **kwargs):
        if self.action == "list" and kwargs.get("many"):
            return ValueRows(args[0])
        return super().get_serializer(*args, **kwargs)

    def _respond(self, value, code=status.HTTP_200_OK):
        value = self.get_queryset().get(pk=value.pk)
        return Response(
            ValueSerializer(value, context=self.get_serializer_context()).data, status=code
        )

    def _report_for(self, data) -> ProgressReport:
        """The draft report carrying the value: the one given, else the assignment's that reports
        the indicator for the organisation (that year's, when several)."""
        indicator, org, period = data["indicator"], data["organization"], data["period"]
        if report := data.get("report"):
            if (report.organization_id, report.period_id) != (org.pk, period.pk):
                raise ValidationError(
                    {"report": _("This report is for another organisation or period.")}
                )
            if not report.assignment.indicators.filter(pk=indicator.pk).exists():
                raise ValidationError(
                    {"indicator": _("This assignment does not report this indicator.")}
                )
            return report
        candidates = list(
            Assignment.objects.restrict(self.request.user)  # report_open decides who may
            .filter(
                organization=org, indicators=indicator, work_item__key_task__plan_id=period.plan_id
            )
            .select_related("work_item")
        )
        same_year = [a for a in candidates if a.work_item.year == period.year]
        candidates = same_year or candidates
        if not candidates:
            raise ValidationError(
                {"indicator": _("No assignment of this organisation reports this indicator.")}
            )
        if len(candidates) > 1:
            raise ValidationError(
                {"report": _("Several reports could carry this value; name the report.")}
            )
        return services.report_open(user=self.request.user, assignment=candidates[0], period=period)

    def create(self, request, *args, **kwargs):
        data = ValueCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        fields = data.validated_data
        existing = IndicatorValue.objects.filter(
            indicator=fields["indicator"],
            organization=fields["organization"],
            period=fields["period"],
        ).first()
        if existing is not None:
            raise ValidationError(
                {
                    "indicator": _(
                        "This value exists already (id %(id)s); change it with PATCH and the "
                        "report_version you read."
                    )
                    % {"id": existing.pk}
                }
            )
        report = self._report_for(fields)
        value = self._save(report, report.version, fields["indicator"], fields)
        return self._respond(value, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        value = self.get_object()
        context = {**self.get_serializer_context(), "value": value}
        data = ValueUpdateSerializer(data=request.data, context=context)
        data.is_valid(raise_exception=True)
        if value.report is None:
            raise ValidationError(
                _("This value was not reported with a report; it cannot be changed here.")
            )
        fields = data.validated_data
        self._save(value.report, fields["version"], value.indicator, fields)
        return self._respond(value)

    def _save(self, report, version, indicator, fields) -> IndicatorValue:
        figures = {k: fields.get(k) for k in ("value", "numerator", "denominator", "explanation")}
        key = "numerator" if indicator.aggregation == "ratio" else "value"
        try:
            services.report_save(
                user=self.request.user,
                report=report,
                version=version,
                data={},
                values=[services.ValueInput(indicator=indicator, **figures)],
            )
        except ValidationError as exc:
            raise _value_errors(exc, {f"indicator_{indicator.pk}": key}) from exc
        return IndicatorValue.objects.get(
            indicator=indicator, organization_id=report.organization_id, period_id=report.period_id
        )


class ProgressRollupViewSet(ConditionalReadMixin, ScopedReadOnlyViewSet):
    """Progress per period of assignments, work items, key tasks, groups and the plan, for all
    organisations (`organization` null) or one organisation's subtree. `?format=csv`."""

    queryset = ProgressRollup.objects.all()
    serializer_class = ProgressRollupSerializer
    filterset_class = ProgressRollupFilter
    renderer_classes = WITH_CSV
    ordering_fields = ["id", "progress", "computed_at"]
    ordering = ["period_id", "level", "subject_id", "org_key"]
    change_fields = ("computed_at", "stale_since")
    # the explanation is JSON for clients; a spreadsheet gets the figures and the missing codes
    csv_columns = [
        "id",
        "subject.level",
        "subject.id",
        "subject.label",
        *(
            f
            for f in ProgressRollupSerializer.Meta.fields
            if f not in ("id", "subject", "explanation")
        ),
    ]

    def narrow(self, queryset):
        return queryset.select_related("period", "organization")


class IndicatorRollupViewSet(ConditionalReadMixin, ScopedReadOnlyViewSet):
    """Indicators aggregated by their own method per period, for all organisations or one
    organisation's subtree. `?format=csv`."""

    queryset = IndicatorRollup.objects.all()
    serializer_class = IndicatorRollupSerializer
    filterset_class = IndicatorRollupFilter
    renderer_classes = WITH_CSV
    ordering_fields = ["id", "value", "computed_at"]
    ordering = ["period_id", "indicator_id", "org_key"]
    change_fields = ("computed_at", "stale_since")
    csv_columns = [f for f in IndicatorRollupSerializer.Meta.fields if f != "explanation"]

    def narrow(self, queryset):
        return queryset.select_related("indicator", "period", "organization")
