"""Mermaid state diagrams and tables generated from workflow declarations (docs stay true to code)."""

from __future__ import annotations

import re

from shouhou.engine.workflow import Workflow


def mermaid(workflow: Workflow) -> str:
    lines = ["stateDiagram-v2"]
    for s in workflow.states:
        lines.append(f"    {s.name}: {s.name} {s.zh}")
    lines.append(f"    [*] --> {workflow.create.targets[0]}: {workflow.create.name}")
    edges: dict[tuple[str, str], list[str]] = {}
    for a in workflow.actions:
        for src in sorted(a.sources):
            for target in a.targets:
                if target is None:
                    continue
                edges.setdefault((src, target), []).append(a.name)
    for (src, target), names in edges.items():
        lines.append(f"    {src} --> {target}: {', '.join(names)}")
    for s in workflow.states:
        if s.terminal:
            lines.append(f"    {s.name} --> [*]")
    return "\n".join(lines)


def action_table(workflow: Workflow) -> str:
    rows = ["| action | 中文 | from | to | roles |", "|---|---|---|---|---|"]
    for a in (workflow.create, *workflow.actions):
        targets = ", ".join(t or "(stays)" for t in a.targets)
        rows.append(f"| `{a.name}` | {a.zh} | {', '.join(sorted(a.sources)) or '—'} | {targets} | "
                    f"{', '.join(sorted(a.roles))} |")
    return "\n".join(rows)


def timer_table(workflow: Workflow) -> str:
    rows = ["| state | timer | fires | effect |", "|---|---|---|---|"]
    for s in workflow.states:
        for t in s.timers:
            rows.append(f"| `{s.name}` | `{t.kind}` | `{t.action}` | {t.en} / {t.zh} |")
    return "\n".join(rows) if len(rows) > 2 else "(no timers)"


MARK = re.compile(r"(<!-- generated:workflows ([\w ,]+) -->\n)(.*?)(<!-- /generated -->)", re.S)


def fill(text: str, workflows: dict[str, Workflow]) -> str:
    """Replace each `<!-- generated:workflows a, b -->…<!-- /generated -->` region with fresh sections."""
    def section(m: re.Match[str]) -> str:
        names = [n.strip() for n in m.group(2).replace(",", " ").split() if n.strip()]
        return m.group(1) + "\n".join(_section(workflows[n]) for n in names) + "\n" + m.group(4)

    return MARK.sub(section, text)


def _section(wf: Workflow) -> str:
    return "\n".join([f"### `{wf.type}` — {wf.zh} / {wf.en}", "", "```mermaid", mermaid(wf), "```", "",
                      action_table(wf), "", "Timers (armed on entering the state, cancelled on leaving it):", "",
                      timer_table(wf), ""])


def document(workflows: list[Workflow]) -> str:
    parts = ["# Workflows", "",
             "Generated from the declarations by `shouhou docs`; do not edit by hand. "
             "A test fails when this file and the code disagree.", ""]
    for wf in workflows:
        parts.append(_section(wf))
    return "\n".join(parts)
