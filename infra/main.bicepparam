using 'main.bicep'

// Copy and edit per environment: ./deploy.sh <resource-group> main.bicepparam
param environmentName = 'hybrid-dev'
param maximumInstanceCount = 100
param instanceMemoryMB = 2048
param defaultQueue = 'telemetry'
param rejectedQueue = 'ingest-rejected'
param routes = [
  { pattern: 'telemetry.*', queue: 'telemetry' }
  { pattern: 'alert.*', queue: 'alerts' }
]
param watermarkTable = 'ingestwatermarks'
