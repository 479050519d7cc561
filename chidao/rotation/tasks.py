"""Background tasks of the rotation app (Django's tasks framework; `chidao db_worker` runs them)."""

from django_tasks import task

from .plan import plan_solve


@task()
def plan_solve_task(round_id: int, actor_id: int) -> None:
    """Solve one round's plan; progress, the moves and any error are written on the round."""
    plan_solve(round_id=round_id, actor_id=actor_id)
