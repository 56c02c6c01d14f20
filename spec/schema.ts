import { z } from "zod";
import {
  awsAccountId,
  awsRegion,
  cidr,
  cronSchedule,
  dnsLabel,
  duration,
  hostname,
  httpsUrl,
  iamArn,
  k8sName,
  pemCertificate,
  pinnedImage,
  quantity,
  quantityBytes,
} from "./primitives";

/**
 * The platform spec: the one source of truth for the AWS, Vault and Kubernetes layers.
 * Field-level constraints live here; rules that relate fields to each other live in ./rules.
 * Every default is written next to its field so `spec docs` and the README stay short.
 */

const DEFAULT_PROBE_IMAGE = "quay.io/prometheus/blackbox-exporter:v0.28.0";

const tlsSchema = z.discriminatedUnion("source", [
  z.strictObject({
    /** cert-manager issues the Vault server certificate (SANs derived from replicas and namespace). */
    source: z.literal("cert-manager"),
    issuerRef: z.strictObject({
      name: k8sName,
      /** @default "ClusterIssuer" */
      kind: z.enum(["ClusterIssuer", "Issuer"]).default("ClusterIssuer"),
    }),
    /** @default "2160h" (90 days) */
    duration: duration.default("2160h"),
    /** @default "360h" (15 days) */
    renewBefore: duration.default("360h"),
    /** The issuer's CA certificate (public): clients and ESO stores trust Vault through it. */
    caCertificate: pemCertificate,
  }),
  z.strictObject({
    /** An existing `kubernetes.io/tls` secret in the Vault namespace (keys tls.crt, tls.key, ca.crt). */
    source: z.literal("secret"),
    secretName: k8sName,
    /** The CA certificate (public) that signed the secret's certificate. */
    caCertificate: pemCertificate,
  }),
]);

