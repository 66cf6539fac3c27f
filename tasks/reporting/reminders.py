"""Report reminders: who must be reminded of which reports on a given day, and the e-mails.

A report needs a reminder when its period is open (not closed, see tasks.services.period_close),
its deadline is at most `DUE_SOON_DAYS` days away or has passed, and its latest revision is
neither submitted nor approved (no report yet, a draft, a returned report, or a correction not yet
sent). "Nothing to report", once submitted, is done. Only a report never sent after its deadline
is called overdue (tasks.reporting.selectors.overdue_days); a returned report or a correction past the
deadline is reminded as such, not as overdue.

The people reminded are those who answer for the assigned organisation itself: active users with
an e-mail address holding a role that may report (orgs.roles.ROLE_ACTIONS) at that organisation;
roles held higher up the tree do not turn into reminders for every county below. The scoping API
confirms each user may report there. Everything for one user goes into one e-mail.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from orgs.models import Membership, Organization
from orgs.roles import ROLE_ACTIONS
from qhsta.scoping import Action

from ..choices import ReportState
from ..models import Assignment, ProgressReport, ReminderLog, ReportingPeriod
from .selectors import DUE_SOON_DAYS, overdue_days, report_slots


class ReminderDeliveryError(Exception):
    """Some reminders could not be sent; they were not logged, so a retry sends them."""


DONE_STATES = (ReportState.SUBMITTED, ReportState.APPROVED)
REPORTING_ROLES = tuple(
    sorted(role for role, acts in ROLE_ACTIONS.items() if Action.REPORT in acts)
)


@dataclass(frozen=True)
class PendingReport:
    """One report an organisation still owes: due within the reminder window or overdue."""

    assignment: Assignment
    period: ReportingPeriod
    report: ProgressReport | None  # the latest revision, when one was started
    today: dt.date

    @property
    def overdue_days(self) -> int:
        return overdue_days(period=self.period, report=self.report, today=self.today)

    @property
    def overdue(self) -> bool:
        return self.overdue_days > 0

    @property
    def days_left(self) -> int:
        return (self.period.deadline - self.today).days

    @property
    def key(self) -> tuple[int, int]:
        return (self.assignment.pk, self.period.pk)


@dataclass
class Reminder:
    """Everything one user is reminded of on one day."""

    user: object
    items: list[PendingReport] = field(default_factory=list)

    @property
    def overdue(self) -> list[PendingReport]:
        return [i for i in self.items if i.overdue]

    @property
    def due_soon(self) -> list[PendingReport]:
        return [i for i in self.items if i.days_left >= 0]

    @property
    def unfinished(self) -> list[PendingReport]:
        """Returned for changes or being corrected, past the deadline (not overdue: once sent)."""
        return [i for i in self.items if i.days_left < 0 and not i.overdue]


def pending_reports(*, today: dt.date) -> dict[int, list[PendingReport]]:
    """The reports owed on `today`, by organisation id, most overdue first.

    A work item of year Y is reported for its plan's periods of year Y, as on the officer's page.
    """
    periods = list(
        ReportingPeriod.objects.filter(
            deadline__lte=today + dt.timedelta(days=DUE_SOON_DAYS), closed_at__isnull=True
        ).order_by("deadline", "pk")
    )
    if not periods:
        return {}
    assignments = Assignment.objects.filter(
        organization__is_active=True,
        work_item__year__in={p.year for p in periods},
        work_item__key_task__plan_id__in={p.plan_id for p in periods},
    ).order_by("organization_id", "work_item__due_date", "pk")
    owed: dict[int, list[PendingReport]] = defaultdict(list)
    for assignment, period, report in report_slots(assignments=assignments, periods=periods):
        if report is not None and report.state in DONE_STATES:
            continue
        owed[assignment.organization_id].append(PendingReport(assignment, period, report, today))
    for items in owed.values():
        items.sort(key=lambda i: (i.period.deadline, i.assignment.work_item.due_date, i.key))
    return dict(owed)


def reminders_due(*, today: dt.date) -> list[Reminder]:
    """Who is reminded of what on `today`: one Reminder per user, users in id order."""
    owed = pending_reports(today=today)
    if not owed:
        return []
    orgs_by_user: dict[int, set[int]] = defaultdict(set)
    for user_id, org_id in Membership.objects.filter(
        role__in=REPORTING_ROLES,
        organization_id__in=owed,
        user__is_active=True,
    ).values_list("user_id", "organization_id"):
        orgs_by_user[user_id].add(org_id)
    users = (
        get_user_model()
        .objects.filter(pk__in=orgs_by_user, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )
    reminders = []
    for user in users:
        if not user.email.strip():
            continue
        # The scoping API has the last word: a role whose permissions were withdrawn gives nothing.
        may_report = set(
            Organization.objects.restrict(user, Action.REPORT)
            .filter(pk__in=orgs_by_user[user.pk])
            .values_list("pk", flat=True)
        )
        items = [item for org_id in sorted(may_report) for item in owed[org_id]]
        if items:
            items.sort(key=lambda i: (not i.overdue, i.period.deadline, i.key))
            reminders.append(Reminder(user=user, items=items))
    return reminders


# ---- the e-mail ----------------------------------------------------------------------------


def work_link() -> str:
    """Where the officer's page is: the path, after PORTAL_URL when that setting names the site."""
    return getattr(settings, "PORTAL_URL", "").rstrip("/") + reverse("tasks:my_work")


