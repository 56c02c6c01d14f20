import type { Diagram, DiagramGroup, DiagramNode, NodeShape } from "./graph";

/** Renders a Diagram as a Mermaid flowchart; no decisions about what it shows. */

/** Text inside a quoted Mermaid label: entity codes for the characters Mermaid or HTML would read. */
const escape = (s: string) => s.replace(/&/g, "#amp;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;");
const label = (lines: string[]) => `"${lines.map(escape).join("<br/>")}"`;

const SHAPES: Record<NodeShape, [string, string]> = { box: ["[", "]"], round: ["(", ")"], cylinder: ["[(", ")]"], hexagon: ["{{", "}}"], stadium: ["([", "])"] };

function nodeLine(n: DiagramNode, indent: string): string {
  const [open, close] = SHAPES[n.shape];
  return `${indent}${n.id}${open}${label(n.label)}${close}`;
}

export function mermaidFlowchart(d: Diagram): string {
  const lines = ["flowchart LR"];
  const children = (parent: string | undefined) => d.groups.filter((g) => g.parent === parent);
  const emit = (g: DiagramGroup, depth: number) => {
    const indent = "  ".repeat(depth);
    lines.push(`${indent}subgraph ${g.id}[${label([g.label])}]`);
    for (const n of d.nodes.filter((x) => x.group === g.id)) lines.push(nodeLine(n, `${indent}  `));
    for (const c of children(g.id)) emit(c, depth + 1);
    lines.push(`${indent}end`);
  };
  for (const g of children(undefined)) emit(g, 1);
  for (const n of d.nodes.filter((x) => x.group === undefined)) lines.push(nodeLine(n, "  "));
  for (const e of d.edges) {
    const arrow = e.dashed ? "-.->" : "-->";
    lines.push(`  ${e.from} ${arrow}${e.label ? `|${label([e.label])}|` : ""} ${e.to}`);
  }
  return lines.join("\n");
}
