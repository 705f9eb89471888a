#!/usr/bin/env bash
# Deploys Hybrid's cloud half: ./deploy.sh <resource-group> [params-file] [location]
# Needs the Azure CLI (az login first) with Bicep; creates the resource group if missing, deploys main.bicep,
# publishes the ingest Function (self-contained linux-x64 custom handler) and uploads the package.
set -euo pipefail

resource_group="${1:?usage: ./deploy.sh <resource-group> [params-file] [location]}"
params="${2:-main.bicepparam}"
location="${3:-swedencentral}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
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
  --parameters "$here/$params" --query properties.outputs --output json)"
app="$(jq -r .functionAppName.value <<<"$outputs")"
ingest_url="$(jq -r .ingestUrl.value <<<"$outputs")"

say "publishing the ingest Function (self-contained linux-x64)"
dotnet publish "$root/functions/Hybrid.Functions" -c Release -r linux-x64 --self-contained true -o "$work/app" --nologo -v quiet
(cd "$work/app" && zip -qr "$work/package.zip" .)

say "uploading the package to $app"
az functionapp deployment source config-zip --resource-group "$resource_group" --name "$app" --src "$work/package.zip" --output none

say "done. Ingest URL: $ingest_url"
say "function key: az functionapp function keys list -g $resource_group -n $app --function-name ingest"
