import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Synthesis } from "../lib/synthesis";
import { type CodeSpan, codeSpans, type NameIndex, nameIndex } from "./helpers/doc-names";
import { ROOT } from "./helpers/synth";
import { specByName, synthesisOf } from "./helpers/synthesis";

/**
 * Every name the runbooks and the bootstrap guide quote (namespaces, pods, claims, containers, roles,
 * policies, mounts, Vault paths, buckets, KMS aliases, alerts, Terraform addresses, GitOps components)
 * exists in the reference synth. Names are read from code (blocks and inline spans): commands by their
 * arguments (`kubectl -n`, `-c`, `delete pod`, `vault policy read`, Vault API paths, s3:// URLs), prose
 * by the kind word beside the span ("policy `admin`"), and every hyphenated name-like word must be a
 * rendered name or a word of the CLIs' vocabulary below. A file declares names it introduces on purpose
 * (a new service in an example) in a `<!-- runbook-names: new a b -->` comment.
 */

const DOCS = [...readdirSync(join(ROOT, "docs/runbooks")).filter((f) => f.endsWith(".md")).map((f) => `docs/runbooks/${f}`), "docs/bootstrap.md"];

/** Hyphenated words of the tools' own vocabulary (commands, flags' values, settings), never platform names. */
const VOCABULARY = new Set(
  "port-forward list-peers remove-peer step-down generate-root rotate-root rotate-key-on-demand revoke-self lookup-self renew-self audit-hash snapshot-force get-role get-bucket-encryption describe-key describe-cluster describe-volumes cluster-name re-join re-issue re-bootstrap api-audiences controller-revision-hash key-id role-name read-write read-only verify-full verify-ca aes256-gcm96 x-forwarded-for proxy-protocol pod-identity break-glass check-and-set day-2 sync-options deletion-approved cert-manager one-time rsa-2048 certificate-authority-data pki-root vault-eks-platform vault-eks kube-prometheus-stack external-secrets.io gp3 s3api vault-ca.pem auto-unseal auto-sync ext-dns".split(" "),
);

const KIND_WORDS: Record<string, string[]> = {
  policy: ["policy"],
  policies: ["policy"],
  namespace: ["namespace"],
  pod: ["pod"],
  pods: ["pod"],
  claim: ["persistentvolumeclaim"],
  claims: ["persistentvolumeclaim"],
  container: ["container"],
  sidecar: ["container"],
  statefulset: ["statefulset"],
  cronjob: ["cronjob"],
  certificate: ["certificate"],
  secret: ["secret"],
  configmap: ["configmap"],
  storageclass: ["storageclass"],
  clustersecretstore: ["clustersecretstore"],
  poddisruptionbudget: ["poddisruptionbudget"],
  connection: ["connection"],
  role: ["vault-role", "iam-role", "role"],
  mount: ["mount", "auth-mount"],
  bucket: ["bucket"],
  alert: ["alert"],
  alerts: ["alert"],
  component: ["component"],
  externalsecret: ["externalsecret"],
  externalsecrets: ["externalsecret"],
};

const KUBECTL_KINDS: Record<string, string> = { pod: "pod", pods: "pod", pvc: "persistentvolumeclaim", statefulset: "statefulset", secret: "secret", certificate: "certificate", externalsecret: "externalsecret", clustersecretstore: "clustersecretstore", cronjob: "cronjob", storageclass: "storageclass", namespace: "namespace", svc: "service", service: "service", job: "job" };

const isPlaceholder = (t: string) => /[<>$]|\.\.\./.test(t) || t === "";
const isNameLike = (t: string) => /^[a-z0-9]+(-[a-z0-9]+)+$/.test(t);