def _line(item: PendingReport) -> str:
    work_item = item.assignment.work_item
    if item.overdue:
        when = _("deadline %(date)s, %(days)s days overdue") % {
            "date": item.period.deadline.isoformat(),
            "days": item.overdue_days,
        }
    elif item.days_left >= 0:
        when = _("deadline %(date)s, %(days)s days left") % {
            "date": item.period.deadline.isoformat(),
            "days": item.days_left,
        }
    else:
        when = _("deadline %(date)s") % {"date": item.period.deadline.isoformat()}
    line = _("%(title)s (key task %(task)s) · %(organization)s · %(period)s · %(when)s") % {
        "title": work_item.title,
        "task": work_item.key_task.number,
        "organization": item.assignment.organization.name,
        "period": item.period.label,
        "when": when,
    }
    if item.report is not None and item.report.state == ReportState.RETURNED:
        line = f"{line} · {_('returned for changes')}"
    elif item.report is not None and item.report.revision > 1:
        line = f"{line} · {_('correction not yet submitted')}"
    elif item.report is not None:
        line = f"{line} · {_('draft not yet submitted')}"
    return f"- {line}"


def reminder_message(reminder: Reminder) -> tuple[str, str]:
    """The subject and body of a user's reminder, in the portal's language (Chinese)."""
    with translation.override(settings.LANGUAGE_CODE):
        user = reminder.user
        overdue, due_soon, unfinished = reminder.overdue, reminder.due_soon, reminder.unfinished
        counts = {"overdue": len(overdue), "due": len(due_soon), "unfinished": len(unfinished)}
        if unfinished:
            subject = (
                _(
                    "Reporting reminder: %(overdue)s overdue, %(due)s due within 7 days, "
                    "%(unfinished)s returned or being corrected"
                )
                % counts
            )
        else:
            subject = (
                _("Reporting reminder: %(overdue)s overdue, %(due)s due within 7 days") % counts
            )
        lines = [
            _("Dear %(name)s,") % {"name": user.get_full_name() or user.get_username()},
            "",
            _("These progress reports of your organisation have not been submitted yet:"),
        ]
        if overdue:
            lines += ["", _("Overdue:"), *(_line(i) for i in overdue)]
        if unfinished:
            lines += ["", _("Returned or being corrected:"), *(_line(i) for i in unfinished)]
        if due_soon:
            lines += ["", _("Due within 7 days:"), *(_line(i) for i in due_soon)]
        lines += [
            "",
            _("Please write and submit them on your work page: %(link)s") % {"link": work_link()},
            "",
            _("This e-mail was sent by the QHSTA plan-management portal; please do not reply."),
        ]
        return subject, "\n".join(lines) + "\n"


def reminders_send(*, today: dt.date) -> list[ReminderLog]:
    """Send each user's reminder for `today`, once: a user already reminded today is skipped.

    The day's log row is claimed before the e-mail goes out (the unique constraint makes two
    concurrent runs claim it once). When an e-mail cannot be sent its claim is dropped, the
    others still go out, and ReminderDeliveryError is raised at the end so a retry sends it.
    """
    sent, failed = [], []
    reminders = reminders_due(today=today)
    if not reminders:
        return sent
    with get_connection() as connection:
        for reminder in reminders:
            user = reminder.user
            try:
                with transaction.atomic():
                    log = ReminderLog.objects.create(
                        user=user,
                        date=today,
                        email=user.email,
                        overdue=len(reminder.overdue),
                        due_soon=len(reminder.due_soon),
                        items=[list(i.key) for i in reminder.items],
                    )
            except IntegrityError:
                continue  # reminded already today
            subject, body = reminder_message(reminder)
            message = EmailMessage(
                subject=subject,
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[user.email],
                connection=connection,
            )
            try:
                message.send()
            except Exception as exc:  # any transport error: drop the claim, go on with the others
                log.delete()
                failed.append(f"{user.get_username()}: {exc}")
                continue
            log.sent_at = timezone.now()
            log.save(update_fields=["sent_at"])
            sent.append(log)
    if failed:
        raise ReminderDeliveryError(
            f"{len(failed)} of {len(reminders)} reminders not sent: " + "; ".join(failed)
        )
    return sent
