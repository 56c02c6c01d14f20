/**
 * Whether a Kubernetes auth login to Vault succeeds, decided the way it is decided at run time:
 * vault-plugin-auth-kubernetes (path_login.go, token_review.go, backend.go loadConfig) and the API
 * server that reviews the token. Inputs are read from rendered output (the client's requested
 * audiences, the Vault stack's auth config and role, the Vault pod's mounts); the API server's
 * accepted audiences are a fact about the cluster that the caller states.
 */
export interface KubernetesLogin {
  /** Audiences of the token the client presents (its TokenRequest or projected volume). */
  tokenAudiences: string[];
  /** vault_kubernetes_auth_backend_role.audience (empty: not checked). */
  roleAudience?: string;
  /** vault_kubernetes_auth_backend_config */
  config: { disableLocalCaJwt: boolean; tokenReviewerJwt?: string };
  /** Vault's own service-account token (and CA) is mounted where the plugin reads it. */
  vaultHasLocalToken: boolean;
  /** Who may create TokenReviews (system:auth-delegator) in the cluster that reviews the token. */
  mayCreateTokenReviews: { vault: boolean; client: boolean };
  /** The audiences the reviewing API server authenticates bearer tokens for (--api-audiences). */
  apiServerAudiences: string[];
}

/** The service-account files the plugin reads when disable_local_ca_jwt is false (path_config.go). */
export const PLUGIN_LOCAL_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";
export const PLUGIN_LOCAL_CA = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

const overlaps = (a: string[], b: string[]) => a.some((x) => b.includes(x));

/** Why the login fails, or undefined when it succeeds. */
export function kubernetesLoginFailure(l: KubernetesLogin): string | undefined {
  // path_login.go: a role with an audience requires it among the JWT's aud (cap/jwt: any of the expected).
  if (l.roleAudience && !l.tokenAudiences.includes(l.roleAudience)) {
    return `the token's audiences [${l.tokenAudiences}] lack the role's audience "${l.roleAudience}"`;
  }
  // backend.go loadConfig: unless disable_local_ca_jwt, Vault's own token is the reviewer; it needs
  // the local CA too (a missing CA is an error, a missing token falls back to the client's JWT).
  if (!l.config.disableLocalCaJwt && !l.vaultHasLocalToken) {
    return `disable_local_ca_jwt is false but Vault has no service-account token and CA at ${PLUGIN_LOCAL_TOKEN}`;
  }
  // token_review.go: the TokenReview's bearer is token_reviewer_jwt when set, else the client's JWT.
  const reviewer = l.config.tokenReviewerJwt ? "token_reviewer_jwt" : l.config.disableLocalCaJwt ? "client" : "vault";
  // The API server authenticates the bearer only for a token carrying one of its own audiences
  // (401 -> "lookup failed: service account unauthorized").
  if (reviewer === "client" && !overlaps(l.tokenAudiences, l.apiServerAudiences)) {
    return `Vault reviews with the client's own token, whose audiences [${l.tokenAudiences}] include none the API server accepts [${l.apiServerAudiences}]`;
  }
  // An authenticated bearer still needs RBAC to create the TokenReview (403 otherwise).
  if (reviewer !== "token_reviewer_jwt" && !l.mayCreateTokenReviews[reviewer]) {
    return `the ${reviewer === "client" ? "client's" : "Vault"} service account may not create TokenReviews (no system:auth-delegator binding)`;
  }
  // token_review.go: spec.audiences = [role audience] (else the token's own); the review must overlap.
  const wanted = l.roleAudience ? [l.roleAudience] : l.tokenAudiences;
  if (!overlaps(wanted, l.tokenAudiences)) return `the TokenReview for [${wanted}] does not authenticate a token for [${l.tokenAudiences}]`;
  return undefined;
}