const vaultSchema = z.strictObject({
  /** @default "vault" */
  namespace: dnsLabel.default("vault"),
  /** Raft voters; odd and at least 3. @default 3 */
  replicas: z.number().int().default(3),
  image: z
    .strictObject({
      /** @default "hashicorp/vault" */
      repository: z.string().regex(/^[a-z0-9./_-]+$/, "an image repository").default("hashicorp/vault"),
      /** An exact version, never `latest`. @default "1.20.4" */
      tag: z.string().regex(/^\d+\.\d+\.\d+(-ent)?$/, "an exact Vault version such as 1.20.4 (no floating tags)").default("1.20.4"),
      /** Optional image digest, pinned in addition to the tag. */
      digest: z.string().regex(/^sha256:[a-f0-9]{64}$/, "sha256:<64 hex>").optional(),
    })
    .default({ repository: "hashicorp/vault", tag: "1.20.4" }),
  storage: z
    .strictObject({
      /** @default "10Gi" */
      dataSize: quantity.default("10Gi"),
      /** @default "10Gi" */
      auditSize: quantity.default("10Gi"),
      /** KMS key for the EBS volumes; omitted means the account's aws/ebs key. */
      ebsKmsKeyArn: z.string().regex(/^arn:aws(-cn|-us-gov)?:kms:[a-z0-9-]+:\d{12}:key\/[a-f0-9-]+$/, "a KMS key ARN").optional(),
    })
    .default({ dataSize: "10Gi", auditSize: "10Gi" }),
  /** TLS is always on; choose where the server certificate comes from. */
  tls: tlsSchema,
  resources: z
    .strictObject({
      /** Requests equal limits (Guaranteed QoS). @default "1" */
      cpu: quantity.default("1"),
      /** @default "2Gi" */
      memory: quantity.default("2Gi"),
    })
    .default({ cpu: "1", memory: "2Gi" }),
  /** Namespaces (besides the ESO and monitoring namespaces) whose pods may reach Vault on 8200. @default [] */
  allowedClientNamespaces: z.array(dnsLabel).default([]),
  /** @default false */
  ui: z.boolean().default(false),
  /** How clients outside the primary cluster reach Vault (e.g. an internal load balancer); required when an environment has its own cluster. */
  externalAddress: httpsUrl.optional(),
  /**
   * Source addresses Vault's pods see for traffic through externalAddress, admitted on 8200: the
   * load balancer's subnets (an NLB without client IP preservation), or the clients' own CIDRs
   * (with it). AppRole consumers' boundCidrs are admitted besides. Required with externalAddress.
   */
  externalClientCidrs: z.array(cidr).optional(),
  /** Where externalAddress resolves (the load balancer's subnets): dedicated clusters' environment namespaces may send Vault traffic only there. Required when an environment has its own cluster. */
  externalAddressCidrs: z.array(cidr).optional(),
  /**
   * How Vault learns the real client address of connections through externalAddress, so audit
   * entries and AppRole's bound CIDRs see the client, not the load balancer: `x-forwarded-for` for
   * an L7 load balancer that re-encrypts to Vault, `proxy-protocol` for an NLB target group with
   * PROXY protocol v2. Only connections from proxyCidrs (the load balancer's subnets) may set it;
   * in-cluster clients connect directly. Omitted: Vault sees the connection's source. Needs
   * externalAddress (rule VEP-S38).
   */
  forwardedClientAddress: z
    .strictObject({
      via: z.enum(["x-forwarded-for", "proxy-protocol"]),
      proxyCidrs: z.array(cidr).min(1, "at least one CIDR"),
    })
    .optional(),
  kv: z
    .strictObject({
      /** @default 10 */
      maxVersions: z.number().int().min(1).max(100).default(10),
      /** @default false */
      casRequired: z.boolean().default(false),
      /** Versions older than this are deleted; omitted keeps them until maxVersions pushes them out. */
      deleteVersionAfter: duration.optional(),
    })
    .default({ maxVersions: 10, casRequired: false }),
  pki: z
    .strictObject({
      /** @default "<platform> Root CA" */
      rootCommonName: z.string().min(1).optional(),
      /** @default "<platform> Intermediate CA" */
      intermediateCommonName: z.string().min(1).optional(),
      organization: z.string().min(1).optional(),
      /** @default "87600h" (10 years) */
      rootTtl: duration.default("87600h"),
      /** @default "43800h" (5 years) */
      intermediateTtl: duration.default("43800h"),
      /** Default TTL of certificates issued to workloads. @default "72h" */
      certTtl: duration.default("72h"),
      /** @default "720h" */
      certMaxTtl: duration.default("720h"),
    })
    .default({ rootTtl: "87600h", intermediateTtl: "43800h", certTtl: "72h", certMaxTtl: "720h" }),
  transit: z
    .strictObject({
      keys: z
        .array(
          z.strictObject({
            name: dnsLabel,
            /** @default "aes256-gcm96" */
            type: z.enum(["aes256-gcm96", "chacha20-poly1305", "ed25519", "ecdsa-p256", "rsa-2048", "rsa-4096"]).default("aes256-gcm96"),
            /** @default "720h" */
            autoRotatePeriod: duration.default("720h"),
            /** Named opt-out: allow Terraform to delete the key (and everything encrypted with it). @default false */
            deletionAllowed: z.boolean().default(false),
            /**
             * Per environment, the oldest version of <env>-<name> that may still decrypt (transit
             * min_decryption_version): raise it after the services rewrapped their ciphertext (they may
             * call transit/rewrap). Each environment's key rotates on its own, so versions differ.
             * Omitted keeps every version. @default {}
             */
            minDecryptionVersion: z.record(dnsLabel, z.number().int().min(1)).default({}),
            /**
             * Upgrade path from releases that shared one key between environments: keep that key
             * (transit/<name>, never deleted) so production services can still decrypt (only decrypt)
             * what they encrypted with it while they re-encrypt it with <env>-<name>. Non-production
             * roles never get it. @default false
             */
            legacySharedKey: z.boolean().default(false),
          }),
        )
        .default([]),
    })
    .default({ keys: [] }),
  audit: z
    .strictObject({
      /**
       * A second file audit device writing to the Vault container's stdout, which the cluster's log
       * collector (Fluent Bit, the CloudWatch agent) ships off the pod; Vault's own log goes to stderr.
       * Vault answers a request when at least one device logged it, so the pod-local file keeps Vault
       * up when the collector stalls, and this copy survives a lost pod or volume. Turning it off needs
       * the socket device instead (rule VEP-S37). @default true
       */
      stdout: z.boolean().default(true),
      /** TCP socket audit device (e.g. a log shipper sidecar). */
      socket: z
        .strictObject({
          address: z.string().regex(/^[a-z0-9.-]+:\d{1,5}$/, "host:port"),
          /** Where the address lives; Vault's egress opens exactly these. Required unless the host is loopback. */
          cidrs: z.array(cidr).optional(),
        })
        .optional(),
      /**
       * Size-based rotation of the file audit log on the audit volume: a sidecar renames the live file
       * to vault-audit.log.1 (older ones shift up, the oldest beyond `keep` is deleted) and sends Vault
       * SIGHUP, which re-opens the file. Without it the only audit device fills its volume and Vault
       * then refuses every request.
       */
      rotation: z
        .strictObject({
          /** Rotate when the live file is larger than this (at least 1Mi). @default "512Mi" */
          maxFileSize: quantity.refine((q) => !quantity.safeParse(q).success || quantityBytes(q) >= 2 ** 20, "at least 1Mi").default("512Mi"),
          /** Rotated files kept besides the live one. @default 10 */
          keep: z.number().int().min(1).max(100).default(10),
        })
        .default({ maxFileSize: "512Mi", keep: 10 }),
    })
    .default({ stdout: true, rotation: { maxFileSize: "512Mi", keep: 10 } }),
  autopilot: z
    .strictObject({
      /** @default true */
      cleanupDeadServers: z.boolean().default(true),
      /** @default "10m" */
      deadServerLastContactThreshold: duration.default("10m"),
    })
    .default({ cleanupDeadServers: true, deadServerLastContactThreshold: "10m" }),
  auth: z
    .strictObject({
      kubernetes: z
        .strictObject({
          /** Audience of the service-account tokens presented to Vault. @default "vault" */
          audience: z.string().min(1).default("vault"),
          /** Token TTL of every Kubernetes auth role; an ESO store role gets at least its environment's databaseCredentials.defaultTtl (model/credentials.ts). @default "1h" */
          tokenTtl: duration.default("1h"),
          /** @default "4h" */
          tokenMaxTtl: duration.default("4h"),
        })
        .default({ audience: "vault", tokenTtl: "1h", tokenMaxTtl: "4h" }),
      /** OIDC login for people; optional. The client secret is a Terraform variable, never part of the spec. */
      oidc: z
        .strictObject({
          discoveryUrl: httpsUrl,
          /**
           * Where Vault reaches the identity provider (discovery document, JWKS and token endpoint,
           * on the discovery URL's port): for an internet IdP, its published address ranges, or the
           * egress proxy's. Vault fetches the discovery document when the config is written.
           */
          providerCidrs: z.array(cidr).min(1, "at least one CIDR"),
          clientId: z.string().min(1),
          /** @default "groups" */
          groupsClaim: z.string().min(1).default("groups"),
          /**
           * The claim that names a person's Vault entity. Only `sub` is stable and unique per issuer
           * (OIDC Core 5.7); an email address can change or be reassigned, and some providers let users
           * edit it, which would hand them another person's entity. @default "sub"
           */
          userClaim: z.string().min(1).default("sub"),
          /** Claims copied into the entity alias's metadata for display and audit (claim_mappings). @default ["email"] */
          metadataClaims: z.array(z.string().regex(/^[\w.-]+$/, "a claim name such as email")).default(["email"]),
          /**
           * Groups whose members may log in with role `terraform` and apply the Vault stack (policy
           * `terraform`). Kept apart from adminGroups (rule VEP-S40): administrators operate Vault, the
           * pipeline's identity changes its configuration. @default []
           */
          terraformGroups: z.array(z.string().min(1)).default([]),
          /**
           * Login MFA (TOTP) for every OIDC login (Vault login MFA, in Vault CE since 1.10). A person
           * needs a TOTP secret on their entity, which exists after their first login attempt: an
           * administrator creates it (identity/mfa/method/totp/admin-generate). Omitted: no second
           * factor beyond the IdP's.
           */
          mfa: z
            .strictObject({
              /** Issuer shown in the authenticator app. */
              issuer: z.string().min(1),
              /** @default 6 */
              digits: z.number().int().refine((d) => d === 6 || d === 8, "6 or 8 digits").default(6),
              /** @default 5 */
              maxValidationAttempts: z.number().int().min(1).max(10).default(5),
            })
            .optional(),
          /** Vault UI callbacks (https) and the CLI's http://localhost:8250/oidc/callback. */
          allowedRedirectUris: z
            .array(z.string().regex(/^(https:\/\/[^\s?#]+|http:\/\/localhost:\d{1,5}\/[^\s?#]*)$/, "an https:// URL, or http://localhost:<port>/... for the CLI"))
            .min(1),
          adminGroups: z.array(z.string().min(1)).min(1),
          developerGroups: z.array(z.string().min(1)).default([]),
          /**
           * Scopes Vault requests besides `openid` (always added). `email` and `profile` make the
           * default user claim arrive from Entra ID, Okta and Google; add `groups` where the provider
           * gates the groups claim behind a scope (Dex, Okta's org server, a Keycloak "groups" client
           * scope). Entra ID rejects a `groups` scope (AADSTS650053) and sends groups as an optional claim.
           * @default ["email", "profile"]
           */
          scopes: z
            .array(z.string().regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, "an OAuth scope such as email or groups").refine((s) => s !== "openid", "Vault always requests openid: list only the scopes besides it"))
            .default(["email", "profile"]),
        })
        .optional(),
    })
    .default({ kubernetes: { audience: "vault", tokenTtl: "1h", tokenMaxTtl: "4h" } }),
});

const clusterRefSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("primary") }),
  z.strictObject({
    /** The environment has its own API server: a vcluster running in a namespace of the primary cluster. */
    type: z.literal("vcluster"),
    name: dnsLabel,
    /** The vcluster's in-cluster Service, https://<release>.<namespace>.svc[:port]: Vault reaches its pods directly. */
    apiServerUrl: httpsUrl,
    /** CA of that API server (public certificate). */
    caCertificate: pemCertificate,
    /** Labels of the vcluster control-plane pods behind the Service. @default { app: "vcluster", release: "<release>" } (the vcluster chart's) */
    podLabels: z.record(z.string(), z.string()).optional(),
    /** Port the control-plane pods serve the API on (the Service's targetPort). @default 8443 */
    targetPort: z.number().int().min(1).max(65535).default(8443),
    /**
     * An audience that API server accepts (its --api-audiences). Vault reviews tokens of a dedicated
     * cluster with the client's own token, so clients request this audience besides Vault's.
     * @default "https://kubernetes.default.svc.cluster.local" (the vcluster distros' default)
     */
    apiAudience: z.string().regex(/^\S+$/, "an audience without spaces, such as https://kubernetes.default.svc").optional(),
  }),
  z.strictObject({
    /** The environment has its own API server: a separate EKS cluster. */
    type: z.literal("eks"),
    name: dnsLabel,
    apiServerUrl: httpsUrl,
    /** CA of that API server (public certificate). */
    caCertificate: pemCertificate,
    /** Where the API server endpoint resolves (its private endpoint's subnets, reached through peering or a transit gateway). */
    apiServerCidrs: z.array(cidr).min(1, "at least one CIDR"),
    /**
     * An audience that API server accepts (its --api-audiences). Vault reviews tokens of a dedicated
     * cluster with the client's own token, so clients request this audience besides Vault's.
     * @default "https://kubernetes.default.svc" (EKS)
     */
    apiAudience: z.string().regex(/^\S+$/, "an audience without spaces, such as https://kubernetes.default.svc").optional(),
  }),
]);

