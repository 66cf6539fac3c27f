"""Writes for carrying out the plan: periods, work items, assignments, reports and their review."""

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.audit import audit_log
from orgs.choices import AccessEventKind, Outcome
from orgs.models import Organization
from plan.models import Indicator, KeyTask, Plan
from qhsta.conflicts import VersionConflict
from qhsta.scoping import Action, user_can

from . import plausibility
from .authorship import report_writers
from .choices import AssignmentRole, PeriodKind, ProgressStatus, ReportState
from .evidence import ALLOWED_EVIDENCE, evidence_download_name  # noqa: F401
from .models import Assignment, Evidence, IndicatorValue, ProgressReport, ReportingPeriod, WorkItem

REPORT_FIELDS = (
    "nothing_to_report",
    "percent_complete",
    "progress_status",
    "narrative",
    "problems",
    "next_steps",
)


class ReportConflict(VersionConflict):
    """Someone else saved the report since this copy was loaded."""

    def __init__(self, current: ProgressReport):
        self.current = current
        super().__init__(f"report {current.pk} is at version {current.version}")


def _require(user, action: Action, obj, message: str) -> None:
    if not user_can(user, action, obj):
        raise PermissionDenied(message)


# ---- periods -------------------------------------------------------------------------------


def _period_bounds(kind: str, year: int) -> list[tuple[int, dt.date, dt.date]]:
    if kind == PeriodKind.YEAR:
        return [(1, dt.date(year, 1, 1), dt.date(year, 12, 31))]
    months = 3 if kind == PeriodKind.QUARTER else 6
    bounds = []
    for n in range(1, 12 // months + 1):
        start = dt.date(year, (n - 1) * months + 1, 1)
        end_month = n * months
        end = dt.date(year + end_month // 12, end_month % 12 + 1, 1) - dt.timedelta(days=1)
        bounds.append((n, start, end))
    return bounds


def periods_generate(*, plan: Plan, kind: str, deadline_days: int = 15, actor=None) -> int:
    """Create the plan's reporting periods of one kind for every year of the plan; keeps existing
    ones. `actor` None is the system itself (data loaders)."""
    if actor is not None:
        _require(
            actor, Action.MANAGE, plan, _("Only the plan's administrators set reporting periods.")
        )
    if not 0 <= deadline_days <= 120:
        raise ValidationError({"deadline_days": _("Give between 0 and 120 days.")})
    with transaction.atomic():
        created = _periods_create(plan, kind, deadline_days)
    if actor is not None:
        audit_log(
            AccessEventKind.CONFIG_CHANGE,
            actor=actor,
            obj=plan,
            detail=f"reporting periods {kind}: {created} created, deadline +{deadline_days} days",
        )
    return created


def _periods_create(plan: Plan, kind: str, deadline_days: int) -> int:
    created = 0
    for year in range(plan.start_year, plan.end_year + 1):
        for number, start, end in _period_bounds(kind, year):
            _, was_created = ReportingPeriod.objects.get_or_create(
                plan=plan,
                kind=kind,
                year=year,
                number=number,
                defaults={
                    "starts_on": start,
                    "ends_on": end,
                    "deadline": end + dt.timedelta(days=deadline_days),
                },
            )
            created += was_created
    return created


def period_set_deadline(*, actor, period: ReportingPeriod, deadline: dt.date) -> ReportingPeriod:
    """Move a period's reporting deadline (not before the period starts)."""
    _require(
        actor,
        Action.MANAGE,
        period.plan,
        _("Only the plan's administrators set reporting periods."),
    )
    if deadline < period.starts_on:
        raise ValidationError({"deadline": _("The deadline cannot be before the period starts.")})
    before = period.deadline
    period.deadline = deadline
    period.save(update_fields=["deadline"])
    audit_log(
        AccessEventKind.CONFIG_CHANGE,
        actor=actor,
        obj=period,
        organization=period.plan.organization,
        detail=f"deadline {before} → {deadline}",
    )
    return period


def period_close(*, actor, period: ReportingPeriod) -> ReportingPeriod:
    """Close a reporting period (the province's administrators, who manage the plan).

    A closed period takes no more reports: officers cannot start, save, submit or correct a report
    of it (reports already submitted can still be reviewed); nothing of it is reminded or shown as
    overdue. Its figures stay as they are. Closing again changes nothing; `period_reopen` undoes it.
    """
    _require(
        actor,
        Action.MANAGE,
        period.plan,
        _("Only the plan's administrators close reporting periods."),
    )
    ReportingPeriod.objects.filter(pk=period.pk, closed_at__isnull=True).update(
        closed_at=timezone.now(), closed_by=actor
    )
    period.refresh_from_db(fields=["closed_at", "closed_by"])
    return period


def period_reopen(*, actor, period: ReportingPeriod) -> ReportingPeriod:
    """Open a closed reporting period again: reports, reminders and overdue marks come back."""
    _require(
        actor,
        Action.MANAGE,
        period.plan,
        _("Only the plan's administrators close reporting periods."),
    )
    ReportingPeriod.objects.filter(pk=period.pk).update(closed_at=None, closed_by=None)
    period.refresh_from_db(fields=["closed_at", "closed_by"])
    return period


def _require_open(period: ReportingPeriod) -> None:
    """Refuse a report's writing, submission or correction when its period is closed."""
    closed_at = ReportingPeriod.objects.filter(pk=period.pk).values_list("closed_at", flat=True)
    closed_at = closed_at.first()
    if closed_at is not None:
        raise ValidationError(
            _(
                "Reporting for %(period)s was closed on %(date)s; it takes no new or changed "
                "reports. Ask the provincial STA to reopen it if a report is still needed."
            )
            % {"period": period.label, "date": timezone.localdate(closed_at).isoformat()}
        )


# ---- plausibility rules --------------------------------------------------------------------

RULE_FIELDS = (
    "minimum",
    "maximum",
    "allow_negative",
    "numerator_may_exceed_denominator",
    "expected_min",
    "expected_max",
    "max_change",
)


def indicator_rule_save(*, actor, indicator: Indicator, **fields):
    """Set an indicator's plausibility rules (empty fields take the unit's defaults); only the
    plan's administrators may. Values already stored are judged by the new rules when they are
    next saved or submitted."""
    from .models import IndicatorRule

    _require(
        actor,
        Action.MANAGE,
        indicator.plan,
        _("Only the plan's administrators set the plausibility rules."),
    )
    rule = IndicatorRule.objects.filter(indicator=indicator).first() or IndicatorRule(
        indicator=indicator
    )
    for name in RULE_FIELDS:
        if name in fields:
            setattr(rule, name, fields[name])
    rule.full_clean()
    rule.save()
    indicator.rule = rule
    return rule


# ---- work items and assignments ------------------------------------------------------------


def work_item_save(
    *, actor, key_task: KeyTask, work_item: WorkItem | None = None, **fields
) -> WorkItem:
    """Create or change an annual work item; only those who manage the plan's STA may."""
    _require(
        actor, Action.MANAGE, key_task.plan, _("Only the plan's administrators set work items.")
    )
    item = work_item or WorkItem(key_task=key_task)
    for name, value in fields.items():
        setattr(item, name, value)
    item.key_task = key_task
    item.full_clean()
    item._history_user = actor
    item.save()
    return item


def assignment_save(
    *,
    actor,
    work_item: WorkItem,
    organization: Organization,
    role: str,
    indicators=None,
) -> Assignment:
    """Assign a work item to an organisation (one lead, any number supporting); `indicators`,
    when given (even empty), become the indicators the organisation reports."""
    _require(
        actor,
        Action.MANAGE,
        work_item.key_task.plan,
        _("Only the plan's administrators assign work."),
    )
    assignment = Assignment.objects.filter(work_item=work_item, organization=organization).first()
    assignment = assignment or Assignment(work_item=work_item, organization=organization)
    one_lead = ValidationError({"role": _("This work item already has a lead organisation.")})
    if role == AssignmentRole.LEAD:
        other_lead = work_item.assignments.filter(role=AssignmentRole.LEAD).exclude(
            organization=organization
        )
        if other_lead.exists():
            raise one_lead
    assignment.role = role
    assignment.full_clean(validate_constraints=False)
    assignment._history_user = actor
    try:
        with transaction.atomic():
            assignment.save()
            if indicators is not None:
                assignment.indicators.set(indicators)
    except IntegrityError as exc:  # two administrators naming a lead at the same moment
        raise one_lead from exc
    return assignment


def assignment_remove(*, actor, assignment: Assignment) -> None:
    """Withdraw an assignment that has no report yet (reports are never deleted with it)."""
    _require(
        actor,
        Action.MANAGE,
        assignment.work_item.key_task.plan,
        _("Only the plan's administrators assign work."),
    )
    if assignment.reports.exists():
        raise ValidationError(
            _("%(org)s has already reported on this work item; its assignment cannot be removed.")
            % {"org": assignment.organization.display_name}
        )
    assignment._history_user = actor
    assignment.delete()


# ---- reports -------------------------------------------------------------------------------


def report_open(*, user, assignment: Assignment, period: ReportingPeriod) -> ProgressReport:
    """The latest revision of the report for `assignment` and `period`, created as a draft if missing."""
    _require(user, Action.REPORT, assignment, _("You may not report for this organisation."))
    existing = ProgressReport.objects.filter(
        assignment=assignment, period=period, is_latest=True
    ).first()
    if existing is not None:
        return existing
    if period.plan_id != assignment.work_item.key_task.plan_id:
        raise ValidationError(_("This period belongs to another plan."))
    _require_open(period)
    report = ProgressReport(
        assignment=assignment, period=period, organization=assignment.organization, updated_by=user
    )
    report._history_user = user
    with transaction.atomic():
        report.save()
    return report


@dataclass
class ValueInput:
    indicator: Indicator
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    explanation: str | None = None  # None keeps the stored one


def _check_values(values: list[ValueInput]) -> dict:
    """tasks.plausibility's hard rules and read-only (register-fed) indicators; keyed
    `indicator_<id>`, each message naming the field it is about."""
    labels = {
        "value": _("value"),
        "numerator": _("numerator"),
        "denominator": _("denominator"),
    }
    errors = {}
    for v in values:
        key = f"indicator_{v.indicator.pk}"
        if read_only := plausibility.read_only_error(v.indicator):
            errors[key] = read_only
            continue
        found = plausibility.hard_errors(
            v.indicator, value=v.value, numerator=v.numerator, denominator=v.denominator
        )
        if found:
            errors[key] = [
                _("%(indicator)s, %(field)s: %(message)s")
                % {"indicator": v.indicator.name, "field": labels[name], "message": message}
                for name, message in found.items()
            ]
    return errors


def _apply(report: ProgressReport, data: dict) -> None:
    for name in REPORT_FIELDS:
        if name in data:
            setattr(report, name, data[name])


def report_save(
    *, user, report: ProgressReport, version: int, data: dict, values: list[ValueInput] = ()
) -> ProgressReport:
    """Save a draft (or returned) report; refuses a stale `version` with ReportConflict."""
    _require(user, Action.REPORT, report, _("You may not report for this organisation."))
    if not report.editable:
        raise ValidationError(
            _("This report can no longer be changed; start a correction instead.")
        )
    _require_open(report.period)
    errors = _check_values(values)
    candidate = ProgressReport.objects.get(pk=report.pk)
    _apply(candidate, data)
    try:
        candidate.full_clean(
            exclude=["assignment", "period", "organization"], validate_constraints=False
        )
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # compare-and-set on the version: exactly one of two concurrent saves wins
        won = ProgressReport.objects.filter(pk=report.pk, version=version).update(
            version=F("version") + 1
        )
        if not won:
            raise ReportConflict(
                ProgressReport.objects.select_related("updated_by").get(pk=report.pk)
            )
        candidate.version = version + 1
        candidate.updated_by = user
        candidate._history_user = user
        candidate.save()
        _save_values(user, candidate, values)
    return candidate


def _save_values(user, report: ProgressReport, values) -> None:
    for v in values:
        row, _ = IndicatorValue.objects.get_or_create(
            indicator=v.indicator, organization=report.organization, period=report.period
        )
        if v.indicator.aggregation == "ratio" and v.numerator is not None:
            value = plausibility.derived_value(v.indicator, v.numerator, v.denominator)
        else:
            value = v.value
        row.value, row.numerator, row.denominator = value, v.numerator, v.denominator
        row.flags = plausibility.flags_for(
            v.indicator, report.organization_id, report.period, value
        )
        if v.explanation is not None:
            row.explanation = v.explanation.strip()
        row.report, row.state, row.updated_by = report, report.state, user
        row._history_user = user
        row.save()


def _require_explained(report: ProgressReport) -> None:
    """Every value of the report that the soft rules flag (looked at again now: the period
    before may have been approved since) carries an explanation."""
    errors = {}
    for row in IndicatorValue.objects.filter(report=report).select_related("indicator"):
        if plausibility.feed_source(row.indicator):
            continue
        flags = plausibility.flags_for(row.indicator, row.organization_id, report.period, row.value)
        if flags != row.flags:
            row.flags = flags
            row.save(update_fields=["flags", "updated_at"])
        if flags and not row.explanation.strip():
            errors[f"explanation_{row.indicator_id}"] = plausibility.explanation_needed(
                row.indicator, flags
            )
    if errors:
        raise ValidationError(errors)


def _require_complete(report: ProgressReport) -> None:
    if report.nothing_to_report:
        return
    errors = {}
    if report.percent_complete is None:
        errors["percent_complete"] = _(
            "Give the percent complete, or answer that there is nothing to report."
        )
    if not report.progress_status:
        errors["progress_status"] = _("Choose how the work is going.")
    if not report.narrative.strip():
        errors["narrative"] = _("Describe the progress made.")
    if (
        report.progress_status in (ProgressStatus.DELAYED, ProgressStatus.AT_RISK)
        and not report.problems.strip()
    ):
        errors["problems"] = _("A delayed or at-risk item needs the problems that hold it up.")
    if errors:
        raise ValidationError(errors)


def _transition(
    report: ProgressReport, *, user, version: int | None, to: str, allowed: tuple, **fields
) -> ProgressReport:
    with transaction.atomic():
        match = ProgressReport.objects.filter(pk=report.pk, state__in=allowed, is_latest=True)
        if version is not None:
            match = match.filter(version=version)
        if not match.update(version=F("version") + 1, state=to):
            current = ProgressReport.objects.select_related("updated_by").get(pk=report.pk)
            if version is not None and current.version != version:
                raise ReportConflict(current)
            raise ValidationError(
                _("This report is %(state)s and cannot go there.")
                % {"state": current.get_state_display()}
            )
        report.refresh_from_db()
        for name, value in fields.items():
            setattr(report, name, value)
        report._history_user = user
        report.save()
        IndicatorValue.objects.filter(report=report).update(state=to)
        if to == ReportState.APPROVED:
            from .rollups.outbox import rollup_request

            rollup_request(report)  # outbox row in this transaction, published after commit
    return report


def report_submit(*, user, report: ProgressReport, version: int) -> ProgressReport:
    """Send a complete draft (or a corrected returned report) for review."""
    _require(user, Action.REPORT, report, _("You may not report for this organisation."))
    _require_open(report.period)
    _require_complete(report)
    _require_explained(report)
    now = timezone.now()
    return _transition(
        report,
        user=user,
        version=version,
        to=ReportState.SUBMITTED,
        allowed=(ReportState.DRAFT, ReportState.RETURNED),
        submitted_at=now,
        submitted_by=user,
        updated_by=user,
    )


def review_refusal(
    user, report: ProgressReport, *, writers: set[int] | None = None, in_scope: bool = False
) -> str:
    """Why `user` may not approve or return `report` ("" when they may): reviewers review only
    inside their scope, and never a report they submitted or whose content they wrote or edited
    at any revision (approval independence). The review queue, which reads a page of reports
    through the reviewer's scope at once, passes their `writers` and `in_scope`."""
    if not in_scope and not user_can(user, Action.REVIEW, report):
        return _("You may not review reports of this organisation.")
    if report.submitted_by_id == user.pk:
        return _("You cannot review a report you submitted yourself.")
    if writers is None:
        writers = report_writers(reports=[report])[report.pk]
    if user.pk in writers:
        return _(
            "You cannot review a report whose content you wrote or edited (at any revision); "
            "another reviewer has to."
        )
    return ""


def _check_reviewer(user, report: ProgressReport, what: str) -> None:
    refusal = review_refusal(user, report)
    if refusal:
        audit_log(
            AccessEventKind.DENIED_WRITE,
            actor=user,
            obj=report,
            outcome=Outcome.FAILURE,
            detail=f"{what}: {refusal}",
        )
        error = PermissionDenied(refusal)
        error.access_logged = True
        raise error


def report_approve(*, user, report: ProgressReport, version: int | None = None) -> ProgressReport:
    """Approve a submitted report; it is locked from then on."""
    _check_reviewer(user, report, "approve")
    report = _transition(
        report,
        user=user,
        version=version,
        to=ReportState.APPROVED,
        allowed=(ReportState.SUBMITTED,),
        reviewed_at=timezone.now(),
        reviewed_by=user,
    )
    audit_log(AccessEventKind.REPORT_APPROVED, actor=user, obj=report)
    return report


def report_return(
    *, user, report: ProgressReport, comment: str, version: int | None = None
) -> ProgressReport:
    """Send a submitted report back to its organisation with the reviewer's comment."""
    _check_reviewer(user, report, "return")
    if not comment.strip():
        raise ValidationError(
            {"review_comment": _("Say what has to change before the report can be approved.")}
        )
    report = _transition(
        report,
        user=user,
        version=version,
        to=ReportState.RETURNED,
        allowed=(ReportState.SUBMITTED,),
        reviewed_at=timezone.now(),
        reviewed_by=user,
        review_comment=comment.strip(),
    )
    audit_log(AccessEventKind.REPORT_RETURNED, actor=user, obj=report)
    return report


def reports_bulk_approve(*, user, reports) -> tuple[list[ProgressReport], dict[int, str]]:
    """Approve many submitted reports; each one that cannot be approved is reported with the reason."""
    approved, refused = [], {}
    for report in reports:
        try:
            approved.append(report_approve(user=user, report=report))
        except (PermissionDenied, ValidationError, ReportConflict) as exc:
            refused[report.pk] = " ".join(getattr(exc, "messages", [str(exc)]))
    return approved, refused


def report_correct(*, user, report: ProgressReport) -> ProgressReport:
    """Start a correction of an approved report: a new draft revision; the approved one stays readable."""
    _require(user, Action.REPORT, report, _("You may not report for this organisation."))
    _require_open(report.period)
    with transaction.atomic():
        if not ProgressReport.objects.filter(
            pk=report.pk, is_latest=True, state=ReportState.APPROVED
        ).update(is_latest=False):
            raise ValidationError(_("Only the latest approved report can be corrected."))
        new = ProgressReport(
            assignment=report.assignment,
            period=report.period,
            organization=report.organization,
            revision=report.revision + 1,
            updated_by=user,
            **{name: getattr(report, name) for name in REPORT_FIELDS},
        )
        new._history_user = user
        new.save()
        for ev in report.evidence.all():
            Evidence.objects.create(
                report=new,
                file=ev.file.name,
                original_name=ev.original_name,
                content_type=ev.content_type,
                size=ev.size,
                sha256=ev.sha256,
                uploaded_by=ev.uploaded_by,
            )
        IndicatorValue.objects.filter(report=report).update(report=new, state=ReportState.DRAFT)
        from .rollups.outbox import rollup_correcting

        rollup_correcting(report)  # figures resting on it show stale until it is approved
    return new


# ---- evidence ------------------------------------------------------------------------------


def evidence_add(*, user, report: ProgressReport, upload) -> Evidence:
    """Attach a file: size-limited, type-checked by its content, stored under a random name."""
    import filetype

    _require(user, Action.REPORT, report, _("You may not report for this organisation."))
    if not report.editable:
        raise ValidationError(
            _("This report can no longer be changed; start a correction instead.")
        )
    _require_open(report.period)
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            {"evidence": _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)}}
        )
    head = upload.read(8192)
    upload.seek(0)
    kind = filetype.guess(head)
    if kind is None or kind.mime not in ALLOWED_EVIDENCE:
        raise ValidationError(
            {
                "evidence": _(
                    "Only PDF, Office documents and images are accepted; this file is not one of them."
                )
            }
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    original = (upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:255] or "file"
    upload.name = f"{uuid.uuid4().hex}.{ALLOWED_EVIDENCE[kind.mime]}"
    return Evidence.objects.create(
        report=report,
        file=upload,
        original_name=original,
        content_type=kind.mime,
        size=upload.size,
        sha256=digest.hexdigest(),
        uploaded_by=user,
    )


def evidence_remove(*, user, evidence: Evidence) -> None:
    """Remove a file from a report that can still be changed (the stored file stays for other revisions)."""
    _require(user, Action.REPORT, evidence.report, _("You may not report for this organisation."))
    if not evidence.report.editable:
        raise ValidationError(
            _("This report can no longer be changed; start a correction instead.")
        )
    _require_open(evidence.report.period)
    evidence.delete()
