"""Two officials of the same prefecture save the same report at the same instant, round after
round, through the report page (the view, the form, the service's compare-and-set on the
version): exactly one wins each round, the other is told (409 with the conflict shown), and the
report and its history hold exactly the winners' texts, in order: no update is lost.

Full count 1,000 rounds (`make faults`), 60 in `make test`.
"""

import threading

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client

from orgs.models import Organization
from orgs.services import membership_grant
from tasks import services
from tasks.models import ProgressReport

from .conftest import fault_count

ROUNDS = fault_count("saves", full=1000, reduced=60)
FORM = {
    "percent_complete": "45",
    "progress_status": "on_track",
    "problems": "",
    "next_steps": "",
}


class Official(threading.Thread):
    """A browser of one official, posting the report form when the round starts."""

    def __init__(self, user, report_pk: int, start: threading.Barrier, done: threading.Barrier):
        super().__init__(daemon=True)
        self.client = Client()
        self.client.force_login(user)
        self.name_ = user.username
        self.report_pk, self.start_barrier, self.done = report_pk, start, done
        self.version = 0
        self.round = -1
        self.results: list[tuple[int, str]] = []  # (status, text sent) per round
        self.stop = False
        self.error: BaseException | None = None

    def run(self):
        try:
            while True:
                self.start_barrier.wait(timeout=60)
                if self.stop:
                    return
                text = f"round {self.round}: {self.name_}"
                response = self.client.post(
                    f"/reports/{self.report_pk}/edit/",
                    {**FORM, "narrative": text, "version": self.version},
                )
                body = response.content.decode() if response.status_code == 409 else ""
                self.results.append((response.status_code, text, body))
                self.done.wait(timeout=60)
        except BaseException as exc:  # reported by the test
            self.error = exc
            self.done.abort()
        finally:
            connection.close()


def test_two_officials_saving_at_once_exactly_one_wins_each_round(postgres, reporting):
    r = reporting
    xining = Organization.objects.get(code="xining")
    second = get_user_model().objects.create_user("xining_officer_b", password="x")
    membership_grant(user=second, organization=xining, role="officer")
    first = r.users["xining_officer"]
    report = services.report_open(user=first, assignment=r.xining, period=r.period)
    history_before = report.history.count()

    start, done = threading.Barrier(3), threading.Barrier(3)
    officials = [Official(u, report.pk, start, done) for u in (first, second)]
    for official in officials:
        official.start()
    winners: list[str] = []
    try:
        for number in range(ROUNDS):
            version = ProgressReport.objects.get(pk=report.pk).version
            for official in officials:
                official.version, official.round = version, number
            start.wait(timeout=60)  # both post now
            done.wait(timeout=120)
            statuses = sorted(o.results[-1][0] for o in officials)
            assert statuses == [302, 409], f"round {number}: {statuses}"
            winner = next(o for o in officials if o.results[-1][0] == 302)
            loser = next(o for o in officials if o.results[-1][0] == 409)
            winners.append(winner.results[-1][1])
            saved = ProgressReport.objects.get(pk=report.pk)
            assert saved.version == version + 1, f"round {number}: both or neither saved"
            assert saved.narrative == winner.results[-1][1], (
                f"round {number}: the winner's text lost"
            )
            # the loser is told, and shown the text that won
            assert winner.results[-1][1] in loser.results[-1][2], f"round {number}"
    finally:
        for official in officials:
            official.stop = True
        for barrier in (start, done):
            if not barrier.broken:
                barrier.abort()
        for official in officials:
            official.join(timeout=30)
    for official in officials:
        assert official.error is None or isinstance(official.error, threading.BrokenBarrierError), (
            official.error
        )

    # the history holds every winning save, in order, and nothing else
    texts = list(
        report.history.order_by("history_date", "history_id").values_list("narrative", flat=True)[
            history_before:
        ]
    )
    assert texts == winners
    assert ProgressReport.objects.get(pk=report.pk).version == 1 + ROUNDS
    # both officials won some rounds: the test really raced them
    wins = {o.name_: sum(1 for s, _t, _b in o.results if s == 302) for o in officials}
    assert sum(wins.values()) == ROUNDS
    print(f"\n{ROUNDS} rounds: one winner and one 409 each; wins {wins}")
