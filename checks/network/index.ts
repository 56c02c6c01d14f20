import type { AddressBook } from "../../model/network";
import { clusterOf, describeFlow, evaluateFlow, type FlowVerdict } from "./evaluate";
import { deriveFlows } from "./flows";
import { Inventory, type SynthesizedPlatform } from "./inventory";
import type { Flow } from "./types";

export type { SynthesizedPlatform } from "./inventory";

export interface NetworkFlowReport {
  results: { flow: Flow; verdict: FlowVerdict }[];
  /** Destinations without a known location, and every needed flow the policies deny. */
  problems: string[];
}

/** Every flow the configuration needs, evaluated against the rendered NetworkPolicies of its cluster. */
export function checkNetworkFlows(platform: SynthesizedPlatform, book: AddressBook): NetworkFlowReport {
  const { flows, findings } = deriveFlows(platform, book);
  const networks = new Inventory(platform, book).networks;
  const problems = [...findings];
  const results = flows.map((flow) => {
    const cluster = clusterOf(flow);
    const network = networks[cluster] ?? { name: cluster, policies: [], namespaceLabels: {} };
    const verdict = evaluateFlow(network, flow);
    if (!verdict.allowed) {
      const why = [verdict.egress, verdict.ingress].filter((s) => !s.allowed).map((s) => (s.allowed ? "" : s.reason));
      problems.push(`denied in ${cluster}: ${describeFlow(flow)}: ${why.join("; ")}`);
    }
    return { flow, verdict };
  });
  return { results, problems };
}
