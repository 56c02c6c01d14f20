#!/usr/bin/env bash
# Moves every resource of the single `vault` Terraform state into the state of the Vault stack that now
# renders it (vault-core, vault-<env>), with `terraform state mv -state -state-out`: local state files,
# no provider, no request to Vault. Addresses are unchanged by the split, so each moves to itself.
#
#   scripts/split-vault-state.sh <old vault.tfstate> <cdktf.out> <output directory>
#
# Writes <output directory>/<stack>.tfstate per Vault stack and exits non-zero, naming them, when
# resources of the old state belong to no new stack (they stay in the old file).
set -euo pipefail

old=$1
out=$2
dest=$3
mkdir -p "$dest"

moved=0
for dir in "$out"/stacks/vault-*/; do
  stack=$(basename "$dir")
  # Every resource address the new stack renders, e.g. vault_policy.policy_eso_dev.
  jq -r '.resource // {} | to_entries[] | .key as $type | .value | keys[] | "\($type).\(.)"' "$dir/cdk.tf.json" | sort >"$dest/$stack.addresses"
  terraform state list -state="$old" | sort >"$dest/old.addresses"
  while IFS= read -r address; do
    terraform state mv -lock=false -state="$old" -state-out="$dest/$stack.tfstate" -backup="$dest/old.backup" -backup-out="$dest/$stack.backup" "$address" "$address" >/dev/null
    moved=$((moved + 1))
  done < <(comm -12 "$dest/old.addresses" "$dest/$stack.addresses")
  rm -f "$dest/$stack.addresses"
done

left=$(terraform state list -state="$old")
rm -f "$dest/old.addresses"
echo "moved $moved resources"
if [ -n "$left" ]; then
  echo "left in $old (rendered by no Vault stack; remove them from Vault by hand or with terraform state rm):" >&2
  echo "$left" >&2
  exit 1
fi
