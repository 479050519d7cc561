"""Benchmark of the rotation optimizer (`chidao.optimizer`) against HiGHS (MIP and LP) and a greedy baseline.

Targets (2-core machine, ~30 candidates per official, unit caps):
* binding conflict pairs (1,500 officials / 120 pairs, 3,000 / 600, 20,000 / 2,000): the optimum proven at least 5x
  faster than HiGHS's MIP solver (scipy.optimize.milp) on the same instance in the same run;
* no conflicts: 20,000 officials proven optimal in at most 1 s of solver time, 100,000 in at most 10 s, at least 5x
  faster than the LP solved by HiGHS; the whole command for 20,000 (reading and writing JSON) in at most 5 s;
* seats and holders (half the officials hold a post, ~8 % vacant seats): reported, with HiGHS's MIP alongside.
Prints a table with PASS/MISS; always exits 0 unless it crashes.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chidao.optimizer import greedy, solve, validate  # noqa: E402
from chidao.optimizer.instance import Instance  # noqa: E402
from chidao.optimizer.network import Network  # noqa: E402
from chidao.optimizer.rows import side_rows  # noqa: E402


def generate(n: int, *, seed: int, per_official: int = 30, conflicts: int = 300, biting: bool = False,
             holders: bool = False) -> dict[str, Any]:
    """Positions ~1.1n in units of 30-70 with caps of 20-40 %; 30 random candidates each, costs 0-100.

    Conflict pairs join two officials who both have a candidate in the same unit (relatives who could land
    together). With `biting`, two officials that the optimum without conflicts places in the same unit: every pair
    then clashes in the relaxation and must be resolved. With `holders`, half the officials hold a post (never one
    they are a candidate for; a post has at most one holder) and a held post has no vacant seat, the others have
    one with probability 0.08 (about 5 % of the posts vacant): a placement needs a vacancy or a holder who moves.
    """
    rng = np.random.default_rng(seed)
    n_pos = int(n * 1.1)
    sizes: list[int] = []
    while sum(sizes) < n_pos:
        sizes.append(int(rng.integers(30, 71)))
    pos_unit = np.repeat(np.arange(len(sizes)), sizes)[:n_pos]
    in_unit = np.bincount(pos_unit, minlength=len(sizes))
    caps = np.maximum(1, np.round(in_unit * rng.uniform(0.2, 0.4, len(sizes)))).astype(int)
    cand_pos = np.empty((n, per_official), np.int64)
    for i in range(n):  # distinct positions per official
        cand_pos[i] = rng.choice(n_pos, per_official, replace=False)
    costs = rng.integers(0, 101, (n, per_official))
    oid = [f"CB{i:06d}" for i in range(n)]
    pid = [f"VT{i:06d}" for i in range(n_pos)]
    uid = [f"DV{i:05d}" for i in range(len(sizes))]
    officials: list[dict[str, Any]] = [{"id": o} for o in oid]
    positions: list[dict[str, Any]] = [{"id": pid[p], "unit": uid[u]} for p, u in enumerate(pos_unit.tolist())]
    if holders:
        held = rng.permutation(n_pos)
        taken = 0
        for i in rng.permutation(n)[: n // 2].tolist():
            while taken < n_pos and held[taken] in set(cand_pos[i].tolist()):
                taken += 1  # skipped posts stay unheld
            if taken == n_pos:
                break
            officials[i]["holds"] = pid[held[taken]]
            positions[held[taken]]["seats"] = 0
            taken += 1
        for p in range(n_pos):
            if "seats" not in positions[p]:
                positions[p]["seats"] = int(rng.random() < 0.08)
    instance: dict[str, Any] = {
        "officials": officials,
        "positions": positions,
        "units": [{"id": uid[u], "cap": int(c)} for u, c in enumerate(caps.tolist())],
        "candidates": [{"official": oid[i], "position": pid[p], "cost": c}
                       for i, (ps, cs) in enumerate(zip(cand_pos.tolist(), costs.tolist(), strict=True))
                       for p, c in zip(ps, cs, strict=True)],
    }
    if biting:
        # the unit the relaxation without conflicts places each official in: pairs drawn there all clash
        inst = validate(instance)
        units = np.full(n, -1, np.int64)
        chosen = Network(inst).relax().chosen
        units[inst.cand_official[chosen]] = inst.position_unit[inst.cand_position[chosen]]
        home = units.tolist()  # ids are zero-padded, so their sorted order is the generated order
    else:  # a random candidate's unit
        home = pos_unit[cand_pos[np.arange(n), rng.integers(0, per_official, n)]].tolist()
    by_unit: dict[int, list[int]] = {}
    for i, u in enumerate(home):
        if u >= 0:
            by_unit.setdefault(u, []).append(i)
    pool = [i for i, u in enumerate(home) if u >= 0 and len(by_unit[u]) > 1]
    pairs: set[tuple[int, int]] = set()
    possible = sum(len(g) * (len(g) - 1) // 2 for g in by_unit.values())
    while len(pairs) < min(conflicts, possible):
        i = pool[int(rng.integers(len(pool)))]
        others = [j for j in by_unit[home[i]] if j != i]
        j = others[int(rng.integers(len(others)))]
        pairs.add((min(i, j), max(i, j)))
    instance["conflicts"] = [{"officials": [oid[a], oid[b]], "reason": "quan hệ gia đình"} for a, b in sorted(pairs)]
    return instance


def model_matrix(inst: Instance) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray, int]:
    """The standard model: x per candidate; rows: each official ≤ 1, each post's arrivals − its placed holders ≤ its
    vacant seats, each capped unit's arrivals ≤ cap, one row per (conflict pair, unit both can go to) ≤ 1.

    The objective is cost − BIG per placement (BIG more than any total cost): the lexicographic objective.
    """
    m, n, n_pos = inst.n_candidates, len(inst.official_ids), len(inst.position_ids)
    cols = np.arange(m)
    r_parts, c_parts, v_parts = [inst.cand_official, n + inst.cand_position], [cols, cols], [np.ones(m), np.ones(m)]
    # a placed holder frees a seat: −x on every candidate of the holder, in the row of the post held
    holder_of_arc = inst.official_holds[inst.cand_official]
    leaving = np.flatnonzero(holder_of_arc >= 0)
    r_parts.append(n + holder_of_arc[leaving])
    c_parts.append(leaving)
    v_parts.append(-np.ones(leaving.size))
    rhs = [np.ones(n), inst.position_seats.astype(float)]
    offset = n + n_pos
    capped = np.flatnonzero(inst.unit_cap >= 0)
    unit_row = np.full(len(inst.unit_ids), -1, np.int64)
    unit_row[capped] = offset + np.arange(capped.size)
    cand_unit = inst.position_unit[inst.cand_position]
    keep = unit_row[cand_unit] >= 0
    r_parts.append(unit_row[cand_unit][keep])
    c_parts.append(cols[keep])
    v_parts.append(np.ones(int(keep.sum())))
    rhs.append(inst.unit_cap[capped].astype(float))
    offset += capped.size
    conflict = side_rows(inst, np.zeros(0, np.int64))
    r_parts.append(offset + conflict.row_of_entry())
    c_parts.append(conflict.arcs)
    v_parts.append(np.ones(conflict.arcs.size))
    rhs.append(np.ones(conflict.size))
    offset += conflict.size
    matrix = sparse.csr_matrix((np.concatenate(v_parts), (np.concatenate(r_parts), np.concatenate(c_parts))),
                               shape=(offset, m))
    big = int(inst.cand_cost.max(initial=0)) * n + 1
    return matrix, np.concatenate(rhs), inst.cand_cost - float(big), big


def lp_highs(inst: Instance, time_limit: float) -> tuple[float, int, int, str]:
    """The LP relaxation of the standard model by HiGHS (matrix building included in the time)."""
    started = time.perf_counter()
    matrix, b_ub, c, _big = model_matrix(inst)
    res = linprog(c, A_ub=matrix, b_ub=b_ub, bounds=(0, 1), method="highs", options={"time_limit": time_limit})
    seconds = time.perf_counter() - started
    x = res.x if res.x is not None else np.zeros(inst.n_candidates)
    integral = "integral" if np.all(np.minimum(x, 1 - x) < 1e-6) else "fractional"
    return seconds, round(float(x.sum())), round(float(inst.cand_cost @ x)), f"{res.status} {integral}"


def mip_highs(inst: Instance, time_limit: float) -> tuple[float, int | None, int | None, bool, str]:
    """HiGHS's MIP in a child process, killed 30 s after its own time limit (at 20,000 officials HiGHS was seen
    running 10 minutes past a 200 s limit, inside its root LP)."""
    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    started = time.perf_counter()
    child = ctx.Process(target=lambda: queue.put(_mip_highs(inst, time_limit)))
    child.start()
    child.join(time_limit + 30)
    if child.is_alive():
        child.kill()
        child.join()
        return time.perf_counter() - started, None, None, False, f"killed {time_limit + 30:g} s after the start"
    return queue.get()


def _mip_highs(inst: Instance, time_limit: float) -> tuple[float, int | None, int | None, bool, str]:
    """The standard model as a MIP by HiGHS (scipy.optimize.milp), gap 0, with a time limit."""
    started = time.perf_counter()
    matrix, b_ub, c, _big = model_matrix(inst)
    res = milp(c, constraints=LinearConstraint(matrix, -np.inf, b_ub), integrality=np.ones(c.size),
               bounds=Bounds(0, 1), options={"time_limit": time_limit, "mip_rel_gap": 0.0, "presolve": True})
    seconds = time.perf_counter() - started
    if res.x is None:
        return seconds, None, None, False, res.message
    x = res.x > 0.5
    return seconds, int(x.sum()), int(inst.cand_cost[x].sum()), res.status == 0, res.message


def _sans_seconds(plan: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in plan.items() if k != "seconds"}


def _command(instance: dict[str, Any], plan: dict[str, Any], limit: float) -> tuple[float, bool, float]:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.json", Path(tmp) / "out.json"
        src.write_text(json.dumps(instance), encoding="utf-8")
        size_mb = src.stat().st_size / 1e6
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "chidao.optimizer", "solve", str(src), "-o", str(out),
                               "--time-limit", str(limit)], cwd=ROOT, capture_output=True, text=True)
        cmd_s = time.perf_counter() - t0
        written = json.loads(out.read_text()) if proc.returncode == 0 else {}
    return cmd_s, proc.returncode == 0 and _sans_seconds(written) == _sans_seconds(plan), size_mb


def run_case(label: str, n: int, seed: int, rows: list[list[str]], *, conflicts: int = 300, biting: bool = False,
             holders: bool = False, mip: bool = False, lp: bool = False, command: bool = False,
             target: float | None = None, limit: float = 60.0, mip_limit: float = 300.0) -> None:
    t0 = time.perf_counter()
    instance = generate(n, seed=seed, conflicts=conflicts, biting=biting, holders=holders)
    gen_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    inst = validate(instance)
    val_s = time.perf_counter() - t0
    net = Network(inst)
    root = net.relax()
    side = side_rows(inst, net.side_cap_units)
    x = np.zeros(inst.n_candidates, np.int64)
    x[root.chosen] = 1
    binding = int((side.activity(x) > side.rhs).sum())
    print(f"\n== {label}: {n:,} officials, {len(inst.position_ids):,} posts ({int(inst.position_seats.sum()):,} vacant "
          f"seats, {int((inst.official_holds >= 0).sum()):,} holders), {len(inst.unit_ids):,} units, "
          f"{inst.n_candidates:,} candidates, {inst.conflict_a.size:,} conflict pairs ({side.n_conflict:,} rows); "
          f"the relaxation breaks {binding:,} side rows; generated {gen_s:.1f} s, validated {val_s:.2f} s",
          flush=True)
    plan = solve(inst, time_limit=limit)
    ours = float(plan["seconds"])
    print(f"ours: {plan['status']}, placed {plan['placed']:,}, objective {plan['objective']:,}, lower bound "
          f"{plan['lower_bound']:,}, {ours:.3f} s (time limit {limit:g} s)", flush=True)
    proven = plan["status"] == "optimal"
    if target is not None:
        ok = proven and ours <= target
        rows.append([label, "solver time", f"{ours:.3f} s ({plan['status']})", f"≤ {target:g} s, optimal",
                     "PASS" if ok else "MISS", f"{target / ours:.1f}x under" if ok else f"{ours - target:+.2f} s"])
    if mip:
        h_s, h_placed, h_cost, h_opt, h_msg = mip_highs(inst, mip_limit)
        same = (h_placed, h_cost) == (plan["placed"], plan["objective"])
        print(f"HiGHS MIP: {h_s:.2f} s, {'optimal' if h_opt else 'NOT proven'} ({h_msg}), placed {h_placed}, "
              f"cost {h_cost}; same optimum as ours: {same if h_opt and proven else 'n/a'}", flush=True)
        if h_opt:
            ratio = h_s / ours
            ok = proven and same and ratio >= 5
            rows.append([label, "HiGHS MIP time / ours", f"{ratio:.1f}x ({h_s:.2f} s / {ours:.2f} s)", "≥ 5x",
                         "PASS" if ok else "MISS", f"{ratio / 5:.2f}x the target"])
        else:
            ratio = mip_limit / ours
            ok = proven and ratio >= 5
            rows.append([label, "HiGHS MIP time / ours", f"≥ {ratio:.1f}x (HiGHS did not finish in {mip_limit:g} s; "
                         f"ours {ours:.2f} s)", "≥ 5x", "PASS" if ok else "MISS", ""])
    if lp:
        lp_s, lp_placed, lp_cost, lp_state = lp_highs(inst, mip_limit)
        ratio = lp_s / ours
        print(f"HiGHS LP: {lp_s:.2f} s, placed {lp_placed:,}, cost {lp_cost:,} ({lp_state}); ratio {ratio:.1f}x",
              flush=True)
        cut = "" if lp_state.startswith("0 ") else f", HiGHS LP did not finish in {mip_limit:g} s"
        rows.append([label, "HiGHS LP time / ours", f"{'≥ ' if cut else ''}{ratio:.1f}x ({lp_s:.2f} s{cut})", "≥ 5x",
                     "PASS" if ratio >= 5 and proven else "MISS", f"{ratio / 5:.1f}x the target"])
    if command:
        cmd_s, same, size_mb = _command(instance, plan, limit)
        print(f"command: {size_mb:.0f} MB instance, same plan as in-process: {same}, {cmd_s:.2f} s", flush=True)
        ok = same and cmd_s <= 5
        rows.append([label, "whole command (python -m ... -o)", f"{cmd_s:.2f} s", "≤ 5 s", "PASS" if ok else "MISS",
                     f"{5 / cmd_s:.1f}x under" if ok else f"{cmd_s - 5:+.2f} s"])
    t0 = time.perf_counter()
    chosen = greedy(inst)
    greedy_s = time.perf_counter() - t0
    g_placed, g_cost = int(chosen.size), int(inst.cand_cost[chosen].sum())
    gap_cost = g_cost - plan["objective"]
    print(f"greedy: placed {g_placed:,} ({g_placed - plan['placed']:+,}), cost {g_cost:,} ({gap_cost:+,}), "
          f"{greedy_s:.2f} s", flush=True)


CASES = {
    "c1500": dict(label="1,500 / 120 binding pairs", n=1500, conflicts=120, biting=True, mip=True),
    "c3000": dict(label="3,000 / 600 binding pairs", n=3000, conflicts=600, biting=True, mip=True),
    "c20000": dict(label="20,000 / 2,000 binding pairs", n=20_000, conflicts=2000, biting=True, mip=True),
    "n20000": dict(label="20,000, 300 random pairs", n=20_000, lp=True, command=True, target=1.0),
    "n100000": dict(label="100,000, 300 random pairs", n=100_000, lp=True, target=10.0),
    "h3000": dict(label="3,000 holders / 300 binding pairs", n=3000, conflicts=300, biting=True, holders=True,
                  mip=True),
    "h20000": dict(label="20,000 holders, 300 random pairs", n=20_000, holders=True, mip=True),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(CASES), help=f"comma-separated cases of {', '.join(CASES)}")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--no-lp-large", action="store_true", help="skip the HiGHS LP at 100,000 (it is slow)")
    parser.add_argument("--mip-limit", type=float, default=300.0, help="HiGHS MIP and LP time limit, seconds (300)")
    parser.add_argument("--limit", type=float, default=60.0, help="our time limit, seconds (60, the default)")
    args = parser.parse_args()
    rows: list[list[str]] = []
    for i, name in enumerate(args.only.split(",")):
        case: dict[str, Any] = dict(CASES[name])
        if name == "n100000" and args.no_lp_large:
            case["lp"] = False
        run_case(seed=args.seed + i, rows=rows, limit=args.limit, mip_limit=args.mip_limit, **case)
    header = ["instance", "measure", "value", "target", "", "margin"]
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(6)]
    print()
    for row in [header, *rows]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


if __name__ == "__main__":
    main()
