"""The state transitions a run bills, counted from statemachine.asl.json rather than written down.

Step Functions bills every state entered, and one transition per child execution a Distributed
Map starts. A run's parent goes once along its successful path and once more around its loop per
further round; each child goes along its path once and around its loop (SyncNextWindow and the
Choice after it) once more per further SyncRange invocation. Retries and Catch paths are not on
the successful path: the model prices a run without failures.
"""

from __future__ import annotations

import json
import re
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .assumptions import ROOT

ASL = ROOT / "statemachine.asl.json"


@dataclass(frozen=True)
class Loop:
    """States entered along the successful path once (`path`) and per further turn (`turn`)."""

    path: int
    turn: int

    def entered(self, turns: int) -> int:
        """States entered by one execution that goes around its loop `turns` times (at least once)."""
        return self.path + self.turn * (max(1, turns) - 1)


@dataclass(frozen=True)
class Transitions:
    """The parent's loop (one turn per round) and a child's (one turn per SyncRange invocation)."""

    parent: Loop
    child: Loop

    def entered(self, rounds: int, children: int, invocations: int) -> int:
        """States entered, as the emulator's history events count them: every execution's."""
        child = children * self.child.path + self.child.turn * (invocations - children)
        return self.parent.entered(rounds) + child

    def billed(self, rounds: int, children: int, invocations: int) -> int:
        """State transitions billed: the states entered plus one per child started."""
        return self.entered(rounds, children, invocations) + children


def load(path: Path = ASL) -> dict[str, Any]:
    """The definition with its Terraform placeholders filled with zeros (their values do not
    change which states follow which)."""
    text = re.sub(r"(?<!\$)\$\{\w+\}", "0", path.read_text()).replace("$${", "${")
    return json.loads(text)


def _successors(state: dict[str, Any]) -> list[str]:
    """Where a state goes when nothing fails (no Catch), Choice branches included."""
    found = [state[k] for k in ("Next", "Default") if k in state]
    return found + [choice["Next"] for choice in state.get("Choices", [])]


def _ends_well(state: dict[str, Any]) -> bool:
    return state.get("End") is True or state["Type"] == "Succeed"


def _shortest(states: dict[str, Any], start: str, goal: Any) -> list[str]:
    """The shortest successful path from `start` to a state that `goal(name)` accepts."""
    came_from: dict[str, str | None] = {start: None}
    waiting = deque([start])
    while waiting:
        name = waiting.popleft()
        if goal(name):
            path = [name]
            while came_from[path[-1]] is not None:
                path.append(came_from[path[-1]])  # type: ignore[arg-type]
            return path[::-1]
        for following in _successors(states[name]):
            if following not in came_from and states[following]["Type"] != "Fail":
                came_from[following] = name
                waiting.append(following)
    raise ValueError(f"no successful path from {start}")


def loop_of(machine: dict[str, Any]) -> Loop:
    """The successful path of `machine` (StartAt to an end) and its shortest loop back."""
    states = machine["States"]
    path = _shortest(states, machine["StartAt"], lambda name: _ends_well(states[name]))
    turns = []
    for name in path:
        for following in _successors(states[name]):
            if states[following]["Type"] == "Fail":
                continue
            try:
                back = _shortest(states, following, lambda other, name=name: other == name)
            except ValueError:
                continue
            turns.append(len(back))
    if not turns:
        raise ValueError("the machine has no loop on its successful path")
    return Loop(path=len(path), turn=min(turns))


def transitions(definition: dict[str, Any] | None = None) -> Transitions:
    """The parent's loop and its Distributed Map child's, from the definition (default: the ASL)."""
    machine = load() if definition is None else definition
    maps = [s for s in machine["States"].values() if s["Type"] == "Map" and "ItemProcessor" in s]
    if len(maps) != 1:
        raise ValueError(f"expected one Distributed Map, found {len(maps)}")
    return Transitions(parent=loop_of(machine), child=loop_of(maps[0]["ItemProcessor"]))
