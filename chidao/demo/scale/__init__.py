"""Scale data for benchmarks: `chidao demo --scale city|national` (sizes in `SCALES`).

`scale_load(sizes=...)` writes, on top of the regular demo (or into an empty database), programs with
their deliverables, people with their service records, and exactly `sizes.history` history rows:

- deliverable history: status changes (the first, "chưa triển khai", written at assignment as
  `services.deliverable_create` does), approved deadline extensions and notes (progress updates by the
  lead unit, comments by the standing office, directives by the steering committee on overdue work);
- personnel history: assignments (quá trình công tác), annual ratings, disciplines and deferrals.

The deliverables' history is generated first; the people's assignments, disciplines and deferrals
follow from their careers; the annual ratings take what is left of the budget (each person is rated
for their most recent years, as far back as the budget reaches, never before they started work), so
the total is exact. Everything else written (programs, deliverables, their coordinating units,
approval files, change records, meetings, report builds, reminder digests, people, relatives, the
access log, users) is counted and reported apart.

The data follows the app's rules: every status path is a path of `workflow.TRANSITIONS`, taken by a
user the workflow allows (the lead unit's officers draft and submit, the standing office approves,
returns and cancels); a completion carries its approval document and file; an extension is approved
while the deliverable is open and moves its deadline later; each deliverable's current status,
deadline, completion date and version are what its history says, so the dashboards' figures (computed
from history) agree with the lists (computed from the current fields). People are named, placed and
derived (`person_derive`) as the people demo does (`chidao.demo.people`), over the real Hà Nội units
(`core.reference`), and planned through `planning_entry_add`, which refuses what the rules forbid.

Rows are written with COPY on PostgreSQL and executemany on SQLite (`core.bulk.rows_insert`),
with ids chosen here so that rows can name each other without reading them back; people are generated
and written in chunks (a national-size run never holds them all in memory), in two passes with the same
seeds: the first only counts what the careers give, the second writes. The same seed and day give the
same data. Demo accounts all share the demo password (`chidao.demo.program.DEMO_PASSWORD`).
"""

from .base import SCALES, SEED, ScaleError, ScaleResult, Sizes
from .load import scale_load, scale_tidy

__all__ = ["SCALES", "SEED", "ScaleError", "ScaleResult", "Sizes", "scale_load", "scale_tidy"]