const environmentSchema = z.strictObject({
  name: dnsLabel,
  /** Namespace of the environment's workloads. @default the environment name */
  namespace: dnsLabel.optional(),
  /** Production environments are denied to the developer policy and get shorter credential lifetimes. @default false */
  production: z.boolean().default(false),
  /** @default { type: "primary" } */
  cluster: clusterRefSchema.default({ type: "primary" }),
  /**
   * Every KV secret of the environment requires check-and-set writes (cas_required in its
   * metadata): a write must name the version it replaces, so two people never silently overwrite
   * each other. @default true when production, else vault.kv.casRequired
   */
  casRequired: z.boolean().optional(),
  /**
   * How the environment's services receive their secrets unless a service chooses otherwise
   * (services[].delivery): "eso" External Secrets Operator (ExternalSecrets through the environment's
   * store), "vso" Vault Secrets Operator (VaultStaticSecret, VaultDynamicSecret, VaultPKISecret with a
   * VaultAuth of the environment). Both create Kubernetes Secrets. VSO needs the primary cluster
   * (rule VEP-S43). @default "eso"
   */
  delivery: z.enum(["eso", "vso"]).default("eso"),
  databaseCredentials: z
    .strictObject({
      /** Lifetime of one credential; ESO replaces it at half of it, and the environment's ESO store token lives at least this long. @default "1h" */
      defaultTtl: duration.default("1h"),
      /** @default "24h", or "8h" when production */
      maxTtl: duration.optional(),
    })
    .optional(),
});

