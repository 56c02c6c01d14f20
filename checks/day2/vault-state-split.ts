import { compareStrings } from "../../lib/compare";
import { isVaultStack, type Obj } from "../../lib/synthesis";
import { vaultStackNames } from "../../model/names";
import { type Day2Note, runbook } from "./types";

const addresses = (json: Obj): string[] => Object.entries<Record<string, unknown>>(json?.resource ?? {}).flatMap(([type, rs]) => Object.keys(rs ?? {}).map((name) => `${type}.${name}`));

/**
 * The base applies the Vault layer as the single `vault` stack (one Terraform state) and the head
 * splits it into vault-core and vault-<env>. The objects exist in Vault and in the old state: applying
 * the new stacks without moving their state first would create them again (mounts and auth methods
 * fail as already in use; policies and roles are silently overwritten) while the old state still owns
 * them. A note of the rendered stacks, not of the models: the base's model is built by today's code.
 */
export function vaultStateSplitNotes(base: Record<string, Obj>, head: Record<string, Obj>): Day2Note[] {
  const legacy = base[vaultStackNames.legacy];
  if (!legacy || head[vaultStackNames.legacy]) return [];
  const old = new Set(addresses(legacy));
  const moves = Object.entries(head)
    .filter(([name]) => isVaultStack(name))
    .map(([name, json]) => [name, addresses(json).filter((a) => old.has(a)).length] as const)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => (a === vaultStackNames.core ? -1 : b === vaultStackNames.core ? 1 : compareStrings(a, b)));
  if (moves.length === 0) return [];
  return [
    {
      id: "VEP-D12",
      severity: "warning",
      message:
        `the Vault layer moves from one Terraform state (stack ${vaultStackNames.legacy}, ${old.size} resources) to one per stack: ${moves.map(([n, c]) => `${n} ${c}`).join(", ")}. ` +
        `Move each resource's state to its new stack before any apply (nothing in Vault changes); applying the new stacks first would create ` +
        `objects that exist (mounts fail, policies and roles are overwritten) while the old state still owns them.`,
      runbook: runbook("split-vault-state"),
    },
  ];
}
