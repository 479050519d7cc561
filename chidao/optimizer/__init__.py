"""Rotation plan optimizer: who goes to which post, as a pure function of a JSON instance (no Django here).

The problem. Each official gets at most one of its candidate positions. A position takes at most its vacant seats
(`seats`, default 1) plus the number of its holders (officials whose `holds` names it) who are placed elsewhere, so
plans are chains (X into a vacancy, Y into X's seat, ...) and swaps (cycles); an unplaced holder keeps their seat.
Each unit takes at most `cap` arrivals, and no conflict pair is placed in the same unit. First place as many
officials as possible, then minimize the total cost. The plan lists its moves as groups (`sequence`: single moves,
chains from the vacancy on, swaps).

The method (docs/adr/0012-rotation-solver.md). First the instance is cut into independent parts (`components`: no
shared post, held seat or capped unit, no conflict pair that can meet), each searched alone. The relaxation without
conflicts is a network flow solved by OR-Tools' `SimpleMinCostFlow` (arcs added as numpy arrays): without holders
source → official → position → unit → sink with the caps on the unit arcs, maximum flow then least cost (the
lexicographic objective); with holders a min-cost circulation where a position passes flow on to its holders (the
seat a departure frees) and a placement weighs more than any total cost. Caps of units whose posts have holders
cannot sit in that network and join the side rows.
If the relaxation's optimum breaks no side row (conflict pair in a shared unit, such a cap), it is optimal. With up to
8 broken rows, a branch-and-bound on bans (`bans`). When no cap is a side row and a greedy repair places the maximum,
the exact LP of the standard model (`lp`: GLOP with column generation from the root's reduced costs, its bound taken
from the duals by weak duality) gives the bound and an incumbent, arcs priced above the gap are fixed out, and CP-SAT
solves the arcs of reduced cost 0, then every arc up to the gap left. Otherwise:
1. Lagrangian ascent: multipliers on the broken rows are added to the arcs' costs (costs scaled by 8, integer
   multipliers), each round one flow solve; the best value is a proven bound for plans placing the relaxation's
   maximum; relaxations are repaired greedily into lawful plans (the incumbent).
2. Reduced-cost fixing: node potentials of the best round's flow (Bellman-Ford on its residual graph) give every
   candidate arc a reduced cost; an arc whose reduced cost exceeds the gap (incumbent − bound) is in no better plan.
3. CP-SAT (one worker, the LP at every node) solves the model on the arcs left, starting from arcs up to half the
   gap and growing the set until it holds every arc up to the gap left: the optimum of that core is the optimum.
If the incumbent places fewer than the relaxation's maximum (holders with binding caps), CP-SAT gets the whole model
with a placement weight instead. A time limit cuts any step; the best lawful plan is then "feasible", with a proven
lower bound on the cost of any plan placing as many (0 when none is known).

Determinism: ids are mapped to integers in sorted order, candidates and conflicts are sorted, repairs and ties
follow fixed orders and CP-SAT runs one worker with a fixed seed, so the same instance (in any list order) gives
the same plan; only `seconds` varies, and a `time_limit` that cuts the search may cut it at a different point.

Use `solve(instance_dict)` or `python -m chidao.optimizer solve INSTANCE.json [-o PLAN.json]`.
"""

from chidao.optimizer.instance import Instance, InstanceError, validate
from chidao.optimizer.sequence import sequence
from chidao.optimizer.solver import greedy, solve

__all__ = ["Instance", "InstanceError", "greedy", "sequence", "solve", "validate"]