const sharedServiceSchema = z.strictObject({
  name: dnsLabel,
  kind: z.enum(["postgres", "kafka", "redis"]),
  /**
   * postgres: the CA (PEM; a bundle such as Amazon RDS's regional one is fine) that signed the
   * servers' certificates. Vault verifies them with it (tls_ca): the Vault image's roots do not
   * include private CAs or Amazon RDS's.
   */
  caCertificate: pemCertificate.optional(),
  /** postgres: named opt-in to verify the servers against the Vault image's system roots instead of a caCertificate (publicly trusted certificates only). @default false */
  trustSystemRoots: z.boolean().default(false),
  /**
   * kafka/redis: rotation period of the credentials kept in KV at shared-services/<name>/<env>
   * (as services[].secrets[].rotationPeriod). At least externalSecrets.minRefreshInterval (rule VEP-S42).
   * @default "2160h" (90 days)
   */
  rotationPeriod: duration.default("2160h"),
  /** Endpoint per environment name. */
  endpoints: z.record(
    dnsLabel,
    z.strictObject({
      host: hostname,
      port: z.number().int().min(1).max(65535),
      /** Where the host's addresses are (e.g. the RDS subnets). Required for PostgreSQL endpoints a database uses: Vault connects there. */
      cidrs: z.array(cidr).optional(),
    }),
  ),
});

const databaseSchema = z.strictObject({
  /** PostgreSQL database name (also used in role names). */
  name: z.string().regex(/^[a-z][a-z0-9_]{0,30}$/, "a PostgreSQL identifier: lowercase, digits, '_', at most 31 characters"),
  /** The shared service (kind postgres) that hosts this database. */
  server: dnsLabel,
  /** verify-full and verify-ca need the server's caCertificate (or trustSystemRoots); require checks no certificate. @default "verify-full" */
  sslMode: z.enum(["verify-full", "verify-ca", "require"]).default("verify-full"),
  /** @default 4 */
  maxOpenConnections: z.number().int().min(1).max(100).default(4),
  /** The user Vault connects as: owner of the database and its tables (e.g. the RDS master user). @default "vault" */
  adminUsername: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, "a PostgreSQL role name").default("vault"),
  /**
   * Bootstrap generation of the admin password Vault holds for this database's connections. Raise it
   * (for every environment, or per environment name: { production: 2 }) to send a new bootstrap
   * password from TF_VAR_database_admin_passwords, e.g. after a restore brought back an admin password
   * Vault had already rotated away. Vault rotates it again at once. @default 1
   */
  bootstrapVersion: z
    .union([z.number().int().min(1, "a version number, at least 1"), z.record(dnsLabel, z.number().int().min(1, "a version number, at least 1"))], {
      error: "a version number (1, 2, ...) for every environment, or one per environment name such as { production: 2 }",
    })
    .default(1),
});

