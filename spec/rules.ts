import { durationSeconds, quantity, quantityBytes } from "./primitives";
import type { PlatformSpec } from "./schema";
import { nameClaims, nameCollisions } from "../model/name-claims";
import { DEFAULT_API_AUDIENCE, derivedAwsNames, environmentNamespace, isLoopback, kubernetesApiAudience, serviceAccountName, vclusterService } from "../model/names";
import { formatPath } from "./path";
import { ESO_STORE_SERVICE_ACCOUNT, SNAPSHOT_SERVICE_ACCOUNT, VAULT_SERVICE_ACCOUNT } from "../model/names";

/** Defaults of platformWriters.<writer> that rules need before the schema filled them in. */
const WRITER_DEFAULTS = { crossplane: { namespace: "crossplane-system", serviceAccount: "crossplane-vault-writer" }, backstage: { namespace: "backstage", serviceAccount: "backstage" } } as const;

function writersOf(s: PlatformSpec): ["crossplane" | "backstage", { cluster?: unknown; namespace?: string; serviceAccount?: string; environments?: string[] }][] {
  const w = s.platformWriters;
  if (!w || typeof w !== "object") return [];
  return (["backstage", "crossplane"] as const).filter((k) => w[k] && typeof w[k] === "object").map((k) => [k, w[k]!]);
}

/**
 * Rules that relate one part of the spec to another. Field-level constraints are in schema.ts.
 * Rules also run when some fields failed their schema (so every problem is reported at once):
 * they must tolerate missing or malformed values and report only what they can see.
 */
export type Path = (string | number)[];
export interface SpecRule {
  id: string;
  summary: string;
  /**
   * Every spec field the check reads: dotted paths, `[]` for any list item, `*` for any map key
   * (e.g. "services[].environments"). When one of them fails its field check, the rule stays
   * silent. A test records what each rule really reads and requires it listed here.
   */
  reads: string[];
  check(spec: PlatformSpec, report: (path: Path, message: string) => void): void;
}

function readSegments(read: string): string[] {
  return read.replace(/\[\]/g, ".[]").split(".").filter(Boolean);
}

/** True when a problem at `path` is inside the field a rule reads, or is the absence of something on the way to it. */
export function readsConflict(read: string, path: readonly PropertyKey[]): boolean {
  const segments = readSegments(read);
  const n = Math.min(segments.length, path.length);
  for (let i = 0; i < n; i++) {
    const seg = segments[i];
    const part = path[i];
    const match = seg === "[]" ? typeof part === "number" : seg === "*" ? typeof part === "string" : part === seg;
    if (!match) return false;
  }
  return true;
}

const list = <T>(v: T[] | undefined): T[] => (Array.isArray(v) ? v : []);
const isQuantity = (v: unknown): v is string => quantity.safeParse(v).success;
const isDuration = (v: unknown): v is string => typeof v === "string" && /^(\d+h)?(\d+m)?(\d+s)?$/.test(v) && v !== "";

function duplicates<T>(items: T[], key: (t: T) => unknown, report: (index: number, value: unknown) => void): void {
  const seen = new Set<unknown>();
  items.forEach((item, i) => {
    const k = key(item);
    if (k === undefined) return;
    if (seen.has(k)) report(i, k);
    seen.add(k);
  });
}

function ttlOrder(report: (path: Path, message: string) => void, pairs: [Path, unknown, Path, unknown][]): void {
  for (const [pShort, short, pLong, long] of pairs) {
    if (isDuration(short) && isDuration(long) && durationSeconds(short) > durationSeconds(long)) {
      report(pShort, `${short} is longer than ${pLong.join(".")} (${long})`);
    }
  }
}

