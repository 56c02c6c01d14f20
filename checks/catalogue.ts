import { secretReachability } from "./cross/vep-x01-secret-reachability";
import { leastPrivilege } from "./cross/vep-x02-least-privilege";
import { neededFlows } from "./cross/vep-x03-needed-flows";
import { unneededFlows } from "./cross/vep-x04-unneeded-flows";
import { workloadIdentity } from "./cross/vep-x05-workload-identity";
import { awsAuthBinding } from "./cross/vep-x06-aws-auth-binding";
import { kubernetesLogin } from "./cross/vep-x07-kubernetes-login";
import { boundServiceAccounts } from "./cross/vep-x08-bound-service-accounts";
import { sealKey } from "./cross/vep-x09-seal-key";
import { tlsNames } from "./cross/vep-x10-tls-names";
import { writersReadNothingConsumersRead } from "./cross/vep-x11-writers-read-nothing-consumers-read";
import { compositionPushes } from "./cross/vep-x12-composition-pushes";
import { unmatchedSuppression } from "./rules/vep-c01-unmatched-suppression";
import { tlsOff } from "./rules/vep-g01-tls-off";
import { tlsSkipVerify } from "./rules/vep-g02-tls-skip-verify";
import { tokenInSecret } from "./rules/vep-g03-token-in-secret";
import { vaultPolicySudo } from "./rules/vep-g04-vault-policy-sudo";
import { iamWildcard } from "./rules/vep-g05-iam-wildcard";
import { irsaTrust } from "./rules/vep-g06-irsa-trust";
import { networkPolicyOpen } from "./rules/vep-g07-network-policy-open";
import { runAsRoot } from "./rules/vep-g08-run-as-root";
import { privileged } from "./rules/vep-g09-privileged";
import { writableRoot } from "./rules/vep-g10-writable-root";
import { noLimits } from "./rules/vep-g11-no-limits";
import { vaultReplicas } from "./rules/vep-g12-vault-replicas";
import { noPdb } from "./rules/vep-g13-no-pdb";
import { noAuditDevice } from "./rules/vep-g14-no-audit-device";
import { kmsRotation } from "./rules/vep-g15-kms-rotation";
import { bucketPublicAccess } from "./rules/vep-g16-bucket-public-access";
import { refreshFloor } from "./rules/vep-g17-refresh-floor";
import { certificateReload } from "./rules/vep-g18-certificate-reload";
import { transitKeyEnvironment } from "./rules/vep-g19-transit-key-environment";
import { rootEquivalentPolicy } from "./rules/vep-g20-root-equivalent-policy";
import { terraformReadsData } from "./rules/vep-g21-terraform-reads-data";
import { auditOffPod } from "./rules/vep-g22-audit-off-pod";
import { auditFailureAlert } from "./rules/vep-g23-audit-failure-alert";
import { oidcUserClaim } from "./rules/vep-g24-oidc-user-claim";
import { vaultCoreDumps } from "./rules/vep-g25-vault-core-dumps";
import { snapshotBucketEncryption } from "./rules/vep-g26-snapshot-bucket-encryption";
import { snapshotObjectLock } from "./rules/vep-g27-snapshot-object-lock";
import { snapshotAccessLogs } from "./rules/vep-g28-snapshot-access-logs";
import { forwardedClientAddress } from "./rules/vep-g29-forwarded-client-address";
import { pkiBounds } from "./rules/vep-g30-pki-bounds";
import { kvProductionCas } from "./rules/vep-g31-kv-production-cas";
import { metricsUnauthenticated } from "./rules/vep-g32-metrics-unauthenticated";
import { backstageMetadataOnly } from "./rules/vep-g33-backstage-metadata-only";
import { crossplaneInfrastructureOnly } from "./rules/vep-g34-crossplane-infrastructure-only";
import type { Check } from "./types";

/** Every check, in id order: cross-layer proofs (VEP-X), guardrails (VEP-G), the suppression check (VEP-C). */
export const CHECKS: Check[] = [
  secretReachability,
  leastPrivilege,
  neededFlows,
  unneededFlows,
  workloadIdentity,
  awsAuthBinding,
  kubernetesLogin,
  boundServiceAccounts,
  sealKey,
  tlsNames,
  writersReadNothingConsumersRead,
  compositionPushes,
  tlsOff,
  tlsSkipVerify,
  tokenInSecret,
  vaultPolicySudo,
  iamWildcard,
  irsaTrust,
  networkPolicyOpen,
  runAsRoot,
  privileged,
  writableRoot,
  noLimits,
  vaultReplicas,
  noPdb,
  noAuditDevice,
  kmsRotation,
  bucketPublicAccess,
  refreshFloor,
  certificateReload,
  transitKeyEnvironment,
  rootEquivalentPolicy,
  terraformReadsData,
  auditOffPod,
  auditFailureAlert,
  oidcUserClaim,
  vaultCoreDumps,
  snapshotBucketEncryption,
  snapshotObjectLock,
  snapshotAccessLogs,
  forwardedClientAddress,
  pkiBounds,
  kvProductionCas,
  metricsUnauthenticated,
  backstageMetadataOnly,
  crossplaneInfrastructureOnly,
  unmatchedSuppression,
];
