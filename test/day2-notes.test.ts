import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type Day2Note, day2Notes } from "../checks/day2";
import type { PlatformSpecInput } from "../spec/schema";
import { type RenderedObject, synthDist } from "./helpers/dist";
import { modelOf, referenceCopy, ROOT, vclusterExample, yieldToWorker } from "./helpers/synth";
import { byArg, synthStacks } from "./helpers/vault-stack";

/**
 * Issue 14, items 7 to 10 (and the refusals of 1-6): base/head spec pairs, asserting on the
 * synthesized diff and on the day-2 notes the PR review will print (checks/day2).
 */

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any
const notesOf = (base: PlatformSpecInput, head: PlatformSpecInput) => day2Notes(modelOf(base), modelOf(head));
const summary = (notes: Day2Note[]) => notes.map((n) => `${n.id} ${n.severity}${n.runbook ? ` ${n.runbook}` : ""}`);
const key = (o: Json) => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ""}${o.metadata.name}`;

describe("(issue 14.7) GitOps never prunes a namespace or Vault's StatefulSet on its own", () => {
  const guards = (objects: RenderedObject[]) =>
    Object.fromEntries(
      objects
        .filter((o) => o.obj.kind === "Namespace" || o.obj.kind === "StatefulSet")
        .map((o) => [key(o.obj), [o.obj.metadata.annotations?.["argocd.argoproj.io/sync-options"], o.obj.metadata.annotations?.["kustomize.toolkit.fluxcd.io/prune"]]]),
    );

  it("reference spec: Vault's namespace and StatefulSet are never deleted; environment namespaces only after a person confirms", () => {
    expect(guards(synthDist(referenceCopy()).objects)).toEqual({
      "Namespace vault": ["Prune=false,Delete=false", "disabled"],
      "StatefulSet vault/vault": ["Prune=false,Delete=false", "disabled"],
      "Namespace dev": ["Prune=confirm,Delete=confirm", "disabled"],
      "Namespace staging": ["Prune=confirm,Delete=confirm", "disabled"],
      "Namespace production": ["Prune=confirm,Delete=confirm", "disabled"],
    });
  });

  it("every rendered Namespace carries a guard, in every cluster (vcluster example)", () => {
    const namespaces = synthDist(vclusterExample()).objects.filter((o) => o.obj.kind === "Namespace");
    expect(namespaces.length).toBeGreaterThan(2);
    for (const ns of namespaces) expect(ns.obj.metadata.annotations?.["argocd.argoproj.io/sync-options"], ns.file).toMatch(/^Prune=(false|confirm),Delete=(false|confirm)$/);
  });

  it("base -> head removing the staging environment: its folder leaves Git, its namespace waits for a person, its leases are revoked first", async () => {
    const head = referenceCopy();
    head.environments = head.environments.filter((e) => e.name !== "staging");
    for (const svc of head.services!) svc.environments = svc.environments.filter((e) => e !== "staging");
    for (const shared of head.sharedServices!) delete shared.endpoints.staging;
    head.ciConsumers![0].extraReadPaths = ["clusters/dev", "clusters/production"];
    const base = synthDist(referenceCopy());
    await yieldToWorker();
    expect(base.folders).toContain("shop-platform/env-staging");
    expect(synthDist(head).folders).not.toContain("shop-platform/env-staging");
    await yieldToWorker();
    expect(base.objects.find((o) => key(o.obj) === "Namespace staging")!.obj.metadata.annotations["argocd.argoproj.io/sync-options"]).toBe("Prune=confirm,Delete=confirm");
    const notes = notesOf(referenceCopy(), head);
    // staging's own transit key (issue 15: a key per environment) cannot be deleted either.
    expect(summary(notes)).toEqual(["VEP-D10 error", "VEP-D06 warning docs/runbooks/retire-database-role.md", "VEP-D11 warning docs/runbooks/retire-environment.md"]);
    expect(notes[0].message).toContain("transit key staging-payments is removed while deletionAllowed is false");
    notes.splice(0, 1);
    expect(notes[0].message).toContain("vault lease revoke -prefix database/creds/staging-payment-service-payments; vault lease revoke -prefix database/creds/staging-payment-service-users; vault lease revoke -prefix database/creds/staging-user-service-users");
    expect(notes[0].message).toContain("(and connections staging-payments, staging-users)");
    expect(notes[1].message).toContain("environment staging is removed: GitOps stops managing shop-platform/env-staging. Namespace staging is pruned only after a person confirms it");
  });
});

/**
 * What the API server accepts as an update, written out from Kubernetes (apps/validation
 * ValidateStatefulSetUpdate; storage/validation ValidateStorageClassUpdate): a StatefulSet's spec may
 * change only in these fields; a StorageClass's parameters, provisioner, reclaimPolicy and
 * volumeBindingMode never.
 */
const STATEFULSET_UPDATABLE = ["replicas", "ordinals", "template", "updateStrategy", "revisionHistoryLimit", "persistentVolumeClaimRetentionPolicy", "minReadySeconds"];
const STORAGECLASS_IMMUTABLE = ["parameters", "provisioner", "reclaimPolicy", "volumeBindingMode"];

function refusedUpdates(base: RenderedObject[], head: RenderedObject[]): string[] {
  const before = new Map(base.map((o) => [key(o.obj), o.obj]));
  const refused: string[] = [];
  for (const { obj } of head) {
    const old = before.get(key(obj));
    if (!old) continue;
    if (obj.kind === "StatefulSet") {
      const frozen = (spec: Json) => JSON.stringify(Object.fromEntries(Object.entries(spec).filter(([k]) => !STATEFULSET_UPDATABLE.includes(k))));
      if (frozen(old.spec) !== frozen(obj.spec)) refused.push(key(obj));
    }
    if (obj.kind === "StorageClass" && STORAGECLASS_IMMUTABLE.some((f) => JSON.stringify(old[f]) !== JSON.stringify(obj[f]))) refused.push(key(obj));
  }
  return refused;
}

describe("(issue 14.8) changes the API server refuses are caught before the sync fails forever", () => {
  const KMS = "arn:aws:kms:eu-west-1:111122223333:key/0b8c6a4e-1f2d-4c3b-9a8e-7d6c5b4a3f21";
  const vault = (edit: (v: Json) => void) => () => {
    const s = referenceCopy();
    edit(s.vault);
    return s;
  };
  const cases: [string, () => PlatformSpecInput, string[], string[]][] = [
    ["dataSize 10Gi -> 20Gi", vault((v) => (v.storage = { dataSize: "20Gi" })), ["StatefulSet vault/vault"], ["VEP-D03 warning docs/runbooks/vault-volume-resize.md"]],
    ["dataSize 10Gi -> 5Gi", vault((v) => (v.storage = { dataSize: "5Gi" })), ["StatefulSet vault/vault"], ["VEP-D03 error"]],
    ["auditSize 10Gi -> 20Gi", vault((v) => (v.storage = { auditSize: "20Gi" })), ["StatefulSet vault/vault"], ["VEP-D03 warning docs/runbooks/vault-volume-resize.md"]],
    ["ebsKmsKeyArn set", vault((v) => (v.storage = { ebsKmsKeyArn: KMS })), ["StorageClass vault-gp3-encrypted"], ["VEP-D04 warning docs/runbooks/vault-storage-class.md"]],
    ["cpu 1 -> 2 (template only)", vault((v) => (v.resources = { cpu: "2", memory: "2Gi" })), [], []],
    ["replicas 3 -> 5", vault((v) => (v.replicas = 5)), [], ["VEP-D05 info"]],
    ["no change", referenceCopy, [], []],
  ];

  let base: RenderedObject[];
  beforeAll(() => {
    base = synthDist(referenceCopy()).objects;
  });

  it.each(cases)("%s: refused by the API server exactly when the review raises it", async (_name, head, refused, notes) => {
    expect(refusedUpdates(base, synthDist(head()).objects)).toEqual(refused);
    await yieldToWorker();
    expect(summary(notesOf(referenceCopy(), head()))).toEqual(notes);
  });

  it("the resize note gives the orphan-delete with the real names", () => {
    const [note] = notesOf(referenceCopy(), cases[0][1]());
    expect(note.message).toContain("vault.storage.dataSize 10Gi -> 20Gi");
    expect(note.message).toContain("kubectl -n vault delete statefulset vault --cascade=orphan");
  });
});

describe("(issue 14.9) scaling Vault down: Terraform (min_quorum) before the StatefulSet", () => {
  const replicas = (n: number) => {
    const s = referenceCopy();
    s.vault.replicas = n;
    return s;
  };

  it("base 5 -> head 3: min_quorum and replicas both drop; the review orders them and names the departing voters", async () => {
    const rendered: unknown[][] = [];
    for (const n of [5, 3]) {
      const quorum = Object.values(synthStacks(replicas(n)).vault.resource.vault_raft_autopilot)[0].min_quorum;
      await yieldToWorker();
      const sts = synthDist(replicas(n)).objects.find((o) => o.obj.kind === "StatefulSet")!.obj.spec.replicas;
      await yieldToWorker();
      rendered.push([quorum, sts]);
    }
    expect(rendered).toEqual([
      [5, 5],
      [3, 3],
    ]);
    const notes = notesOf(replicas(5), replicas(3));
    expect(summary(notes)).toEqual(["VEP-D05 warning docs/runbooks/vault-scale-down.md"]);
    expect(notes[0].message).toContain("apply the vault stack before the manifests sync (terraform apply lowers the autopilot min_quorum 5 -> 3)");
    expect(notes[0].message).toContain("the peers at vault-3.vault-internal:8201, vault-4.vault-internal:8201");
  });
});

describe("(issue 14.10) retiring a database: leases are revoked before Terraform deletes the role", () => {
  it("base -> head where payment-service stops using users: three roles leave the stack; the review gives the exact revocations", async () => {
    const head = referenceCopy();
    head.services![1].databases = [{ name: "payments", access: "read-write" }];
    const roles = (spec: PlatformSpecInput) => Object.keys(byArg(synthStacks(spec).vault, "vault_database_secret_backend_role", "name"));
    const before = roles(referenceCopy());
    await yieldToWorker();
    const after = roles(head);
    const gone = before.filter((r) => !after.includes(r));
    expect(gone).toEqual(["dev-payment-service-users", "production-payment-service-users", "staging-payment-service-users"]);
    const notes = notesOf(referenceCopy(), head);
    expect(summary(notes)).toEqual(["VEP-D06 warning docs/runbooks/retire-database-role.md"]);
    for (const role of gone) expect(notes[0].message).toContain(`vault lease revoke -prefix database/creds/${role}`);
    expect(notes[0].message).not.toContain("connections");
  });

  it("retiring the payments database altogether names its connections too", () => {
    const head = referenceCopy();
    head.databases = head.databases!.filter((d) => d.name !== "payments");
    head.services![1].databases = [{ name: "users", access: "read-only" }];
    const [note] = notesOf(referenceCopy(), head);
    expect(note.message).toContain("(and connections dev-payments, production-payments, staging-payments)");
  });
});

describe("day-2 notes: refusals and runbooks", () => {
  it("moving Vault to another namespace is refused", () => {
    const head = referenceCopy();
    head.vault.namespace = "vault-system";
    expect(summary(notesOf(referenceCopy(), head))).toContain("VEP-D02 error");
  });

  it("removing a transit key Vault may not delete, or changing its type, is refused", () => {
    const head = referenceCopy();
    head.vault.transit = { keys: [] };
    head.services![1].transitKeys = [];
    head.services![1].vaultLogin = "kubernetes";
    // One key per environment that used it (issue 15), each refused.
    const keysNamed = (notes: { message: string }[]) => notes.map((n) => /transit key ([a-z0-9-]+)/.exec(n.message)![1]);
    const removed = notesOf(referenceCopy(), head);
    expect(summary(removed)).toEqual(["VEP-D10 error", "VEP-D10 error", "VEP-D10 error"]);
    expect(keysNamed(removed)).toEqual(["dev-payments", "production-payments", "staging-payments"]);
    head.vault.transit = { keys: [{ name: "payments", type: "chacha20-poly1305" }] };
    head.services![1].transitKeys = ["payments"];
    const retyped = notesOf(referenceCopy(), head);
    expect(summary(retyped)).toEqual(["VEP-D10 error", "VEP-D10 error", "VEP-D10 error"]);
    expect(retyped[0].message).toContain("type aes256-gcm96 -> chacha20-poly1305 would replace the key");
  });

  it("the same spec twice has nothing to say", () => {
    expect(notesOf(referenceCopy(), referenceCopy())).toEqual([]);
    expect(notesOf(vclusterExample(), vclusterExample())).toEqual([]);
  });

  it("every runbook a note names exists, with preconditions, steps and a way to verify", () => {
    const runbooks = ["vault-volume-resize", "vault-storage-class", "vault-scale-down", "retire-database-role", "retire-environment", "database-bootstrap", "rotate-static-secret"];
    for (const name of runbooks) {
      const file = join(ROOT, "docs/runbooks", `${name}.md`);
      expect(existsSync(file), file).toBe(true);
      const text = readFileSync(file, "utf8");
      for (const section of ["## Preconditions", "## Steps", "## Verify"]) expect(text, `${name}: ${section}`).toContain(section);
    }
  });
});
