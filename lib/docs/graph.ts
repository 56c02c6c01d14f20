/** A diagram as plain data: decided by lib/docs/architecture-graph.ts, rendered by lib/docs/mermaid.ts. */

export type NodeShape = "box" | "round" | "cylinder" | "hexagon" | "stadium";

export interface DiagramNode {
  id: string;
  /** Lines of the label. */
  label: string[];
  shape: NodeShape;
  /** The group (subgraph) holding the node; absent at the top level. */
  group?: string;
}

export interface DiagramGroup {
  id: string;
  label: string;
  parent?: string;
}

export interface DiagramEdge {
  from: string;
  to: string;
  label?: string;
  dashed?: boolean;
}

export interface Diagram {
  title: string;
  /** One paragraph under the title: how to read the picture. */
  caption: string;
  groups: DiagramGroup[];
  nodes: DiagramNode[];
  edges: DiagramEdge[];
}

/** A stable, Mermaid-safe id for a named thing of one kind (distinct names give distinct ids). */
export function nodeId(kind: string, name: string): string {
  const escaped = name.replace(/[^A-Za-z0-9]/g, (c) => ({ "-": "_h", "/": "_s", ".": "_d", "*": "_a", "+": "_p", _: "__", ":": "_c" })[c] ?? `_x${c.charCodeAt(0).toString(16)}`);
  return `${kind}_${escaped}`;
}

/** Collects nodes, groups and edges, each once, in the order first added (deterministic output). */
export class DiagramBuilder {
  private readonly groups = new Map<string, DiagramGroup>();
  private readonly nodes = new Map<string, DiagramNode>();
  private readonly edges = new Map<string, DiagramEdge>();

  group(id: string, label: string, parent?: string): string {
    if (!this.groups.has(id)) this.groups.set(id, { id, label, ...(parent ? { parent } : {}) });
    return id;
  }

  node(id: string, label: string[], shape: NodeShape, group?: string): string {
    if (!this.nodes.has(id)) this.nodes.set(id, { id, label, shape, ...(group ? { group } : {}) });
    return id;
  }

  edge(from: string, to: string, label?: string, dashed = false): void {
    const key = `${from}>${to}>${label ?? ""}`;
    if (!this.edges.has(key)) this.edges.set(key, { from, to, ...(label ? { label } : {}), ...(dashed ? { dashed } : {}) });
  }

  build(title: string, caption: string): Diagram {
    for (const e of this.edges.values()) {
      for (const end of [e.from, e.to]) if (!this.nodes.has(end)) throw new Error(`diagram ${title}: edge to unknown node ${end}`);
    }
    return { title, caption, groups: [...this.groups.values()], nodes: [...this.nodes.values()], edges: [...this.edges.values()] };
  }
}
