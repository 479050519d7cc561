"""Background tasks of the rotation app (Django's tasks framework; `chidao db_worker` runs them).

Retries, failure records and the sweep of dead solver runs follow chidao.core.tasks (ADR 0004).
"""

import datetime as dt

from django.utils.translation import gettext as _
from django_tasks import task

from chidao.core.tasks import error_text, local_time, sweeper, task_run, task_waiting

from .models import RotationRound, RoundState
from .plan import plan_solve, plan_solve_failed


def solve_failure_message(exc: BaseException, attempts: int) -> str:
    if attempts > 1:
        return _("Lỗi khi lập phương án (đã thử %(n)s lần): %(e)s") % {"n": attempts, "e": error_text(exc)}
    return _("Lỗi khi lập phương án: %(e)s") % {"e": error_text(exc)}


@task()
def plan_solve_task(round_id: int, actor_id: int) -> None:
    """Solve one round's plan; progress, the moves and any error are written on the round."""

    def failed(exc: BaseException, attempts: int) -> None:
        plan_solve_failed(round_id=round_id, actor_id=actor_id, message=solve_failure_message(exc, attempts))

    task_run(label=f"rotation plan for round {round_id}",
             body=lambda attempt: plan_solve(round_id=round_id, actor_id=actor_id, attempt=attempt), failed=failed)


@sweeper
def plan_solves_sweep(*, cutoff: dt.datetime) -> int:
    """Rounds still solving with no progress since `cutoff` whose task no longer waits in the queue: their
    worker died. Each goes back to where it was, with the error; the user asks again."""
    swept = 0
    for rnd in RotationRound.objects.filter(state=RoundState.SOLVING, updated_at__lt=cutoff):
        if task_waiting(rnd.solve_task_id):
            continue
        message = _("Tiến trình lập phương án đã dừng giữa chừng (không còn tiến triển từ %(t)s); hãy yêu cầu lập "
                    "lại.") % {"t": local_time(rnd.updated_at)}
        if plan_solve_failed(round_id=rnd.pk, actor_id=None, message=message) is not None:
            swept += 1
    return swept
