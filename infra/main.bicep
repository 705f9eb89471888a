// Hybrid's cloud half on Azure: the ingest Function (.NET isolated worker) on the Flex Consumption plan, the storage
// account it fans out to, monitoring, and a user-assigned managed identity holding only the roles it needs.
// Follows the official Flex Consumption samples (Azure-Samples/azure-functions-flex-consumption-samples, IaC/bicep).
// Deploy with ./deploy.sh (az deployment group create + package upload).

targetScope = 'resourceGroup'

@description('Short name used to derive resource names, e.g. "hybrid-prod".')
@minLength(3)
@maxLength(20)
param environmentName string

@description('Region of every resource. Must offer the Flex Consumption plan.')
param location string = resourceGroup().location

@description('Upper bound of Function instances (Flex Consumption scales out per HTTP load).')
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 100

@description('Memory per instance; 2048 MB is ample for the ingest app.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

@description('Queue every reading goes to when no route matches (Hybrid__Routing__DefaultQueue).')
param defaultQueue string = 'telemetry'

@description('Queue receiving every invalid item with its reason (Hybrid__Routing__RejectedQueue).')
param rejectedQueue string = 'ingest-rejected'

@description('Type pattern → queue routes (Hybrid__Routing__Routes__N__Pattern/Queue).')
param routes array = [
  { pattern: 'telemetry.*', queue: 'telemetry' }
  { pattern: 'alert.*', queue: 'alerts' }
]

@description('Azure Table holding the dedupe watermarks (Hybrid__Storage__WatermarkTable).')
param watermarkTable string = 'ingestwatermarks'

@description('Days Log Analytics keeps logs (the workspace accepts 30 to 730 on PerGB2018).')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

var token = toLower(uniqueString(resourceGroup().id, environmentName))
var names = {
  storage: take('sthybrid${token}', 24)
  plan: 'plan-${environmentName}'
  app: 'func-${environmentName}-${take(token, 6)}'
  identity: 'id-${environmentName}'
  logs: 'log-${environmentName}'
  insights: 'appi-${environmentName}'
  deploymentContainer: 'app-package'
}
var queueNames = union([defaultQueue, rejectedQueue], map(routes, r => r.queue))

// Built-in role definition ids (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles).
var roles = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // deployment package + AzureWebJobsStorage host state
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // fan-out: create queues, put messages
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // dedupe watermarks
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Entra-authenticated Application Insights
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: names.identity
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: names.logs
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: logRetentionDays
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: names.insights
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    DisableLocalAuth: true
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: names.storage
  location: location
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    // Everything (the Functions host, the deployment, our Queue/Table client) authenticates with the managed identity.
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
  }

  resource blobs 'blobServices' = {
    name: 'default'
    resource deploymentContainer 'containers' = {
      name: names.deploymentContainer
      properties: { publicAccess: 'None' }
    }
  }

  resource queueService 'queueServices' = {
    name: 'default'
    resource queue 'queues' = [for queue in queueNames: {
      name: queue
    }]
  }

  resource tableService 'tableServices' = {
    name: 'default'
    resource watermarks 'tables' = {
      name: watermarkTable
    }
  }
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in [
  roles.storageBlobDataOwner
  roles.storageQueueDataContributor
  roles.storageTableDataContributor
]: {
  name: guid(storage.id, identity.id, role)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}]

resource insightsRole 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(insights.id, identity.id, roles.monitoringMetricsPublisher)
  scope: insights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: names.plan
  location: location
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

var routeSettings = reduce(range(0, length(routes)), {}, (acc, i) => union(acc, {
  'Hybrid__Routing__Routes__${i}__Pattern': routes[i].pattern
  'Hybrid__Routing__Routes__${i}__Queue': routes[i].queue
}))

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: names.app
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${names.deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identity.id
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      // The ingest app is an isolated-worker app on .NET 10; the package is a framework-dependent linux-x64 publish
      // (the platform provides the runtime this selects). Same shape as the official Flex Consumption sample:
      // Azure-Samples/azure-functions-flex-consumption-samples, IaC/bicep/core/host/function.bicep,
      // functionAppConfig.runtime { name: functionAppRuntime ('dotnet-isolated'), version: functionAppRuntimeVersion },
      // with IaC/bicep/main.bicep listing the dotnet versions as 'major.minor' ('8.0' there; '10.0' for .NET 10).
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }

  resource settings 'config' = {
    name: 'appsettings'
    properties: union({
      AzureWebJobsStorage__accountName: storage.name
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identity.properties.clientId
      APPLICATIONINSIGHTS_CONNECTION_STRING: insights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.properties.clientId};Authorization=AAD'
      // DefaultAzureCredential picks the user-assigned identity by this client id.
      AZURE_CLIENT_ID: identity.properties.clientId
      // The Functions host checks the function key (AuthorizationLevel.Function) before the worker sees a request;
      // the app does not check keys under the host (standalone it requires Hybrid__Ingest__FunctionKey).
      Hybrid__Ingest__RequireFunctionKey: 'false'
      Hybrid__Storage__AccountName: storage.name
      Hybrid__Storage__WatermarkTable: watermarkTable
      Hybrid__Routing__DefaultQueue: defaultQueue
      Hybrid__Routing__RejectedQueue: rejectedQueue
    }, routeSettings)
  }

  // The deployment source (the container) must exist before the site points at it, and the identity's roles
  // should be assigned before the host starts using them.
  dependsOn: [
    storage::blobs::deploymentContainer
    storageRoles
  ]
}

@description('The ingest endpoint the edge agents post to; the function key comes from `az functionapp function keys list`.')
output ingestUrl string = 'https://${app.properties.defaultHostName}/api/ingest'

@description('Liveness and storage reachability.')
output healthUrl string = 'https://${app.properties.defaultHostName}/api/health'

output functionAppName string = app.name
output storageAccountName string = storage.name
output deploymentContainerName string = names.deploymentContainer
