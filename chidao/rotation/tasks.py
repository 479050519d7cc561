"""Background tasks of the rotation app (Django's tasks framework; `chidao worker` runs them).

Retries, failure records and the sweep of dead solver runs follow chidao.core.tasks (ADR 0004).
"""

import datetime as dt

from django.db.models import Q
from django.utils.translation import gettext as _
from django_tasks import task

from chidao.core.tasks import error_text, job_lost, local_time, sweeper, task_run

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
def plan_solves_sweep(*, cutoff: dt.datetime | None, dead: frozenset[str] = frozenset(),
                      alive: frozenset[str] = frozenset()) -> int:
    """Rounds still solving whose worker died (`job_lost`: its heartbeat stopped, or no progress since `cutoff`
    and the task no longer waits in the queue). Each goes back to where it was, with the error; the user asks
    again."""
    lost = Q(solve_task_id__in=dead) | Q(updated_at__lt=cutoff) if cutoff is not None else Q(solve_task_id__in=dead)
    swept = 0
    for rnd in RotationRound.objects.filter(lost, state=RoundState.SOLVING):
        if not job_lost(rnd.solve_task_id, rnd.updated_at, cutoff=cutoff, dead=dead, alive=alive):
            continue
        message = _("Tiến trình lập phương án đã dừng giữa chừng (không còn tiến triển từ %(t)s); hãy yêu cầu lập "
                    "lại.") % {"t": local_time(rnd.updated_at)}
        if plan_solve_failed(round_id=rnd.pk, actor_id=None, message=message) is not None:
            swept += 1
    return swept