const serviceSchema = z.strictObject({
  name: dnsLabel,
  /** @default the service name */
  serviceAccount: dnsLabel.optional(),
  /** Environments this service runs in. */
  environments: z.array(dnsLabel).min(1, "at least one environment"),
  /** Static secrets, stored in KV v2 at apps/<env>/<service>/<name>. Key names only: values never enter the spec. */
  secrets: z
    .array(
      z.strictObject({
        name: dnsLabel,
        keys: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]*$/, "a secret key name such as STRIPE_API_KEY")).min(1, "at least one key"),
        /** What the secret is; it sets the default rotationPeriod (model/rotation.ts). @default "other" */
        kind: z.enum(["api-key", "jwt-secret", "password", "other"]).default("other"),
        /**
         * How often a person (or a job) writes a new version to Vault: recorded in the KV metadata
         * (custom_metadata.rotation_period), the ExternalSecret refreshes at least this often, and an
         * alert fires when ESO has not updated the Secret for this long. At least
         * externalSecrets.minRefreshInterval (rule VEP-S42).
         * @default by kind: api-key "2160h" (90 days), jwt-secret "4320h" (180 days), password "2160h", other "2160h"
         */
        rotationPeriod: duration.optional(),
      }),
    )
    .default([]),
  databases: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        /** @default "read-write" */
        access: z.enum(["read-write", "read-only"]).default("read-write"),
      }),
    )
    .default([]),
  /** Names of kafka/redis shared services this service uses. */
  sharedServices: z.array(dnsLabel).default([]),
  /** Transit keys this service may encrypt/decrypt with (requires vaultLogin). */
  transitKeys: z.array(dnsLabel).default([]),
  /**
   * TLS certificates from Vault's PKI, delivered by ESO as `kubernetes.io/tls` Secrets named
   * `<service>-<name>` (tls.crt, tls.key, ca.crt), re-issued at half the certificate TTL. Each host
   * is a Service name in the environment's namespace: the certificate names <host>.<ns>.svc and
   * <host>.<ns>.svc.cluster.local, all the environment's PKI role allows. Only environments with a
   * certificate let their ESO store issue any. @default []
   */
  certificates: z
    .array(
      z.strictObject({
        name: dnsLabel,
        /** @default [the service name] */
        hosts: z.array(dnsLabel).min(1, "at least one host").optional(),
      }),
    )
    .default([]),
  /**
   * How this service receives its secrets in every environment it runs in: "eso" (ExternalSecrets),
   * "agent-injector" (a Vault Agent sidecar renders files into the pod from the service's own login;
   * no Kubernetes Secret: apply the emitted pod-template patch), "csi" (the Secrets Store CSI driver's
   * Vault provider mounts the KV secrets as files, logging in as the pod's service account; no
   * Kubernetes Secret: mount the emitted SecretProviderClass). Omitted: the environment's delivery
   * (environments[].delivery, eso or vso). @default the environment's delivery
   */
  delivery: z.enum(["eso", "agent-injector", "csi"]).optional(),
  /** How the service itself logs in to Vault, besides ESO delivering its secrets. @default "none" */
  vaultLogin: z.enum(["none", "kubernetes", "aws-iam"]).default("none"),
  /**
   * How the service picks up a changed Secret: every ESO refresh of a database Secret brings new
   * credentials and the old lease's revocation ends its sessions. "reloader": the Secrets carry
   * reloader.stakater.com/match, so Stakater Reloader rolls the service's workloads that are annotated
   * reloader.stakater.com/search: "true" (for DATABASE_URL in environment variables). "mounted-file":
   * the service mounts the Secret as a volume (no subPath) and re-reads the file and reconnects itself.
   * @default "reloader"
   */
  secretReload: z.enum(["reloader", "mounted-file"]).default("reloader"),
  /**
   * The name of the service's Deployment in each environment namespace. With VSO and secretReload
   * "reloader", VSO itself rollout-restarts it when a delivered Secret changes (rolloutRestartTargets)
   * and the Secrets carry no Reloader annotation. Omitted: Reloader restarts the workloads, as with ESO.
   */
  deployment: k8sName.optional(),
});

const ciConsumerSchema = z.strictObject({
  name: dnsLabel,
  auth: z.discriminatedUnion("method", [
    z.strictObject({
      method: z.literal("kubernetes"),
      namespace: dnsLabel,
      serviceAccount: dnsLabel,
    }),
    z.strictObject({
      method: z.literal("approle"),
      /** @default "1h" */
      secretIdTtl: duration.default("1h"),
      /** @default 1 */
      secretIdNumUses: z.number().int().min(1).default(1),
      /** CIDRs the pipeline runners log in from. */
      boundCidrs: z.array(cidr).min(1, "at least one CIDR"),
    }),
  ]),
  /** Extra KV v2 paths (below secret/) the tool may read, e.g. clusters/production. */
  extraReadPaths: z.array(z.string().regex(/^(clusters|infrastructure|shared-services)\/[a-z0-9/_-]+[a-z0-9_-]$/, "a KV path under clusters/, infrastructure/ or shared-services/")).default([]),
});

