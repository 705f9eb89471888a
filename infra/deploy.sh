#!/usr/bin/env bash
# Deploys Hybrid's cloud half: ./deploy.sh <resource-group> [params-file] [location]
# Needs the Azure CLI (az login first) with Bicep, and permission to create role assignments (Owner, or User Access
# Administrator beside Contributor) on the resource group; creates the group if missing, deploys main.bicep,
# publishes the ingest Function (isolated worker, framework-dependent linux-x64) and uploads the package.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
resource_group="${1:?usage: ./deploy.sh <resource-group> [params-file] [location]}"
# The parameter file as given (relative to the current directory, or absolute), made absolute: az resolves
# relative paths against its own working directory, which need not be this one.
params="$(realpath -e "${2:-$here/main.bicepparam}")" || { echo "parameter file not found: ${2:-$here/main.bicepparam}" >&2; exit 1; }
location="${3:-swedencentral}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

say() { printf '==> %s\n' "$*"; }

command -v az >/dev/null || { echo "the Azure CLI (az) is required: https://learn.microsoft.com/cli/azure/install-azure-cli" >&2; exit 1; }
command -v zip >/dev/null || { echo "zip is required (apt install zip)" >&2; exit 1; }
command -v jq >/dev/null || { echo "jq is required (apt install jq)" >&2; exit 1; }

if [[ "$(az group exists --name "$resource_group")" != "true" ]]; then
  say "creating resource group $resource_group in $location"
  az group create --name "$resource_group" --location "$location" --output none
fi

say "deploying infrastructure (main.bicep with $params)"
outputs="$(az deployment group create --resource-group "$resource_group" --template-file "$here/main.bicep" \
  --parameters "$params" --query properties.outputs --output json)"
app="$(jq -r .functionAppName.value <<<"$outputs")"
ingest_url="$(jq -r .ingestUrl.value <<<"$outputs")"

# Framework-dependent: on Flex Consumption the dotnet-isolated 10.0 runtime (functionAppConfig.runtime in main.bicep)
# is installed on every instance, so the package need not carry its own (~70 MB less to upload and unpack on a cold
# start). linux-x64 because the instances are Linux x64: the apphost and any native assets match them.
say "publishing the ingest Function (isolated worker, framework-dependent linux-x64)"
dotnet publish "$root/functions/Hybrid.Functions" -c Release -r linux-x64 --self-contained false -o "$work/app" --nologo -v quiet
(cd "$work/app" && zip -qr "$work/package.zip" .)

# The identity's new role assignment on the deployment container can take minutes to reach the storage service: the
# first uploads may be refused until it has.
say "uploading the package to $app"
for attempt in 1 2 3 4 5; do
  if az functionapp deployment source config-zip --resource-group "$resource_group" --name "$app" --src "$work/package.zip" --output none; then
    break
  fi
  if [[ $attempt -eq 5 ]]; then
    echo "the package upload failed 5 times; check the role assignments on the storage account and run ./deploy.sh again" >&2
    exit 1
  fi
  say "upload attempt $attempt failed (role assignments may still be propagating); retrying in 30 s"
  sleep 30
done

say "done. Ingest URL: $ingest_url"
say "function key: az functionapp function keys list -g $resource_group -n $app --function-name ingest"
