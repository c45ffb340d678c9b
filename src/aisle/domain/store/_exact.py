"""Routes by OR-Tools: the proven optimum for long lists, and a general routing solver.

Neither is on a shopper's request path; :func:`~aisle.domain.store._route.plan_route` is. They
are the yardsticks the tests and ``benchmarks/route.py`` hold it to:

- :func:`optimal_route_cpsat`: the route as a Hamiltonian circuit (CP-SAT's ``AddCircuit``)
  through the start, the distinct places and the end, closed by a forced arc from the end back
  to the start, with the walking distances as integer costs. CP-SAT proves the optimum (no
  floating-point tolerance) or, out of time, returns the best route it found, not marked optimal.
  It is warm-started from :func:`plan_route`, which makes the proof, not the search, the work.
- :func:`ortools_routing`: OR-Tools' vehicle routing library with one vehicle whose start and
  end depots are the cart and the exit: path cheapest arc, then guided local search until the
  time limit (or the first solution only), what a team would reach for off the shelf.

Both take the same input as ``plan_route`` and check it the same way; OR-Tools is imported
inside them, so importing this module costs nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aisle.domain.store._route import RoutePlan, _checked, _plan, plan_route

__all__ = ["optimal_route_cpsat", "ortools_routing"]

_SEED = 20260507


def optimal_route_cpsat(
    matrix: Sequence[Sequence[int]],
    *,
    start: int,
    end: int,
    stops: Sequence[int],
    time_limit_s: float = 60,
    workers: int = 1,
) -> RoutePlan:
    """The shortest route, proved by CP-SAT within ``time_limit_s`` (``optimal=True``), else the
    best one found in that time; ``workers`` CP-SAT workers (one: deterministic).

    A TimeoutError when it found no route at all, which its warm start makes all but impossible.
    """
    from ortools.sat.python import cp_model

    places = _checked(matrix, start, end, stops)
    if len(places) <= 1:
        return _plan(matrix, start, end, stops, places, True)
    hint = plan_route(matrix, start=start, end=end, stops=places)
    nodes = [start, *places] if start == end else [start, *places, end]
    n = len(nodes)
    last = 0 if start == end else n - 1  # where the walk ends, closed back to the start
    model = cp_model.CpModel()
    arcs: list[tuple[int, int, Any]] = []
    cost: list[Any] = []
    chosen: dict[tuple[int, int], Any] = {}
    for i in range(n):
        for j in range(n):
            if i == j or (last != 0 and (i == last) != (j == 0)):
                continue  # the end's one way out is back to the start
            literal = model.new_bool_var(f"go{i}_{j}")
            arcs.append((i, j, literal))
            chosen[i, j] = literal
            if not (i == last and j == 0):
                cost.append(matrix[nodes[i]][nodes[j]] * literal)
    if last != 0:
        model.add(chosen[last, 0] == 1)
    model.add_circuit(arcs)
    model.minimize(sum(cost))
    walk = [start, *hint.order, end]  # the hint's stops are the distinct places
    successor = {walk[i]: walk[i + 1] for i in range(len(walk) - 1)}
    for (i, j), literal in chosen.items():
        if not (i == last and j == 0):
            model.add_hint(literal, successor.get(nodes[i]) == nodes[j])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = _SEED
    solver.parameters.linearization_level = 2  # the circuit's LP relaxation: proofs in 0.1 s
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise TimeoutError(
            f"CP-SAT found no route through {len(places)} places in {time_limit_s} s"
        )
    visits: list[int] = []
    at = 0
    for _ in range(len(places)):
        at = next(j for j in range(n) if (at, j) in chosen and solver.boolean_value(chosen[at, j]))
        visits.append(nodes[at])
    return _plan(matrix, start, end, stops, visits, status == cp_model.OPTIMAL)


def ortools_routing(
    matrix: Sequence[Sequence[int]],
    *,
    start: int,
    end: int,
    stops: Sequence[int],
    time_limit_ms: int,
    first_solution_only: bool = False,
) -> RoutePlan:
    """A route from OR-Tools' routing solver: path cheapest arc, then guided local search for
    ``time_limit_ms`` (or the first solution, ``first_solution_only``); never marked optimal."""
    from ortools.constraint_solver import (  # type: ignore[import-untyped]
        pywrapcp,
        routing_enums_pb2,
    )

    places = _checked(matrix, start, end, stops)
    if len(places) <= 1:
        return _plan(matrix, start, end, stops, places, True)
    nodes = [start, *places] if start == end else [start, *places, end]
    last = 0 if start == end else len(nodes) - 1
    manager = pywrapcp.RoutingIndexManager(len(nodes), 1, [0], [last])
    routing = pywrapcp.RoutingModel(manager)

    def walk(from_index: int, to_index: int) -> int:
        a, b = manager.IndexToNode(from_index), manager.IndexToNode(to_index)
        return int(matrix[nodes[a]][nodes[b]])

    callback = routing.RegisterTransitCallback(walk)
    routing.SetArcCostEvaluatorOfAllVehicles(callback)
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PATH_CHEAPEST_ARC
    if first_solution_only:
        parameters.solution_limit = 1
    else:
        parameters.local_search_metaheuristic = (
            routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        )
        parameters.time_limit.FromMilliseconds(time_limit_ms)
    solution = routing.SolveWithParameters(parameters)
    if solution is None:
        raise TimeoutError(f"The routing solver found no route in {time_limit_ms} ms")
    visits: list[int] = []
    index = solution.Value(routing.NextVar(routing.Start(0)))
    while not routing.IsEnd(index):
        visits.append(nodes[manager.IndexToNode(index)])
        index = solution.Value(routing.NextVar(index))
    return _plan(matrix, start, end, stops, visits, False)