/** One platform writer's Kubernetes identity: the service account its pods log in to Vault with. */
const writerIdentity = (defaults: { namespace: string; serviceAccount: string }) => ({
  /** The cluster the writer runs in: the primary cluster (cluster.name), whose auth/kubernetes mount reviews its tokens. @default cluster.name */
  cluster: z.string().min(1).optional(),
  /** The writer's namespace. @default "crossplane-system" (crossplane), "backstage" (backstage) */
  namespace: dnsLabel.default(defaults.namespace),
  /** The service account the writer logs in to Vault as, rendered by this kit and bound by its Vault role only. @default "crossplane-vault-writer" (crossplane), "backstage" (backstage) */
  serviceAccount: dnsLabel.default(defaults.serviceAccount),
  /** Audience of the projected token the writer presents to Vault (its role's audience). @default vault.auth.kubernetes.audience */
  audience: z.string().min(1).optional(),
  /** Environments the writer serves. @default every environment */
  environments: z.array(dnsLabel).min(1, "at least one environment").optional(),
});

/**
 * Platform tools that write to or catalogue Vault besides the services (rules VEP-S47..S49).
 * Omitted: nothing is rendered for them.
 */
const platformWritersSchema = z.strictObject({
  /**
   * Crossplane provisions PostgreSQL databases and roles (provider-sql) and publishes each role's
   * connection details to KV secret/infrastructure/databases/<env>/<name> (create, read and update
   * there; never application paths, never delete). Renders the writer's ServiceAccount and
   * SecretStore, a CompositeResourceDefinition and a Composition (dist/<cluster>/platform-writers/).
   */
  crossplane: z
    .strictObject({
      ...writerIdentity({ namespace: "crossplane-system", serviceAccount: "crossplane-vault-writer" }),
      /** The composition function that renders the composed resources (function-patch-and-transform). @default "function-patch-and-transform" */
      functionName: dnsLabel.default("function-patch-and-transform"),
    })
    .optional(),
  /** Backstage lists and reads KV metadata of the services' secrets (secret/metadata/apps/<env>/*), never their values. */
  backstage: z.strictObject(writerIdentity({ namespace: "backstage", serviceAccount: "backstage" })).optional(),
});

const stateSchema = z.discriminatedUnion("backend", [
  z.strictObject({ backend: z.literal("local") }),
  z.strictObject({
    backend: z.literal("s3"),
    bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name"),
    /** @default the platform region */
    region: awsRegion.optional(),
    /** @default the platform name */
    keyPrefix: z.string().regex(/^[A-Za-z0-9/_.-]+$/, "an S3 key prefix").optional(),
    /** Legacy DynamoDB locking; omitted means S3-native locking (use_lockfile). */
    dynamodbTable: z.string().min(3).optional(),
  }),
]);

/**
 * GitOps delivery of dist/ with Argo CD: one root Application per cluster (dist/argocd/bootstrap/),
 * which syncs dist/argocd/<cluster>/ (an AppProject and an Application per component, in sync waves).
 */