function checker(index: NameIndex, fresh: Set<string>) {
  const all = new Set([...index.values()].flatMap((s) => [...s]));
  const has = (kinds: string[], name: string) => fresh.has(name) || kinds.some((k) => index.get(k)?.has(name));

  const vaultPath = (path: string): string | undefined => {
    const parts = path.replace(/\/$/, "").split("/");
    const [mount, kind, name] = parts;
    if (mount === "auth") {
      if (kind === "token" || kind === undefined) return undefined;
      if (!has(["auth-mount"], kind)) return `auth mount ${kind}`;
      if (parts[2] === "role" && parts[3] && !isPlaceholder(parts[3]) && !has([`role:${kind}`], parts[3])) return `role ${parts[3]} of auth/${kind}`;
      return undefined;
    }
    if (mount === "sys" || mount === "identity") return undefined;
    if (!has(["mount"], mount)) return `mount ${mount}`;
    if (name === undefined || isPlaceholder(name)) return undefined;
    if (mount === "database") {
      if (kind === "creds" || kind === "roles") return name.endsWith("-") ? ([...index.get("database-role")!].some((r) => r.startsWith(name)) ? undefined : `database roles ${name}*`) : has(["database-role"], name) ? undefined : `database role ${name}`;
      if (kind === "config" || kind === "rotate-root") return has(["connection"], name) ? undefined : `database connection ${name}`;
    }
    if (mount === "pki" && kind === "issue") return has(["pki-role"], name) ? undefined : `PKI role ${name}`;
    if (mount === "secret") {
      const kv = (["data", "metadata"].includes(kind) ? parts.slice(2) : parts.slice(1)).join("/");
      const paths = [...index.get("kv-path")!, ...[...all].filter((p) => p.startsWith("shared-services/"))];
      return paths.some((p) => p === kv || p.startsWith(`${kv}/`)) || kv.split("/").some((seg) => fresh.has(seg)) || /^shared-services\/[a-z]+\/[a-z]+$/.test(kv) ? undefined : `KV path ${kv}`;
    }
    return undefined;
  };

  /** Problems with one token; `kind` when a context says what it must be. */
  const token = (t: string, kind?: string[], address = false): string | undefined => {
    if (isPlaceholder(t)) return undefined;
    if (kind) return has(kind, t) ? undefined : `${kind[0]} ${t}`;
    if (t.startsWith("s3://")) {
      const [bucket, prefix] = t.slice(5).split("/");
      return has(["bucket"], bucket) ? (prefix === undefined || prefix === "" || prefix === "raft" ? undefined : `snapshot prefix ${prefix}`) : `bucket ${bucket}`;
    }
    if (t.startsWith("alias/")) return has(["kms-alias"], t) ? undefined : `KMS alias ${t}`;
    if (/^(auth|sys|secret|database|pki|pki-root|transit|identity)\/\S*$/.test(t)) return vaultPath(t);
    if (/^(docs|examples|spec)\/[\w./-]+\.(md|ts|ya?ml|json)(#[\w-]+)?$/.test(t)) return existsSync(join(ROOT, t.replace(/#.*/, ""))) ? undefined : `file ${t}`;
    if (/^dist\/[^/]+\/[^/]+\/?$/.test(t)) {
      const [, cluster, component] = t.split("/");
      return has(["cluster"], cluster) && has(["component"], component) ? undefined : `GitOps folder ${t}`;
    }
    if (/^(aws|vault|terraform)_[a-z0-9_]+\.[a-z0-9_]+$/.test(t)) return has(address ? ["terraform-address"] : ["terraform-address", "terraform-argument"], t) ? undefined : `Terraform resource ${t}`;
    if (/^(Vault|ExternalSecret)[A-Z]\w+$/.test(t)) return has(["alert", "kind"], t) ? undefined : `alert ${t}`;
    const slash = /^([a-z]+)\/([a-z0-9.-]+)$/.exec(t);
    if (slash && KUBECTL_KINDS[slash[1]]) return token(slash[2], [KUBECTL_KINDS[slash[1]]]);
    if (/^[a-z0-9-]+(\.[a-z0-9-]+)+(:\d+)?$/.test(t) && !/\.(md|pem|snap|asc|json|ya?ml|io|com|log|\d+)$/.test(t)) {
      return t.replace(/:\d+$/, "").split(".").filter(isNameLike).map((l) => token(l)).find(Boolean);
    }
    if (isNameLike(t) && !VOCABULARY.has(t) && !all.has(t) && !fresh.has(t)) return `name ${t}`;
    return undefined;
  };

  const command = (words: string[]): string[] => {
    const problems: (string | undefined)[] = [];
    // After `--` a kubectl command line holds the container's own command.
    const end = words[0] === "kubectl" && words.includes("--") ? words.indexOf("--") : words.length;
    for (let i = 0; i < end; i++) {
      const w = words[i];
      const next = words[i + 1];
      if ((w === "-n" || w === "--namespace") && next) problems.push(token(next, ["namespace"]), (i++, undefined));
      else if (w === "-c" && next && words[0] === "kubectl") problems.push(token(next, ["container"]), (i++, undefined));
      else if (w === "-l" && next && words[0] === "kubectl") problems.push(...next.split(",").map((l) => (has(["label"], l) ? undefined : `label ${l}`))), i++;
      else if (words[0] === "kubectl" && KUBECTL_KINDS[w] && ["delete", "get", "wait", "describe", "patch"].includes(words[i - 1] ?? "")) {
        for (let j = i + 1; j < words.length && !words[j].startsWith("-"); j++, i++) problems.push(token(words[j], [KUBECTL_KINDS[w]]));
      } else if (words[0] === "vault" && words[1] === "policy" && words[2] === "read" && i === 3) problems.push(token(w, ["policy"]));
      else if (w.startsWith("role=")) problems.push(token(w.slice(5), ["vault-role", "policy"]));
      else if (w.startsWith("-") && w.includes("=")) problems.push(token(w.slice(w.indexOf("=") + 1).replace(/^'|'$/g, ""), undefined, w.startsWith("-replace=")));
      else if (!w.startsWith("-")) problems.push(token(w));
    }
    return problems.filter((p): p is string => p !== undefined);
  };

  return (span: CodeSpan): string[] => {
    const words = span.text.split(/[\s"'(),;|&{}[\]]+/).filter((w) => w !== "" && !w.startsWith("#"));
    const comment = span.text.indexOf(" # ");
    const code = comment >= 0 ? span.text.slice(0, comment) : span.text;
    if (span.block || /^(kubectl|vault|aws|npx|npm|terraform|jq) /.test(span.text)) return command(code.split(/[\s"'(),;|&{}[\]]+/).filter((w) => w !== ""));
    const context = [span.before.split(" ").pop(), span.after.split(" ")[0]].map((w) => (w ?? "").toLowerCase().replace(/[^a-z]/g, ""));
    const kind = context.map((w) => KIND_WORDS[w]).find(Boolean);
    if (kind && words.length === 1) return [token(words[0], kind)].filter((p): p is string => p !== undefined);
    return words.map((w) => token(w)).filter((p): p is string => p !== undefined);
  };
}

let synthesis: Synthesis;
beforeAll(async () => {
  synthesis = await synthesisOf(specByName("reference"));
}, 120_000);

const newNames = (text: string) => new Set([...text.matchAll(/<!-- runbook-names: new ([^>]*?) -->/g)].flatMap((m) => m[1].split(/\s+/)));

describe("runbooks and the bootstrap guide quote only names the reference synth renders", () => {
  it.each(DOCS)("%s", (file) => {
    const text = readFileSync(join(ROOT, file), "utf8");
    const check = checker(nameIndex(synthesis), newNames(text));
    const problems = codeSpans(text).flatMap((span) => check(span).map((p) => `${p} (in \`${span.text}\`)`));
    expect(problems).toEqual([]);
  });

  it("every runbook has preconditions, steps and a way to verify, and the runbook index lists it", () => {
    const index = readFileSync(join(ROOT, "docs/runbooks/README.md"), "utf8");
    for (const file of DOCS.filter((f) => f.startsWith("docs/runbooks/") && !f.endsWith("README.md"))) {
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const section of ["## Preconditions", "## Steps", "## Verify"]) expect(text, `${file}: ${section}`).toContain(section);
      expect(index, file).toContain(`(${file.slice("docs/runbooks/".length)})`);
    }
  });

  it("the checker finds a wrong name in each kind of quote (the test can fail)", () => {
    const check = checker(nameIndex(synthesis), new Set());
    const wrong: [string, string][] = [
      ["kubectl -n vualt get pods", "namespace vualt"],
      ["kubectl -n vault delete pod vault-7", "pod vault-7"],
      ["kubectl -n vault delete pvc data-vault-9", "persistentvolumeclaim data-vault-9"],
      ["kubectl -n vault logs vault-0 -c sidecar", "container sidecar"],
      ["vault policy read eso-qa", "policy eso-qa"],
      ["vault read auth/kubernetes/role/eso-qa", "role eso-qa of auth/kubernetes"],
      ["vault lease revoke -prefix database/creds/dev-billing-service-users", "database role dev-billing-service-users"],
      ["vault write -f database/rotate-root/qa-users", "database connection qa-users"],
      ["aws s3 ls s3://shop-vault-backups/raft/", "bucket shop-vault-backups"],
      ["terraform apply -replace=vault_generic_endpoint.database_rotate_root_qa_users", "Terraform resource vault_generic_endpoint.database_rotate_root_qa_users"],
      ["kubectl get clustersecretstore vault-qa", "clustersecretstore vault-qa"],
    ];
    for (const [text, problem] of wrong) expect(check({ text, block: true, before: "", after: "" }), text).toContain(problem);
    expect(check({ text: "eso-qa", block: false, before: "the", after: "policy" })).toEqual(["policy eso-qa"]);
    expect(check({ text: "VaultSealedForever", block: false, before: "alert", after: "" })).toEqual(["alert VaultSealedForever"]);
    expect(check({ text: "alias/shop-vault-seal", block: false, before: "", after: "" })).toEqual(["KMS alias alias/shop-vault-seal"]);
  });
});
