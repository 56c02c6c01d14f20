import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { secretReachability } from "../checks/cross/vep-x01-secret-reachability";
import { runChecks } from "../checks/run";
import { kubernetesFiles, writeFiles } from "../lib/write-synthesis";
import type { Synthesis } from "../lib/synthesis";
import { validateManifests } from "./helpers/k8s-validate";
import { kustomizeBuild } from "./helpers/kustomize";
import { specByName, synthesisOf } from "./helpers/synthesis";

/**
 * The agent-injector delivery (examples/agent-injector.yaml, service api): the emitted kustomize
 * Component patches a plain Deployment with kubectl kustomize into a valid one carrying the
 * injector's annotations, the service's own account and a Vault-audience token; the files the agent
 * renders are exactly the keys ESO's Secrets would hold; the reachability check follows the patch.
 */
const COMPONENT = "inject/env-dev/agent-injector/api/kustomization.yaml";
let good: Synthesis;
beforeAll(async () => void (good = await synthesisOf(specByName("examples/agent-injector.yaml"))));

const sampleDeployment = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "api-server", namespace: "dev" },
  spec: {
    selector: { matchLabels: { app: "api" } },
    template: {
      metadata: { labels: { app: "api" }, annotations: { "example.com/keep": "yes" } },
      spec: { containers: [{ name: "api", image: "registry.example.com/api:1.0.0" }], volumes: [{ name: "scratch", emptyDir: {} }] },
    },
  },
};

describe("agent-injector Component", () => {
  it("kubectl kustomize applies it to a sample Deployment: annotations merged, token volume added by name, the service's account", () => {
    const dist = join(mkdtempSync(join(tmpdir(), "vep-inject-")), "dist");
    writeFiles(dist, kubernetesFiles(good.kubernetes));
    const app = join(dist, "..", "app");
    mkdirSync(app);
    writeFileSync(join(app, "deployment.yaml"), stringify(sampleDeployment));
    writeFileSync(join(app, "kustomization.yaml"), stringify({ apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization", resources: ["deployment.yaml"], components: ["../dist/inject/env-dev/agent-injector/api"] }));
    const built = kustomizeBuild(app);
    expect(built.ok, built.stderr).toBe(true);
    // The built Deployment, read as plain data.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const [d] = built.objects as any[];
    const pod = d.spec.template;
    expect(validateManifests([d])).toEqual([]);
    expect(pod.metadata.annotations).toMatchObject({
      "example.com/keep": "yes",
      "vault.hashicorp.com/agent-inject": "true",
      "vault.hashicorp.com/role": "svc-dev-api",
      "vault.hashicorp.com/auth-path": "auth/kubernetes",
      "vault.hashicorp.com/service": "https://vault-active.vault.svc:8200",
      "vault.hashicorp.com/tls-secret": "vault-ca",
      "vault.hashicorp.com/ca-cert": "/vault/tls/ca.crt",
      "vault.hashicorp.com/agent-service-account-token-volume-name": "vault-token",
    });
    expect(pod.spec.serviceAccountName).toBe("api");
    // Strategic merge by name: both volumes, whatever order kustomize writes them in.
    expect([...pod.spec.volumes].sort((a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name))).toEqual([
      { name: "scratch", emptyDir: {} },
      { name: "vault-token", projected: { sources: [{ serviceAccountToken: { audience: "vault", expirationSeconds: 3600, path: "token" } }] } },
    ]);
    // One file per key ESO's Secrets would hold, in one folder per Secret.
    const files = Object.entries(pod.metadata.annotations)
      .filter(([k]) => k.startsWith("vault.hashicorp.com/agent-inject-file-"))
      .map(([k, v]) => `${pod.metadata.annotations[k.replace("agent-inject-file-", "secret-volume-path-")]}/${v}`)
      .sort();
    expect(files).toEqual(["/vault/secrets/api-config/API_TOKEN", "/vault/secrets/api-config/SIGNING_KEY", "/vault/secrets/api-redis/REDIS_URL"]);
    expect(pod.metadata.annotations["vault.hashicorp.com/agent-inject-template-api-redis-0"]).toBe(
      '{{- with secret "secret/data/shared-services/redis/dev" -}}rediss://:{{ .Data.data.password | urlquery }}@redis.dev.inject.internal:6379{{- end -}}',
    );
  });

  it("the environment folder's kustomization leaves the Component out (Argo CD and Flux never apply it)", () => {
    const files = kubernetesFiles(good.kubernetes);
    expect(files[COMPONENT]).toMatch(/^kind: Component$/m);
    expect(files["inject/env-dev/kustomization.yaml"]).not.toMatch(/agent-injector/);
    expect(Object.keys(good.kubernetes.manifests).some((k) => k.includes("agent-injector"))).toBe(false);
  });
});

describe("agent-injector reachability (VEP-X01)", () => {
  const findings = async (edit: (s: Synthesis) => void = () => {}) => {
    const s = structuredClone(good);
    edit(s);
    return (await runChecks(s, { checks: [secretReachability] })).findings.map((f) => `${f.resource}: ${f.message}`);
  };
  const patch = (s: Synthesis) => s.model.kubernetes.clusters[0].environments[0].agentInjector[0];

  it("every path the agent reads is granted to the service's own role", async () => {
    expect(await findings()).toEqual([]);
  });

  it("a template pointed at another service's secret is refused", async () => {
    const out = await findings((s) => void (patch(s).annotations["vault.hashicorp.com/agent-inject-secret-api-config-0"] = "secret/data/apps/dev/worker/queue"));
    expect(out).toEqual([
      `${COMPONENT}: role svc-dev-api's policies [svc-dev-api] do not grant read on secret/data/apps/dev/worker/queue (grants nothing there): add it to policy svc-dev-api, or point the read at a path the role may read`,
    ]);
  });

  it("the patch running the pod as another account is refused by the role's binding", async () => {
    const out = await findings((s) => void (patch(s).serviceAccount = "worker"));
    expect(out[0]).toBe(`${COMPONENT}: role svc-dev-api binds service accounts [api] in [dev], not the Vault Agent of api's serviceAccountRef dev/worker`);
  });
});