const gitopsSchema = z.strictObject({
  /** The Git repository holding the committed dist/ (https://, ssh:// or git@host:path). */
  repoUrl: z.string().regex(/^(https:\/\/|ssh:\/\/|git@)[^\s]+$/, "a Git URL such as https://github.com/example/gitops.git or git@github.com:example/gitops.git"),
  /** Branch, tag or commit Argo CD follows. @default "main" */
  revision: z.string().regex(/^[^\s]+$/, "a branch, tag or commit without spaces").default("main"),
  /** Folder of dist/ inside the repository (the --dist folder as committed), e.g. platform/shop. @default "" (the repository root) */
  pathPrefix: z
    .string()
    .regex(/^([A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*)?$/, "a relative folder such as platform/shop (no leading or trailing '/')")
    .default(""),
  argocd: z
    .strictObject({
      /** Namespace Argo CD runs in (in the primary cluster); every Application and AppProject lives there. @default "argocd" */
      namespace: dnsLabel.default("argocd"),
      /** Prefix of the Applications and AppProjects this tool renders (<project>-<cluster>[-<component>]). @default the platform name */
      project: dnsLabel.optional(),
    })
    .default({ namespace: "argocd" }),
});

export const platformSpecSchema = z.strictObject({
  /** The JSON Schema an editor checks the file against, e.g. "../spec/platform.schema.json" (JSON files; YAML files use a `# yaml-language-server: $schema=...` comment). Ignored by the tool. */
  $schema: z.string().optional(),
  /** Platform name, prefix of every AWS name. At most 20 characters. */
  name: dnsLabel.max(20, "at most 20 characters (it prefixes AWS names with length limits)"),
  aws: z.strictObject({
    accountId: awsAccountId,
    region: awsRegion,
    /** @default "aws" */
    partition: z.enum(["aws", "aws-cn", "aws-us-gov"]).default("aws"),
    /** Tags on every AWS resource (default_tags). @default {} */
    tags: z.record(z.string().regex(/^[\w .:/=+@-]{1,128}$/, "a tag key"), z.string().max(256)).default({}),
  }),
  /** The existing EKS cluster that runs Vault (this kit does not create EKS). */
  cluster: z.strictObject({
    name: z.string().regex(/^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, "an EKS cluster name"),
    /** The cluster's OIDC issuer URL (aws eks describe-cluster ... identity.oidc.issuer). */
    oidcIssuerUrl: httpsUrl,
    vpcCidr: cidr,
  }),
  /** @default "irsa" */
  workloadIdentity: z.enum(["irsa", "pod-identity"]).default("irsa"),
  vault: vaultSchema,
  kms: z
    .strictObject({
      /** @default 30 */
      deletionWindowDays: z.number().int().min(7, "AWS allows 7 to 30 days").max(30, "AWS allows 7 to 30 days").default(30),
      /** Principals allowed to administer (not use) the keys; the account root is always one. @default [] */
      keyAdministratorArns: z.array(iamArn).default([]),
    })
    .default({ deletionWindowDays: 30, keyAdministratorArns: [] }),
  snapshots: z
    .strictObject({
      /** @default "0 * * * *" */
      schedule: cronSchedule.default("0 * * * *"),
      /** Days before a snapshot object expires. @default 30 */
      retentionDays: z.number().int().min(1).max(3650).default(30),
      /** Days a replaced (noncurrent) version is kept. @default 7 */
      noncurrentRetentionDays: z.number().int().min(1).max(365).default(7),
      /** @default "raft" */
      prefix: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "a key prefix such as raft").default("raft"),
      /** Principals (operators, a restore job) that may decrypt snapshots through S3 for a restore. @default [] */
      restorePrincipalArns: z.array(iamArn).default([]),
      /** Image that uploads the snapshot (needs the AWS CLI); pinned, never latest. @default "amazon/aws-cli:2.31.6" */
      uploaderImage: pinnedImage.default("amazon/aws-cli:2.31.6"),
      /**
       * S3 Object Lock default retention: no snapshot version can be deleted or overwritten for this
       * long, even with stolen credentials (GOVERNANCE: only principals granted
       * s3:BypassGovernanceRetention may; COMPLIANCE: nobody, not even the account root). At most
       * retentionDays (rule VEP-S39). Named opt-out: enabled false. @default { enabled: true, mode: "GOVERNANCE", days: 14 }
       */
      objectLock: z
        .strictObject({
          enabled: z.boolean().default(true),
          mode: z.enum(["GOVERNANCE", "COMPLIANCE"]).default("GOVERNANCE"),
          days: z.number().int().min(1).max(3650).default(14),
        })
        .default({ enabled: true, mode: "GOVERNANCE", days: 14 }),
      /**
       * An existing bucket receiving S3 server access logs of the snapshot bucket (prefix
       * <snapshot bucket>/). Its policy must let logging.s3.amazonaws.com write, with aws:SourceArn
       * the snapshot bucket. It cannot have Object Lock. Omitted: no access logs (CloudTrail data
       * events are the alternative).
       */
      accessLogBucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, "an S3 bucket name").optional(),
    })
    .default({ schedule: "0 * * * *", retentionDays: 30, noncurrentRetentionDays: 7, prefix: "raft", restorePrincipalArns: [], uploaderImage: "amazon/aws-cli:2.31.6", objectLock: { enabled: true, mode: "GOVERNANCE", days: 14 } }),
  /** Where Terraform keeps state. @default { backend: "local" } */
  terraformState: stateSchema.default({ backend: "local" }),
  externalSecrets: z
    .strictObject({
      /** @default "external-secrets" */
      namespace: dnsLabel.default("external-secrets"),
      /** The ESO controller's service account. @default "external-secrets" */
      controllerServiceAccount: dnsLabel.default("external-secrets"),
      /** @default "1h" */
      refreshInterval: duration.default("1h"),
      /**
       * The shortest refresh interval an ExternalSecret may have: every refresh is a Vault login and
       * read per ExternalSecret (rule VEP-S35 for the intervals the spec implies; check VEP-G17 on
       * the rendered ones). @default "5m"
       */
      minRefreshInterval: duration.default("5m"),
      /** The AWS Secrets Manager store of the design. @default disabled */
      secretsManager: z
        .strictObject({
          enabled: z.boolean(),
          /** Read-only access is limited to secrets whose name starts with this. */
          secretNamePrefix: z.string().regex(/^[A-Za-z0-9/_+=.@-]+\/$/, "a secret name prefix ending in '/', such as shop/"),
        })
        .optional(),
    })
    .default({ namespace: "external-secrets", controllerServiceAccount: "external-secrets", refreshInterval: "1h", minRefreshInterval: "5m" }),
  /** The Vault Secrets Operator, for environments with delivery "vso" (installed separately, e.g. its Helm chart). */
  vaultSecretsOperator: z
    .strictObject({
      /** Namespace the VSO controller runs in; Vault admits it on 8200 when an environment uses VSO. @default "vault-secrets-operator-system" (the chart's) */
      namespace: dnsLabel.default("vault-secrets-operator-system"),
    })
    .default({ namespace: "vault-secrets-operator-system" }),
  /** The Vault CSI provider (hashicorp/vault-csi-provider), for services with delivery "csi" (installed separately with the Secrets Store CSI driver). */
  csiProvider: z
    .strictObject({
      /** Namespace the provider's DaemonSet runs in: its pods log in and read for the mounting pods, so Vault admits it on 8200. @default "csi" (the provider's deployment manifest) */
      namespace: dnsLabel.default("csi"),
      /** Path of the Vault CA certificate inside the provider's pods (vaultCACertPath: mount it there). @default "/vault/tls/ca.crt" */
      vaultCaCertPath: z.string().regex(/^\/[^\0]*[^/]$/, "an absolute file path").default("/vault/tls/ca.crt"),
    })
    .default({ namespace: "csi", vaultCaCertPath: "/vault/tls/ca.crt" }),
  /**
   * Prometheus scrapes /v1/sys/metrics without a Vault token (unauthenticated_metrics_access): it
   * cannot log in to Vault, and a long-lived token in a Kubernetes Secret would be the weaker choice.
   * Metrics carry no secret values; every client admitted to port 8200 can read them.
   */
  monitoring: z
    .strictObject({
      /** @default "monitoring" */
      namespace: dnsLabel.default("monitoring"),
      /** Labels the Prometheus operator selects ServiceMonitors and rules by. @default { release: "kube-prometheus-stack" } */
      selectorLabels: z.record(z.string(), z.string()).default({ release: "kube-prometheus-stack" }),
      /**
       * A blackbox exporter in the Vault namespace that completes a verified TLS handshake with each
       * Vault pod, so alerts see the certificate Vault actually serves (not only the Secret).
       */
      certificateProbe: z
        .strictObject({
          /** Named opt-out: without the probe only the Secret's certificate is watched. @default true */
          enabled: z.boolean().default(true),
          /** @default "quay.io/prometheus/blackbox-exporter:v0.28.0" */
          image: pinnedImage.default(DEFAULT_PROBE_IMAGE),
        })
        .default({ enabled: true, image: DEFAULT_PROBE_IMAGE }),
    })
    .default({ namespace: "monitoring", selectorLabels: { release: "kube-prometheus-stack" }, certificateProbe: { enabled: true, image: DEFAULT_PROBE_IMAGE } }),
  network: z
    .strictObject({
      /** Where Vault reaches KMS and STS on 443 (interface endpoints). @default [cluster.vpcCidr] */
      awsApiCidrs: z.array(cidr).optional(),
      /** Where the Kubernetes API server endpoints live. @default [cluster.vpcCidr] */
      kubernetesApiCidrs: z.array(cidr).optional(),
      /**
       * Where Vault reaches IAM (the partition's global endpoint, iam.amazonaws.com) for AWS auth.
       * IAM's interface endpoint exists only in us-east-1, so elsewhere this is the NAT or proxy path
       * to IAM's public addresses. @default network.awsApiCidrs in us-east-1; required elsewhere when a service logs in with aws-iam
       */
      iamCidrs: z.array(cidr).optional(),
    })
    .default({}),
  environments: z.array(environmentSchema).min(1, "at least one environment"),
  sharedServices: z.array(sharedServiceSchema).default([]),
  databases: z.array(databaseSchema).default([]),
  services: z.array(serviceSchema).default([]),
  /** CI/CD tools that read their own secrets (ci-cd/<tool>/*). */
  ciConsumers: z.array(ciConsumerSchema).default([]),
  /** Crossplane and Backstage: Vault roles and policies, service accounts, network access and Crossplane's Composition. Omitted: none. */
  platformWriters: platformWritersSchema.optional(),
  /** Argo CD delivery of dist/ (dist/argocd/); omitted: no Argo CD objects are rendered (apply dist/ with Flux or by hand). */
  gitops: gitopsSchema.optional(),
  /**
   * Findings of `npm run check` accepted on purpose: the rule id, the resource as the report names
   * it (`*` matches any characters) and why. Every report lists them; one that matches nothing is
   * a warning (VEP-C01). @default []
   */
  suppressions: z
    .array(
      z.strictObject({
        rule: z.string().regex(/^VEP-[A-Z]\d{2}$/, "a check or rule id such as VEP-G08"),
        resource: z.string().min(1),
        /** Why the finding is acceptable, for the reviewer: at least 20 characters. */
        reason: z.string().trim().min(20, "a written reason of at least 20 characters"),
      }),
    )
    .default([]),
});

/** The spec as written by a user (defaults optional). */
export type PlatformSpecInput = z.input<typeof platformSpecSchema>;
/** The spec after validation, defaults filled in. */
export type PlatformSpec = z.output<typeof platformSpecSchema>;
export type EnvironmentSpec = PlatformSpec["environments"][number];
export type ServiceSpec = PlatformSpec["services"][number];
export type SharedServiceSpec = PlatformSpec["sharedServices"][number];
export type DatabaseSpec = PlatformSpec["databases"][number];
export type CiConsumerSpec = PlatformSpec["ciConsumers"][number];
export type PlatformWritersSpec = NonNullable<PlatformSpec["platformWriters"]>;