export const specRules: SpecRule[] = [
  {
    id: "VEP-S01",
    summary: "vault.replicas is odd and at least 3 (Raft quorum survives one loss without split votes)",
    reads: ["vault.replicas"],
    check(s, report) {
      const r = s.vault?.replicas;
      if (typeof r === "number" && (r < 3 || r % 2 === 0)) report(["vault", "replicas"], `must be odd and at least 3 (got ${r})`);
    },
  },
  {
    id: "VEP-S02",
    summary: "names are unique: environments, services, shared services, databases, CI consumers, transit keys",
    reads: ["environments[].name", "services[].name", "sharedServices[].name", "databases[].name", "ciConsumers[].name", "vault.transit.keys[].name", "services[].secrets[].name", "services[].secrets[].keys", "services[].databases[].name", "services[].environments", "services[].sharedServices", "services[].transitKeys"],
    check(s, report) {
      const groups: [Path, { name?: unknown }[]][] = [
        [["environments"], list(s.environments)],
        [["services"], list(s.services)],
        [["sharedServices"], list(s.sharedServices)],
        [["databases"], list(s.databases)],
        [["ciConsumers"], list(s.ciConsumers)],
        [["vault", "transit", "keys"], list(s.vault?.transit?.keys)],
      ];
      for (const [path, items] of groups) {
        duplicates(items, (i) => i?.name, (i, v) => report([...path, i, "name"], `duplicate name "${String(v)}"`));
      }
      list(s.services).forEach((svc, i) => {
        duplicates(list(svc?.secrets), (x) => x?.name, (j, v) => report(["services", i, "secrets", j, "name"], `duplicate secret "${String(v)}" in ${svc.name}`));
        duplicates(list(svc?.databases), (x) => x?.name, (j, v) => report(["services", i, "databases", j, "name"], `database "${String(v)}" listed twice`));
        for (const field of ["environments", "sharedServices", "transitKeys"] as const) {
          duplicates(list(svc?.[field]), (x) => x, (j, v) => report(["services", i, field, j], `"${String(v)}" listed twice`));
        }
        list(svc?.secrets).forEach((sec, j) =>
          duplicates(list(sec?.keys), (k) => k, (k, v) => report(["services", i, "secrets", j, "keys", k], `duplicate key "${String(v)}"`)),
        );
      });
    },
  },
  {
    id: "VEP-S03",
    summary: "namespaces do not collide: each primary-cluster environment has its own namespace, distinct from the Vault, ESO and monitoring namespaces",
    reads: ["vault.namespace", "externalSecrets.namespace", "monitoring.namespace", "environments[].name", "environments[].namespace", "environments[].cluster"],
    check(s, report) {
      const platform = new Map<string, string>([
        [s.vault?.namespace, "vault.namespace"],
        [s.externalSecrets?.namespace, "externalSecrets.namespace"],
        [s.monitoring?.namespace, "monitoring.namespace"],
      ].filter(([ns]) => typeof ns === "string") as [string, string][]);
      if (s.externalSecrets?.namespace === s.vault?.namespace) report(["externalSecrets", "namespace"], `must differ from vault.namespace ("${s.vault.namespace}")`);
      const used = new Map<string, number>();
      list(s.environments).forEach((env, i) => {
        if (env?.cluster?.type !== "primary" && env?.cluster !== undefined) return;
        const ns = environmentNamespace(env);
        if (typeof ns !== "string") return;
        const clash = platform.get(ns);
        if (clash) report(["environments", i, "namespace"], `namespace "${ns}" is already ${clash}`);
        const prev = used.get(ns);
        if (prev !== undefined) report(["environments", i, "namespace"], `namespace "${ns}" is already used by environments[${prev}]`);
        else used.set(ns, i);
      });
    },
  },
  {
    id: "VEP-S04",
    summary: "every environment a service names exists",
    reads: ["environments[].name", "services[].environments"],
    check(s, report) {
      const envs = new Set(list(s.environments).map((e) => e?.name));
      list(s.services).forEach((svc, i) =>
        list(svc?.environments).forEach((e, j) => {
          if (!envs.has(e)) report(["services", i, "environments", j], `unknown environment "${e}" (known: ${[...envs].join(", ")})`);
        }),
      );
    },
  },
  {
    id: "VEP-S05",
    summary: "every database a service uses is declared in databases",
    reads: ["databases[].name", "services[].databases[].name"],
    check(s, report) {
      const dbs = new Set(list(s.databases).map((d) => d?.name));
      list(s.services).forEach((svc, i) =>
        list(svc?.databases).forEach((d, j) => {
          if (!dbs.has(d?.name)) report(["services", i, "databases", j, "name"], `unknown database "${d?.name}"`);
        }),
      );
    },
  },
  {
    id: "VEP-S06",
    summary: "a service's sharedServices are declared and are kafka or redis (PostgreSQL is reached through databases)",
    reads: ["sharedServices[].name", "sharedServices[].kind", "services[].sharedServices"],
    check(s, report) {
      const kinds = new Map(list(s.sharedServices).map((x) => [x?.name, x?.kind]));
      list(s.services).forEach((svc, i) =>
        list(svc?.sharedServices).forEach((name, j) => {
          const kind = kinds.get(name);
          if (kind === undefined) report(["services", i, "sharedServices", j], `unknown shared service "${name}"`);
          else if (kind === "postgres") report(["services", i, "sharedServices", j], `"${name}" is PostgreSQL: list its databases under services[${i}].databases instead`);
        }),
      );
    },
  },
  {
    id: "VEP-S07",
    summary: "a database's server is a shared service of kind postgres",
    reads: ["sharedServices[].name", "sharedServices[].kind", "databases[].server"],
    check(s, report) {
      const kinds = new Map(list(s.sharedServices).map((x) => [x?.name, x?.kind]));
      list(s.databases).forEach((db, i) => {
        const kind = kinds.get(db?.server);
        if (kind === undefined) report(["databases", i, "server"], `unknown shared service "${db?.server}"`);
        else if (kind !== "postgres") report(["databases", i, "server"], `"${db.server}" is ${kind}, not postgres`);
      });
    },
  },
  {
    id: "VEP-S08",
    summary: "shared-service endpoints are keyed by known environments, and every environment that uses a shared service or database has an endpoint for it",
    reads: ["environments[].name", "sharedServices[].name", "sharedServices[].endpoints", "databases[].name", "databases[].server", "services[].environments", "services[].sharedServices", "services[].databases[].name"],
    check(s, report) {
      const envs = new Set(list(s.environments).map((e) => e?.name));
      const byName = new Map(list(s.sharedServices).map((x, i) => [x?.name, i]));
      list(s.sharedServices).forEach((x, i) => {
        for (const env of Object.keys(x?.endpoints ?? {})) {
          if (!envs.has(env)) report(["sharedServices", i, "endpoints", env], `unknown environment "${env}"`);
        }
      });
      const serverOf = new Map(list(s.databases).map((d) => [d?.name, d?.server]));
      const need = (svcName: unknown, env: string, path: Path) => {
        const i = byName.get(svcName as string);
        if (i === undefined) return;
        const endpoints = s.sharedServices[i]?.endpoints ?? {};
        if (!(env in endpoints)) report(path, `${String(svcName)} has no endpoint for environment "${env}" (add sharedServices[${i}].endpoints.${env})`);
      };
      list(s.services).forEach((svc, i) =>
        list(svc?.environments).forEach((env) => {
          if (!envs.has(env)) return;
          list(svc?.sharedServices).forEach((name, j) => need(name, env, ["services", i, "sharedServices", j]));
          list(svc?.databases).forEach((d, j) => need(serverOf.get(d?.name), env, ["services", i, "databases", j, "name"]));
        }),
      );
    },
  },
  {
    id: "VEP-S09",
    summary: "a service's transit keys are declared in vault.transit.keys, and using them requires vaultLogin",
    reads: ["vault.transit.keys[].name", "services[].name", "services[].transitKeys", "services[].vaultLogin"],
    check(s, report) {
      const keys = new Set(list(s.vault?.transit?.keys).map((k) => k?.name));
      list(s.services).forEach((svc, i) => {
        list(svc?.transitKeys).forEach((k, j) => {
          if (!keys.has(k)) report(["services", i, "transitKeys", j], `unknown transit key "${k}"`);
        });
        if (list(svc?.transitKeys).length > 0 && svc?.vaultLogin === "none") {
          report(["services", i, "vaultLogin"], `${svc.name} uses transit keys, so it logs in to Vault itself: set "kubernetes" or "aws-iam"`);
        }
      });
    },
  },
  {
    id: "VEP-S10",
    summary: "the OIDC issuer is the cluster's EKS issuer in the spec's region (https://oidc.eks.<region>.amazonaws.com/id/<ID>)",
    reads: ["cluster.oidcIssuerUrl", "aws.region"],
    check(s, report) {
      const url = s.cluster?.oidcIssuerUrl;
      const region = s.aws?.region;
      if (typeof url !== "string" || typeof region !== "string") return;
      const m = /^https:\/\/oidc\.eks\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/id\/[A-Z0-9]{32}$/.exec(url);
      if (!m) report(["cluster", "oidcIssuerUrl"], `not an EKS OIDC issuer URL: expected https://oidc.eks.${region}.amazonaws.com/id/<32 upper-case hex>`);
      else if (m[1] !== region) report(["cluster", "oidcIssuerUrl"], `issuer is in ${m[1]} but aws.region is ${region}`);
    },
  },
  {
    id: "VEP-S11",
    summary: "the region belongs to the partition (aws-cn: cn-*, aws-us-gov: us-gov-*)",
    reads: ["aws.partition", "aws.region"],
    check(s, report) {
      const { partition, region } = s.aws ?? ({} as PlatformSpec["aws"]);
      if (typeof region !== "string") return;
      const expected = region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
      if ((partition ?? "aws") !== expected) report(["aws", "partition"], `region ${region} is in partition ${expected}`);
    },
  },
  {
    id: "VEP-S12",
    summary: "derived AWS names fit AWS limits (S3 bucket 63, IAM role 64 characters)",
    reads: ["name", "aws.accountId", "aws.region", "services[].name", "services[].vaultLogin", "services[].environments"],
    check(s, report) {
      if (typeof s.name !== "string" || typeof s.aws?.accountId !== "string" || typeof s.aws?.region !== "string") return;
      const names = derivedAwsNames(s);
      if (names.snapshotBucket.length > 63) {
        report(["name"], `the snapshot bucket name "${names.snapshotBucket}" is ${names.snapshotBucket.length} characters (S3 allows 63): shorten the platform name`);
      }
      for (const role of names.allRoleNames) {
        if (role.length > 64) report(["name"], `the IAM role name "${role}" is ${role.length} characters (IAM allows 64): shorten the platform or service name`);
      }
    },
  },
  {
    id: "VEP-S13",
    summary: "lifetimes are ordered: ttl <= max ttl for tokens, database credentials, certificates and CAs; TLS renewBefore < duration",
    reads: ["vault.auth.kubernetes", "vault.pki", "vault.tls", "environments[].databaseCredentials", "environments[].production"],
    check(s, report) {
      const k = s.vault?.auth?.kubernetes;
      const pki = s.vault?.pki;
      const tls = s.vault?.tls;
      ttlOrder(report, [
        [["vault", "auth", "kubernetes", "tokenTtl"], k?.tokenTtl, ["vault", "auth", "kubernetes", "tokenMaxTtl"], k?.tokenMaxTtl],
        [["vault", "pki", "certTtl"], pki?.certTtl, ["vault", "pki", "certMaxTtl"], pki?.certMaxTtl],
        [["vault", "pki", "certMaxTtl"], pki?.certMaxTtl, ["vault", "pki", "intermediateTtl"], pki?.intermediateTtl],
        [["vault", "pki", "intermediateTtl"], pki?.intermediateTtl, ["vault", "pki", "rootTtl"], pki?.rootTtl],
      ]);
      if (tls?.source === "cert-manager" && isDuration(tls.renewBefore) && isDuration(tls.duration) && durationSeconds(tls.renewBefore) >= durationSeconds(tls.duration)) {
        report(["vault", "tls", "renewBefore"], `must be shorter than vault.tls.duration (${tls.duration})`);
      }
      list(s.environments).forEach((env, i) => {
        const c = env?.databaseCredentials;
        const maxTtl = c?.maxTtl ?? (env?.production ? "8h" : "24h");
        ttlOrder(report, [[["environments", i, "databaseCredentials", "defaultTtl"], c?.defaultTtl, ["environments", i, "databaseCredentials", "maxTtl"], maxTtl]]);
      });
    },
  },
  {
    id: "VEP-S14",
    summary: "an environment named prod/production/prd is marked production: true (developers are denied production)",
    reads: ["environments[].name", "environments[].production"],
    check(s, report) {
      list(s.environments).forEach((env, i) => {
        if (/^(prod|production|prd)(-|$)/.test(String(env?.name)) && env?.production !== true) {
          report(["environments", i, "production"], `environment "${env.name}" looks like production: set production: true (developers are denied production paths)`);
        }
      });
    },
  },
  {
    id: "VEP-S15",
    summary: "service accounts are unique among services (a Vault role binds one workload, not two)",
    reads: ["services[].name", "services[].serviceAccount"],
    check(s, report) {
      duplicates(list(s.services), (svc) => (typeof svc?.name === "string" ? serviceAccountName(svc) : undefined), (i, v) =>
        report(["services", i, "serviceAccount"], `service account "${String(v)}" is already used by another service`),
      );
    },
  },
  {
    id: "VEP-S16",
    summary: "dedicated clusters (vcluster/eks) have unique names, one environment each",
    reads: ["environments[].cluster", "cluster.name"],
    check(s, report) {
      duplicates(list(s.environments), (e) => (e?.cluster?.type === "primary" ? undefined : e?.cluster?.name), (i, v) =>
        report(["environments", i, "cluster", "name"], `cluster "${String(v)}" already hosts another environment`),
      );
      list(s.environments).forEach((e, i) => {
        if (e?.cluster && e.cluster.type !== "primary" && typeof e.cluster.name === "string" && e.cluster.name === s.cluster?.name) {
          report(["environments", i, "cluster", "name"], `"${e.cluster.name}" is the primary cluster's name: use { type: "primary" }`);
        }
      });
    },
  },
  {
    id: "VEP-S17",
    summary: "the Secrets Manager store, when enabled, has a prefix narrower than the whole account",
    reads: ["externalSecrets.secretsManager"],
    check(s, report) {
      const sm = s.externalSecrets?.secretsManager;
      if (sm?.enabled && typeof sm.secretNamePrefix === "string" && sm.secretNamePrefix.replace(/\/$/, "").length < 2) {
        report(["externalSecrets", "secretsManager", "secretNamePrefix"], "too broad: use a prefix of at least two characters such as shop/");
      }
    },
  },
  {
    id: "VEP-S18",
    summary: "ci consumers' extraReadPaths name known environments and shared services",
    reads: ["environments[].name", "sharedServices[].name", "ciConsumers[].extraReadPaths"],
    check(s, report) {
      const envs = new Set(list(s.environments).map((e) => e?.name));
      const shared = new Set(list(s.sharedServices).map((x) => x?.name));
      list(s.ciConsumers).forEach((c, i) =>
        list(c?.extraReadPaths).forEach((p, j) => {
          if (typeof p !== "string") return;
          const [top, name] = p.split("/");
          if (top === "clusters" && !envs.has(name)) report(["ciConsumers", i, "extraReadPaths", j], `unknown environment "${name}" in ${p}`);
          if (top === "shared-services" && !shared.has(name)) report(["ciConsumers", i, "extraReadPaths", j], `unknown shared service "${name}" in ${p}`);
        }),
      );
    },
  },
  {
    id: "VEP-S19",
    summary: "no environment name is another's name followed by '-' (dev and dev-eu would share the database/creds/dev-* grant)",
    reads: ["environments[].name"],
    check(s, report) {
      const names = list(s.environments).map((e) => e?.name).filter((n): n is string => typeof n === "string");
      list(s.environments).forEach((env, i) => {
        const clash = names.find((other) => other !== env?.name && typeof env?.name === "string" && env.name.startsWith(`${other}-`));
        if (clash) report(["environments", i, "name"], `"${env.name}" starts with "${clash}-": policies granting ${clash}-* would reach it; rename one of them`);
      });
    },
  },
  {
    id: "VEP-S20",
    summary: "services with vaultLogin aws-iam run only in primary-cluster environments (IAM trust names the primary cluster's identity provider)",
    reads: ["environments[].name", "environments[].cluster", "services[].name", "services[].vaultLogin", "services[].environments"],
    check(s, report) {
      const dedicated = new Set(list(s.environments).filter((e) => e?.cluster && e.cluster.type !== "primary").map((e) => e.name));
      list(s.services).forEach((svc, i) => {
        if (svc?.vaultLogin !== "aws-iam") return;
        list(svc.environments).forEach((env, j) => {
          if (dedicated.has(env)) report(["services", i, "environments", j], `${svc.name} logs in with aws-iam, but ${env} runs on its own cluster: use vaultLogin "kubernetes" there`);
        });
      });
    },
  },
  {
    id: "VEP-S21",
    summary: "vault.externalAddress is set when an environment has its own cluster (its ESO store cannot use the in-cluster service name)",
    reads: ["environments[].name", "environments[].cluster", "vault.externalAddress"],
    check(s, report) {
      const i = list(s.environments).findIndex((e) => e?.cluster && e.cluster.type !== "primary");
      if (i >= 0 && !s.vault?.externalAddress) report(["vault", "externalAddress"], `required: environments[${i}] (${s.environments[i].name}) runs on its own cluster and reaches Vault from outside`);
    },
  },
  {
    id: "VEP-S22",
    summary: "every PostgreSQL endpoint a database connection uses says where it lives (cidrs): Vault's egress opens exactly those",
    reads: ["sharedServices[].name", "sharedServices[].kind", "sharedServices[].endpoints", "databases[].name", "databases[].server", "services[].environments", "services[].databases[].name"],
    check(s, report) {
      const shared = list(s.sharedServices);
      const reported = new Set<string>();
      for (const [env, db] of databaseConnections(s)) {
        const i = shared.findIndex((x) => x?.name === db.server);
        const endpoint = shared[i]?.endpoints?.[env];
        if (shared[i]?.kind !== "postgres" || !endpoint || Array.isArray(endpoint.cidrs) || reported.has(`${i}/${env}`)) continue;
        reported.add(`${i}/${env}`);
        report(["sharedServices", i, "endpoints", env, "cidrs"], `required: Vault connects to ${endpoint.host}:${endpoint.port} for database ${db.name} in ${env}; give the CIDRs its addresses are in`);
      }
    },
  },
  {
    id: "VEP-S23",
    summary: "network.iamCidrs is set when services log in with aws-iam outside us-east-1 (IAM's interface endpoint exists only there)",
    reads: ["services[].vaultLogin", "aws.partition", "aws.region", "network.iamCidrs"],
    check(s, report) {
      const awsLogin = list(s.services).some((svc) => svc?.vaultLogin === "aws-iam");
      const inUsEast1 = (s.aws?.partition ?? "aws") === "aws" && s.aws?.region === "us-east-1";
      if (awsLogin && !inUsEast1 && !s.network?.iamCidrs) {
        report(["network", "iamCidrs"], `required: Vault resolves AWS auth roles through IAM's global endpoint, which has no interface endpoint in ${String(s.aws?.region)}; give the CIDRs Vault reaches it at (NAT or proxy path)`);
      }
    },
  },
  {
    id: "VEP-S24",
    summary: "a vcluster's apiServerUrl is its in-cluster Service (https://<release>.<namespace>.svc[:port]), which Vault reaches pod to pod",
    reads: ["environments[].cluster"],
    check(s, report) {
      list(s.environments).forEach((e, i) => {
        if (e?.cluster?.type !== "vcluster" || typeof e.cluster.apiServerUrl !== "string") return;
        if (!vclusterService(e.cluster.apiServerUrl)) report(["environments", i, "cluster", "apiServerUrl"], `expected the vcluster's Service, https://<release>.<namespace>.svc[:port] (got ${e.cluster.apiServerUrl})`);
      });
    },
  },
  {
    id: "VEP-S25",
    summary: "vault.externalClientCidrs is set with vault.externalAddress (Vault admits exactly these sources from outside the cluster)",
    reads: ["vault.externalAddress", "vault.externalClientCidrs"],
    check(s, report) {
      if (s.vault?.externalAddress && !s.vault.externalClientCidrs) {
        report(["vault", "externalClientCidrs"], "required with vault.externalAddress: the source addresses Vault sees through it (the load balancer's subnets, or the clients' CIDRs with client IP preservation)");
      }
    },
  },
  {
    id: "VEP-S26",
    summary: "vault.externalAddressCidrs is set when an environment has its own cluster (its pods may send Vault traffic only there)",
    reads: ["environments[].name", "environments[].cluster", "vault.externalAddressCidrs"],
    check(s, report) {
      const i = list(s.environments).findIndex((e) => e?.cluster && e.cluster.type !== "primary");
      if (i >= 0 && !s.vault?.externalAddressCidrs) report(["vault", "externalAddressCidrs"], `required: environments[${i}] (${s.environments[i].name}) reaches Vault at vault.externalAddress; give the CIDRs it resolves to (the load balancer's subnets)`);
    },
  },
  {
    id: "VEP-S27",
    summary: "AppRole consumers need vault.externalAddress (they log in from their boundCidrs, outside the cluster)",
    reads: ["ciConsumers[].name", "ciConsumers[].auth", "vault.externalAddress"],
    check(s, report) {
      const i = list(s.ciConsumers).findIndex((c) => c?.auth?.method === "approle");
      if (i >= 0 && !s.vault?.externalAddress) report(["vault", "externalAddress"], `required: ciConsumers[${i}] (${s.ciConsumers[i].name}) logs in with AppRole from outside the cluster`);
    },
  },
  {
    id: "VEP-S28",
    summary: "a socket audit device on a non-loopback host says where that host lives (vault.audit.socket.cidrs)",
    reads: ["vault.audit.socket"],
    check(s, report) {
      const socket = s.vault?.audit?.socket;
      if (typeof socket?.address !== "string" || socket.cidrs) return;
      const host = socket.address.replace(/:\d+$/, "");
      if (!isLoopback(host)) report(["vault", "audit", "socket", "cidrs"], `required: Vault connects to ${socket.address}; give the CIDRs it lives in`);
    },
  },
  {
    id: "VEP-S29",
    summary: "the Vault token audience is not a Kubernetes API audience (the EKS and vcluster defaults or a dedicated cluster's apiAudience): a token requested only for Vault must not also authenticate to an API server",
    reads: ["vault.auth.kubernetes.audience", "environments[].cluster"],
    check(s, report) {
      const audience = s.vault?.auth?.kubernetes?.audience;
      if (typeof audience !== "string") return;
      const api = new Map<string, string>(Object.entries(DEFAULT_API_AUDIENCE).map(([type, a]) => [a, `the ${type} default API audience`]));
      list(s.environments).forEach((e, i) => {
        if (e?.cluster && e.cluster.type !== "primary") api.set(kubernetesApiAudience(e.cluster), `the API audience of environments[${i}].cluster`);
      });
      if (api.has(audience)) report(["vault", "auth", "kubernetes", "audience"], `"${audience}" is ${api.get(audience)}: tokens sent to Vault would also authenticate to that API server; use a Vault-only audience such as "vault"`);
    },
  },
  {
    id: "VEP-S30",
    summary: "the rotated audit files fit the audit volume: (keep + 1) x maxFileSize is at most 70% of vault.storage.auditSize",
    reads: ["vault.audit.rotation", "vault.storage.auditSize"],
    check(s, report) {
      const rotation = s.vault?.audit?.rotation;
      const size = s.vault?.storage?.auditSize;
      if (!isQuantity(rotation?.maxFileSize) || typeof rotation?.keep !== "number" || !isQuantity(size)) return;
      // Headroom: the live file grows past the limit until the next check, ext4 reserves 5% for root,
      // and the free-space alert fires below 10%.
      const needed = (rotation.keep + 1) * quantityBytes(rotation.maxFileSize);
      if (needed > 0.7 * quantityBytes(size)) {
        report(["vault", "audit", "rotation", "keep"], `${rotation.keep} rotated files plus the live one need up to ${rotation.keep + 1} x ${rotation.maxFileSize}, more than 70% of the ${size} audit volume (vault.storage.auditSize): keep fewer or smaller files, or grow the volume`);
      }
    },
  },
  {
    id: "VEP-S31",
    summary: "a database whose sslMode verifies the server (verify-full, verify-ca) has a CA to verify with: its server's caCertificate, or trustSystemRoots: true",
    reads: ["sharedServices[].name", "sharedServices[].kind", "sharedServices[].caCertificate", "sharedServices[].trustSystemRoots", "databases[].server", "databases[].sslMode"],
    check(s, report) {
      const servers = new Map(list(s.sharedServices).map((x, i) => [x?.name, { server: x, index: i }]));
      list(s.databases).forEach((db, i) => {
        const found = servers.get(db?.server);
        if (!found || found.server.kind !== "postgres" || (db.sslMode !== "verify-full" && db.sslMode !== "verify-ca")) return;
        if (found.server.caCertificate === undefined && found.server.trustSystemRoots !== true) {
          report(
            ["databases", i, "sslMode"],
            `${db.sslMode} needs the CA of server "${db.server}": set sharedServices[${found.index}].caCertificate (PEM; for Amazon RDS the region's bundle), or sharedServices[${found.index}].trustSystemRoots: true if its certificate chains to a public root`,
          );
        }
      });
    },
  },
  {
    id: "VEP-S32",
    summary: "caCertificate and trustSystemRoots belong to postgres servers (Vault connects to no other) and exclude each other",
    reads: ["sharedServices[].kind", "sharedServices[].caCertificate", "sharedServices[].trustSystemRoots"],
    check(s, report) {
      list(s.sharedServices).forEach((x, i) => {
        if (x?.kind !== undefined && x.kind !== "postgres") {
          if (x.caCertificate !== undefined) report(["sharedServices", i, "caCertificate"], `${String(x.kind)} servers are never reached by Vault: only postgres servers take a caCertificate`);
          if (x.trustSystemRoots === true) report(["sharedServices", i, "trustSystemRoots"], `${String(x.kind)} servers are never reached by Vault: only postgres servers take trustSystemRoots`);
        } else if (x?.caCertificate !== undefined && x.trustSystemRoots === true) {
          report(["sharedServices", i, "trustSystemRoots"], "a caCertificate replaces the system roots: set one of caCertificate and trustSystemRoots");
        }
      });
    },
  },
  {
    id: "VEP-S33",
    summary: "an OIDC redirect URI of the Vault UI (path /ui/...) needs vault.ui: true",
    reads: ["vault.ui", "vault.auth.oidc.allowedRedirectUris"],
    check(s, report) {
      if (s.vault?.ui === true) return;
      list(s.vault?.auth?.oidc?.allowedRedirectUris).forEach((uri, i) => {
        if (typeof uri === "string" && /^https:\/\/[^/]+\/ui\//.test(uri)) {
          report(["vault", "auth", "oidc", "allowedRedirectUris", i], "the Vault UI is off (vault.ui: false), so nothing serves this callback: set vault.ui: true, or drop the URI");
        }
      });
    },
  },
  {
    id: "VEP-S34",
    summary: "names generated from the spec are unique where they live: Kubernetes Secrets and service accounts per namespace, chart folders, Argo CD Applications, Vault policies and roles, database roles, IAM roles, Terraform resource names",
    reads: [
      "name",
      "aws",
      "cluster.name",
      "environments[].name",
      "environments[].delivery",
      "environments[].namespace",
      "environments[].cluster",
      "services[].name",
      "services[].serviceAccount",
      "services[].environments",
      "services[].vaultLogin",
      "services[].secrets[].name",
      "services[].sharedServices",
      "services[].databases[].name",
      "services[].certificates[].name",
      "services[].transitKeys",
      "databases[].name",
      "ciConsumers[].name",
      "ciConsumers[].auth",
      "vault.transit.keys[].name",
      "vault.transit.keys[].legacySharedKey",
      "gitops",
    ],
    check(s, report) {
      for (const { claim, first } of nameCollisions(nameClaims(s))) {
        const like = first.path ? `${first.what} (${formatPath(first.path)})` : first.what;
        report(claim.path!, `${claim.what} would be named "${claim.name}", like ${like}; ${claim.scope} need unique names: rename one of them`);
      }
    },
  },
  {
    id: "VEP-S35",
    summary: "the refresh intervals ExternalSecrets get are at least externalSecrets.minRefreshInterval: refreshInterval, and half of databaseCredentials.defaultTtl where a service uses a database",
    reads: ["externalSecrets.refreshInterval", "externalSecrets.minRefreshInterval", "environments[].name", "environments[].databaseCredentials", "services[].environments", "services[].databases"],
    check(s, report) {
      const floor = s.externalSecrets?.minRefreshInterval;
      if (!isDuration(floor)) return;
      const min = durationSeconds(floor);
      const every = s.externalSecrets?.refreshInterval;
      if (isDuration(every) && durationSeconds(every) < min) report(["externalSecrets", "refreshInterval"], `${every} is below externalSecrets.minRefreshInterval (${floor})`);
      const withDatabases = new Set(list(s.services).filter((svc) => list(svc?.databases).length > 0).flatMap((svc) => list(svc?.environments)));
      list(s.environments).forEach((env, i) => {
        const ttl = env?.databaseCredentials?.defaultTtl ?? "1h";
        // Dynamic credentials refresh at half their TTL (model/kubernetes/external-secrets.ts).
        if (withDatabases.has(env?.name) && isDuration(ttl) && Math.floor(durationSeconds(ttl) / 2) < min) {
          report(["environments", i, "databaseCredentials", "defaultTtl"], `database credentials of ${ttl} are refreshed every ${Math.floor(durationSeconds(ttl) / 2)}s (half the TTL), below externalSecrets.minRefreshInterval (${floor})`);
        }
      });
    },
  },
  {
    id: "VEP-S36",
    summary: "a per-environment databases[].bootstrapVersion names environments that have a connection to that database",
    reads: ["databases[].name", "databases[].bootstrapVersion", "services[].environments", "services[].databases[].name"],
    check(s, report) {
      const connected = new Set(databaseConnections(s).map(([env, db]) => `${env}/${db?.name}`));
      list(s.databases).forEach((db, i) => {
        const versions = db?.bootstrapVersion;
        if (!versions || typeof versions !== "object") return;
        for (const env of Object.keys(versions)) {
          if (!connected.has(`${env}/${db.name}`)) {
            report(["databases", i, "bootstrapVersion", env], `no service uses database ${db.name} in environment "${env}", so Vault has no connection there to re-bootstrap`);
          }
        }
      });
    },
  },
  {
    id: "VEP-S37",
    summary: "an audit device leaves the pod: vault.audit.stdout (default) or vault.audit.socket, so the audit trail survives a lost pod or volume",
    reads: ["vault.audit.stdout", "vault.audit.socket"],
    check(s, report) {
      const audit = s.vault?.audit;
      if (audit?.stdout === false && !audit.socket) {
        report(["vault", "audit", "stdout"], "the only audit device would be the file on the pod's own volume: keep stdout: true (the cluster's log collector ships it), or add vault.audit.socket");
      }
    },
  },
  {
    id: "VEP-S38",
    summary: "vault.forwardedClientAddress needs vault.externalAddress (only a load balancer in front of Vault forwards client addresses)",
    reads: ["vault.forwardedClientAddress", "vault.externalAddress"],
    check(s, report) {
      if (s.vault?.forwardedClientAddress && !s.vault.externalAddress) {
        report(["vault", "forwardedClientAddress"], "no load balancer fronts Vault without vault.externalAddress: set it, or drop forwardedClientAddress");
      }
    },
  },
  {
    id: "VEP-S39",
    summary: "snapshots.objectLock.days is at most snapshots.retentionDays (a locked version outlives its expiry, and the lifecycle rule cannot remove it)",
    reads: ["snapshots.objectLock", "snapshots.retentionDays"],
    check(s, report) {
      const lock = s.snapshots?.objectLock;
      const keep = s.snapshots?.retentionDays;
      if (lock?.enabled && typeof lock.days === "number" && typeof keep === "number" && lock.days > keep) {
        report(["snapshots", "objectLock", "days"], `${lock.days} days is longer than snapshots.retentionDays (${keep}): snapshots would stay locked after they expire`);
      }
    },
  },
  {
    id: "VEP-S40",
    summary: "vault.auth.oidc.terraformGroups share no group with adminGroups or developerGroups (the pipeline's identity is not a person's daily login)",
    reads: ["vault.auth.oidc.terraformGroups", "vault.auth.oidc.adminGroups", "vault.auth.oidc.developerGroups"],
    check(s, report) {
      const oidc = s.vault?.auth?.oidc;
      const people = new Set([...list(oidc?.adminGroups), ...list(oidc?.developerGroups)]);
      list(oidc?.terraformGroups).forEach((g, i) => {
        if (people.has(g)) report(["vault", "auth", "oidc", "terraformGroups", i], `"${g}" is also an admin or developer group: members would hold the policy that rewrites every policy; use a group of its own`);
      });
    },
  },
  {
    id: "VEP-S41",
    summary: "a transit key's minDecryptionVersion names only environments whose services use the key (each has its own <env>-<key>)",
    reads: ["vault.transit.keys[].name", "vault.transit.keys[].minDecryptionVersion", "services[].transitKeys", "services[].environments"],
    check(s, report) {
      list(s.vault?.transit?.keys).forEach((k, i) => {
        const users = new Set(list(s.services).filter((svc) => list(svc?.transitKeys).includes(k?.name)).flatMap((svc) => list(svc.environments)));
        for (const env of Object.keys(k?.minDecryptionVersion ?? {})) {
          if (!users.has(env)) report(["vault", "transit", "keys", i, "minDecryptionVersion", env], `no service uses ${String(k.name)} in "${env}", so there is no key ${env}-${String(k.name)} (used in: ${[...users].sort().join(", ") || "none"})`);
        }
      });
    },
  },
  {
    id: "VEP-S42",
    summary: "a rotation period (services[].secrets[].rotationPeriod, sharedServices[].rotationPeriod) is at least externalSecrets.minRefreshInterval: the ExternalSecret refreshes at least once per period",
    reads: ["externalSecrets.minRefreshInterval", "services[].secrets[].rotationPeriod", "sharedServices[].rotationPeriod"],
    check(s, report) {
      const floor = s.externalSecrets?.minRefreshInterval;
      if (!isDuration(floor)) return;
      const tooShort = (period: unknown): period is string => isDuration(period) && durationSeconds(period) < durationSeconds(floor);
      const why = (period: string) => `${period} is shorter than externalSecrets.minRefreshInterval (${floor}): the ExternalSecret could not refresh once per rotation`;
      list(s.services).forEach((svc, i) =>
        list(svc?.secrets).forEach((secret, k) => {
          if (tooShort(secret?.rotationPeriod)) report(["services", i, "secrets", k, "rotationPeriod"], why(secret.rotationPeriod));
        }),
      );
      list(s.sharedServices).forEach((shared, i) => {
        if (tooShort(shared?.rotationPeriod)) report(["sharedServices", i, "rotationPeriod"], why(shared.rotationPeriod));
      });
    },
  },
  {
    id: "VEP-S43",
    summary: "environments[].delivery vso needs the primary cluster: VSO requests its login tokens from the API server it runs on, and the kit renders VSO's path to Vault only there",
    reads: ["environments[].delivery", "environments[].cluster.type"],
    check(s, report) {
      list(s.environments).forEach((env, i) => {
        if (env?.delivery === "vso" && env.cluster?.type && env.cluster.type !== "primary") {
          report(["environments", i, "delivery"], `VSO is not rendered for a dedicated (${env.cluster.type}) cluster: VSO would run inside that cluster and reach Vault through vault.externalAddress, which this kit does not model; use delivery "eso" there (a namespaced SecretStore)`);
        }
      });
    },
  },
  {
    id: "VEP-S44",
    summary: "services[].delivery agent-injector needs vaultLogin kubernetes: the injected Vault Agent logs in with the pod's own service account through the environment's Kubernetes auth role",
    reads: ["services[].delivery", "services[].vaultLogin"],
    check(s, report) {
      list(s.services).forEach((svc, i) => {
        if (svc?.delivery === "agent-injector" && svc.vaultLogin !== undefined && svc.vaultLogin !== "kubernetes") {
          report(["services", i, "vaultLogin"], `delivery agent-injector logs in with the service's own Kubernetes service account: set vaultLogin "kubernetes" (it is "${String(svc.vaultLogin)}")`);
        }
      });
    },
  },
  {
    id: "VEP-S45",
    summary: "services[].delivery agent-injector runs only in primary-cluster environments: a projected token carries one audience, and a dedicated cluster's login needs two (Vault's and its API server's)",
    reads: ["services[].delivery", "services[].environments", "environments[].name", "environments[].cluster.type"],
    check(s, report) {
      const dedicated = new Map(list(s.environments).filter((e) => e?.cluster?.type && e.cluster.type !== "primary").map((e) => [e.name, e.cluster.type]));
      list(s.services).forEach((svc, i) => {
        if (svc?.delivery !== "agent-injector") return;
        list(svc.environments).forEach((env, j) => {
          if (dedicated.has(env)) report(["services", i, "environments", j], `"${env}" runs in a dedicated (${dedicated.get(env)}) cluster: the Vault Agent's projected token has one audience (ServiceAccountTokenProjection.audience), but a login there needs Vault's and the API server's; use delivery "eso" for this service`);
        });
      });
    },
  },
  {
    id: "VEP-S46",
    summary: "services[].delivery agent-injector carries no certificates: the agent's pkiCert re-reads its own rendered file to decide whether to re-issue, so tls.crt and tls.key in separate files would come from different issuances",
    reads: ["services[].delivery", "services[].certificates"],
    check(s, report) {
      list(s.services).forEach((svc, i) => {
        if (svc?.delivery === "agent-injector" && list(svc.certificates).length > 0) {
          report(["services", i, "certificates"], `the Vault Agent cannot render tls.crt, tls.key and ca.crt as separate files of one certificate (pkiCert decides on re-issue from the file it rendered); deliver this service with "eso" (or its environment's vso), or drop its certificates`);
        }
      });
    },
  },
  {
    id: "VEP-S50",
    summary: "services[].delivery csi needs vaultLogin kubernetes: the Vault CSI provider logs in with a token of the mounting pod's own service account through the environment's Kubernetes auth role",
    reads: ["services[].delivery", "services[].vaultLogin"],
    check(s, report) {
      list(s.services).forEach((svc, i) => {
        if (svc?.delivery === "csi" && svc.vaultLogin !== undefined && svc.vaultLogin !== "kubernetes") {
          report(["services", i, "vaultLogin"], `delivery csi logs in with the service's own Kubernetes service account: set vaultLogin "kubernetes" (it is "${String(svc.vaultLogin)}")`);
        }
      });
    },
  },
  {
    id: "VEP-S51",
    summary: "services[].delivery csi runs only in primary-cluster environments: the Vault CSI provider on a dedicated cluster's nodes would need a token with two audiences and a path to Vault the kit does not render",
    reads: ["services[].delivery", "services[].environments", "environments[].name", "environments[].cluster.type"],
    check(s, report) {
      const dedicated = new Map(list(s.environments).filter((e) => e?.cluster?.type && e.cluster.type !== "primary").map((e) => [e.name, e.cluster.type]));
      list(s.services).forEach((svc, i) => {
        if (svc?.delivery !== "csi") return;
        list(svc.environments).forEach((env, j) => {
          if (dedicated.has(env)) report(["services", i, "environments", j], `"${env}" runs in a dedicated (${dedicated.get(env)}) cluster: the Vault CSI provider requests one audience (its audience parameter), but a login there needs Vault's and the API server's; use delivery "eso" for this service`);
        });
      });
    },
  },
  {
    id: "VEP-S52",
    summary: "services[].delivery csi carries KV secrets only: the Vault CSI provider writes one Vault field per file with no templates (no DATABASE_URL, REDIS_URL or certificate chain) and never renews a lease",
    reads: ["services[].delivery", "services[].databases", "services[].sharedServices", "services[].certificates"],
    check(s, report) {
      list(s.services).forEach((svc, i) => {
        if (svc?.delivery !== "csi") return;
        for (const field of ["databases", "sharedServices", "certificates"] as const) {
          if (list<unknown>(svc[field]).length > 0) {
            report(["services", i, field], `the Vault CSI provider cannot deliver ${field}: it writes one Vault field per file without templates and never renews a lease (database credentials would expire in the pod), so keys such as DATABASE_URL, REDIS_URL or a tls.crt chain cannot be rendered; deliver this service with "eso" (or "agent-injector"), or keep only services[].secrets`);
          }
        }
      });
    },
  },
  {
    id: "VEP-S47",
    summary: "platformWriters.<writer>.environments names environments of the spec (each gets its own paths and grants)",
    reads: ["environments[].name", "platformWriters.*.environments"],
    check(s, report) {
      const envs = new Set(list(s.environments).map((e) => e?.name));
      for (const [kind, w] of writersOf(s)) {
        list(w.environments).forEach((env, i) => {
          if (!envs.has(env)) report(["platformWriters", kind, "environments", i], `no environment "${env}" (environments: ${[...envs].join(", ")})`);
        });
      }
    },
  },
  {
    id: "VEP-S48",
    summary: "a platform writer runs in the primary cluster (platformWriters.<writer>.cluster is cluster.name): it logs in through that cluster's auth/kubernetes mount",
    reads: ["cluster.name", "platformWriters.*.cluster"],
    check(s, report) {
      for (const [kind, w] of writersOf(s)) {
        if (w.cluster !== undefined && w.cluster !== s.cluster?.name) {
          report(["platformWriters", kind, "cluster"], `"${w.cluster}" is not the primary cluster "${String(s.cluster?.name)}": writers log in through the primary cluster's Kubernetes auth mount (run the writer there, or drop the field)`);
        }
      }
    },
  },
  {
    id: "VEP-S49",
    summary: "a platform writer's service account is its own: not one a service, an ESO store, the ESO controller, a CI consumer, Vault, the snapshot job or the other writer uses",
    reads: [
      "platformWriters.*.namespace",
      "platformWriters.*.serviceAccount",
      "environments[].name",
      "environments[].namespace",
      "environments[].cluster",
      "services[].name",
      "services[].serviceAccount",
      "services[].environments",
      "externalSecrets.namespace",
      "externalSecrets.controllerServiceAccount",
      "ciConsumers[].name",
      "ciConsumers[].auth",
      "vault.namespace",
    ],
    check(s, report) {
      const taken = new Map<string, string>();
      const take = (ns: unknown, sa: unknown, who: string) => {
        if (typeof ns === "string" && typeof sa === "string" && !taken.has(`${ns}/${sa}`)) taken.set(`${ns}/${sa}`, who);
      };
      const vaultNs = s.vault?.namespace ?? "vault";
      take(vaultNs, VAULT_SERVICE_ACCOUNT, "the Vault server");
      take(vaultNs, SNAPSHOT_SERVICE_ACCOUNT, "the snapshot job");
      take(s.externalSecrets?.namespace ?? "external-secrets", s.externalSecrets?.controllerServiceAccount ?? "external-secrets", "the ESO controller");
      for (const env of list(s.environments)) {
        if (!env?.name || (env.cluster && env.cluster.type !== "primary")) continue;
        const ns = environmentNamespace(env);
        take(ns, ESO_STORE_SERVICE_ACCOUNT, `the ESO store of ${env.name}`);
        for (const svc of list(s.services)) if (svc?.name && list(svc.environments).includes(env.name)) take(ns, serviceAccountName(svc), `service ${svc.name} in ${env.name}`);
      }
      for (const c of list(s.ciConsumers)) if (c?.auth?.method === "kubernetes") take(c.auth.namespace, c.auth.serviceAccount, `CI consumer ${c.name}`);
      for (const [kind, w] of writersOf(s)) {
        const ns = w.namespace ?? WRITER_DEFAULTS[kind].namespace;
        const sa = w.serviceAccount ?? WRITER_DEFAULTS[kind].serviceAccount;
        const who = taken.get(`${ns}/${sa}`);
        if (who) report(["platformWriters", kind, "serviceAccount"], `${ns}/${sa} is already ${who}'s service account: a writer bound to it would lend that workload its grants (and take its own); give the writer its own account`);
        else take(ns, sa, `platform writer ${kind}`);
      }
    },
  },
];

/** Environment × database pairs Vault opens a connection for (a service of the environment uses the database). */
function databaseConnections(s: PlatformSpec): [string, PlatformSpec["databases"][number]][] {
  const dbs = new Map(list(s.databases).map((d) => [d?.name, d]));
  const pairs: [string, PlatformSpec["databases"][number]][] = [];
  for (const svc of list(s.services)) {
    for (const env of list(svc?.environments)) {
      for (const use of list(svc?.databases)) {
        const db = dbs.get(use?.name);
        if (db) pairs.push([env, db]);
      }
    }
  }
  return pairs;
}
