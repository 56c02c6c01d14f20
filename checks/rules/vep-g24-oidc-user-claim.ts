import type { Check } from "../types";
import { fx } from "../util";

export const oidcUserClaim: Check = {
  id: "VEP-G24",
  severity: "warning",
  title: "OIDC and JWT login roles identify people by the sub claim",
  rationale: "Only sub (with the issuer) is a stable, unique identifier (OIDC Core 5.7): an identity provider that lets users edit their email lets one person take over another's Vault entity.",
  fix: "Set user_claim = \"sub\" (the model's default) and map email to metadata with claim_mappings.",
  appliesTo: ["vault_jwt_auth_backend_role"],
  run(ctx) {
    return ctx
      .resources("vault_jwt_auth_backend_role")
      .filter((r) => r.value.user_claim !== "sub")
      .map((r) => ({ resource: r.resource, message: `role ${r.value.role_name} takes the Vault identity from claim ${r.value.user_claim ?? "(none)"}, not sub` }));
  },
  fixtures: {
    pass: {
      spec: "examples/vcluster-oidc.yaml",
      does: "the developer role maps the preferred_username claim to metadata too",
      edit: (s) => void (fx.resource(s, "vault-core", "vault_jwt_auth_backend_role", "auth_oidc_role_developer").claim_mappings.preferred_username = "username"),
    },
    fail: {
      spec: "examples/vcluster-oidc.yaml",
      does: "the developer role takes the identity from the email claim",
      edit: (s) => void (fx.resource(s, "vault-core", "vault_jwt_auth_backend_role", "auth_oidc_role_developer").user_claim = "email"),
      expect: { resource: "vault-core/vault_jwt_auth_backend_role.auth_oidc_role_developer", message: "role developer takes the Vault identity from claim email, not sub" },
    },
  },
};
