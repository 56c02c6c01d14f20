import { IdentityMfaLoginEnforcement } from "@cdktf/provider-vault/lib/identity-mfa-login-enforcement";
import { IdentityMfaTotp } from "@cdktf/provider-vault/lib/identity-mfa-totp";
import { JwtAuthBackend } from "@cdktf/provider-vault/lib/jwt-auth-backend";
import { JwtAuthBackendRole } from "@cdktf/provider-vault/lib/jwt-auth-backend-role";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import type { OidcAuth as OidcAuthModel } from "../../model/vault/types";

/** OIDC login for people: identity-provider groups map to the admin and developer policies. */
export class OidcAuth extends Construct {
  constructor(scope: Construct, id: string, oidc: OidcAuthModel) {
    super(scope, id);
    const clientSecret = new TerraformVariable(this, "oidc_client_secret", {
      type: "string",
      sensitive: true,
      description: "OIDC client secret of the Vault application at the identity provider (TF_VAR_oidc_client_secret)",
    });
    clientSecret.overrideLogicalId("oidc_client_secret");
    const backend = new JwtAuthBackend(this, "backend", {
      type: "oidc",
      path: oidc.path,
      description: "People, through the identity provider",
      oidcDiscoveryUrl: oidc.discoveryUrl,
      boundIssuer: oidc.discoveryUrl,
      oidcClientId: oidc.clientId,
      oidcClientSecret: clientSecret.stringValue,
      // The least privileged role is the default.
      defaultRole: (oidc.roles.find((r) => r.consumer.kind === "people" && r.consumer.group === "developer") ?? oidc.roles[0]).name,
    });
    for (const r of oidc.roles) {
      new JwtAuthBackendRole(this, `role_${r.name}`, {
        backend: backend.path,
        roleName: r.name,
        roleType: "oidc",
        userClaim: oidc.userClaim,
        groupsClaim: oidc.groupsClaim,
        claimMappings: oidc.claimMappings,
        // The provider takes list claims as comma-separated strings.
        boundClaims: { [oidc.groupsClaim]: r.groups.join(",") },
        allowedRedirectUris: oidc.allowedRedirectUris,
        oidcScopes: oidc.scopes,
        tokenPolicies: r.policies,
        // People keep Vault's default policy (token self-service, cubbyhole) for the UI and CLI.
        tokenNoDefaultPolicy: false,
        tokenTtl: r.ttlSeconds,
        tokenMaxTtl: r.maxTtlSeconds,
      });
    }
    if (oidc.mfa) {
      const totp = new IdentityMfaTotp(this, "mfa_totp", { issuer: oidc.mfa.issuer, digits: oidc.mfa.digits, maxValidationAttempts: oidc.mfa.maxValidationAttempts, algorithm: "SHA256", period: 30, keySize: 20, skew: 1 });
      new IdentityMfaLoginEnforcement(this, "mfa_enforcement", { name: oidc.mfa.enforcement, mfaMethodIds: [totp.methodId], authMethodAccessors: [backend.accessor] });
    }
  }
}
