"""Rotation plan optimizer: who goes to which post, as a pure function of a JSON instance (no Django here).

The problem. Each official gets at most one of its candidate positions, each position at most one official, each
unit at most `cap` officials, and no conflict pair shares a unit; first place as many officials as possible, then
minimize the total cost.

The method. Without conflicts this is a min-cost max-flow, source → official (capacity 1) → position (1, the
candidate's cost) → unit (1) → sink (the unit's cap). Its LP is integral, so OR-Tools' `SimpleMinCostFlow`
(`solve_max_flow_with_min_cost`: maximum flow first, then least cost among maximum flows, which is exactly the
lexicographic objective) gives a proven optimum at C++ speed; the arcs are added as numpy arrays in one call.

Conflicts are handled by branch-and-bound on that relaxation. If no conflict pair shares a unit in the relaxed
optimum, it is optimal. Otherwise, for the first violated pair (a, b) in unit u, every conflict-free plan either
keeps a out of u or keeps b out of u, so the node splits into those two branches (the arcs closed, the flow solved
again). Nodes are explored best-first by (placed desc, cost asc), a child being solved only when popped, so the
first conflict-free relaxation popped is optimal and the open nodes give the lower bound. A time limit stops the
search between flow solves: the best plan found (or the best relaxation, with the second official of each
clashing pair dropped) is completed greedily and reported as "feasible", with a bound still proven.

Determinism: ids are mapped to integers in sorted order, candidates and conflicts are sorted, branching and ties
follow fixed orders, so the same instance (in any list order) gives the same plan; only `seconds` varies, and a
`time_limit` that cuts the search may cut it at a different point.

Use `solve(instance_dict)` or `python -m chidao.optimizer solve INSTANCE.json [-o PLAN.json]`.
"""

from chidao.optimizer.instance import Instance, InstanceError, validate
from chidao.optimizer.solver import greedy, solve

__all__ = ["Instance", "InstanceError", "greedy", "solve", "validate"]
