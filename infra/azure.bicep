// Azure resources for Share Link: a Linux App Service running the service on Node 24 LTS, a storage account whose table
// holds the share log, and the Azure Bot (channels + OAuth connection) from botRegistration/azurebot.bicep.
// The Entra app (bot + SSO) is created by the Toolkit's aadApp/create and passed in; nothing here creates identities.
// Outputs in UPPER_CASE are written back into env/.env.{env} by the Toolkit's arm/deploy.

@minLength(4)
@maxLength(20)
@description('Prefix of every resource name; the default adds a hash of the resource group so names are unique.')
param resourceBaseName string = 'sharelink-${substring(uniqueString(resourceGroup().id), 0, 8)}'

param location string = resourceGroup().location

@description('App Service plan SKU. B1 or higher: alwaysOn is not available on F1.')
param webAppSku string = 'B1'

@minValue(1)
@maxValue(30)
@description('App Service instances. With more than one, set redisSku so instances share idempotency and token caches.')
param instanceCount int = 1

@allowed(['none', 'Basic', 'Standard', 'Premium'])
@description('Azure Cache for Redis for the state instances share: "none" keeps it in each instance. Standard is replicated.')
param redisSku string = 'none'

@minValue(0)
@maxValue(6)
@description('Cache size within the SKU: C0 (250 MB) … C6 for Basic/Standard, P1 … P5 for Premium.')
param redisCapacity int = 0

@secure()
@description('32 random bytes, base64 (SECRET_REDIS_ENCRYPTION_KEY): encrypts what the service keeps in Redis. Required with redisSku.')
param redisEncryptionKey string = ''

@description('Shares one person may create per minute, all instances together (0 = no limit).')
param shareRateLimit string = '60'

@allowed(['F0', 'S1'])
param botServiceSku string = 'F0'

@maxLength(42)
param botDisplayName string = 'Share Link'

@description('Client id of the Entra app that is both the bot and the SSO app (AAD_APP_CLIENT_ID).')
param botAadAppClientId string

@secure()
@description('Client secret of that Entra app (SECRET_AAD_APP_CLIENT_SECRET).')
param botAadAppClientSecret string

@description('Tenant of the Entra app.')
param botTenantId string = tenant().tenantId

@description('Comma-separated tenant ids the service accepts; empty = only the app\'s own tenant.')
param allowedTenantIds string = ''

param oauthConnectionName string = 'GraphConnection'

@description('Teams app (manifest) id; deep links to the "My shared links" tab use it until the app is published.')
param teamsAppId string

@description('Id the organization\'s app catalog gave the app (TEAMS_APP_PUBLISHED_APP_ID after publish); empty before.')
param teamsAppCatalogId string = ''

param graphScopes string = 'Files.ReadWrite.All Sites.ReadWrite.All User.Read Chat.ReadBasic openid profile offline_access'

@description('Admin policy, see docs/deploy.md: allowed link scopes, e.g. "organization,users" (empty = all).')
param policyAllowedScopes string = ''

@description('Admin policy: allowed link types, e.g. "view,edit" (empty = all).')
param policyAllowedTypes string = ''

@description('Admin policy: longest expiration in days (0 = no limit).')
param policyMaxExpirationDays string = '0'

@description('Admin policy: anonymous links must expire ("true"/"false").')
param policyRequireExpirationForAnonymous string = 'false'

param shareLogTableName string = 'ShareLog'

param logLevel string = 'info'

var storageAccountName = take(toLower(replace('${resourceBaseName}st', '-', '')), 24)
var useRedis = redisSku != 'none'

// Shared hot state (idempotency, msal and Graph-token caches, item cache, rate limit). TLS only; every key has a TTL,
// so the cache may evict the least recently used under memory pressure. Access-key authentication (the key goes
// into REDIS_URL); the service does not implement Microsoft Entra authentication to Redis.
resource redis 'Microsoft.Cache/redis@2024-03-01' = if (useRedis) {
  name: resourceBaseName
  location: location
  properties: {
    sku: {
      name: redisSku
      family: redisSku == 'Premium' ? 'P' : 'C'
      capacity: redisSku == 'Premium' ? max(redisCapacity, 1) : redisCapacity
    }
    enableNonSslPort: false
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    redisConfiguration: {
      'maxmemory-policy': 'volatile-lru'
    }
  }
}

resource storage 'Microsoft.Storage/storageAccounts@2023-01-01' = {
  name: storageAccountName
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
  }
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-01-01' = {
  parent: storage
  name: 'default'
}

resource shareLogTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-01-01' = {
  parent: tableService
  name: shareLogTableName
}

resource serverFarm 'Microsoft.Web/serverfarms@2022-09-01' = {
  name: resourceBaseName
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

resource webApp 'Microsoft.Web/sites@2022-09-01' = {
  name: resourceBaseName
  location: location
  kind: 'app,linux'
  properties: {
    serverFarmId: serverFarm.id
    httpsOnly: true
    siteConfig: {
      // Node 24 LTS (supported to 2028-04-30): Node 20 reached end of life on 2026-04-30 and App Service drops
      // end-of-life stacks. The code also runs on Node 20.19+ (package.json engines; CI), see docs/dependencies.md.
      linuxFxVersion: 'NODE|24-lts'
      alwaysOn: true
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      http20Enabled: true
      healthCheckPath: '/healthz'
      appCommandLine: 'node dist/src/main.js'
    }
  }
}

var botDomain = webApp.properties.defaultHostName
var applicationIdUri = 'api://${botDomain}/botid-${botAadAppClientId}'

// Set after the site exists because BOT_ENDPOINT and APPLICATION_ID_URI depend on its host name.
// Names are the ones src/config.ts reads (plus SCM_* for the App Service build).
resource appSettings 'Microsoft.Web/sites/config@2022-09-01' = {
  parent: webApp
  name: 'appsettings'
  properties: {
    SCM_DO_BUILD_DURING_DEPLOYMENT: 'true'
    APP_MODE: 'production'
    LOG_LEVEL: logLevel
    BOT_ID: botAadAppClientId
    BOT_PASSWORD: botAadAppClientSecret
    BOT_TENANT_ID: botTenantId
    BOT_TYPE: 'SingleTenant'
    AAD_APP_CLIENT_ID: botAadAppClientId
    AAD_APP_CLIENT_SECRET: botAadAppClientSecret
    AAD_APP_TENANT_ID: botTenantId
    AAD_APP_OAUTH_AUTHORITY_HOST: environment().authentication.loginEndpoint
    APPLICATION_ID_URI: applicationIdUri
    BOT_ENDPOINT: 'https://${botDomain}'
    OAUTH_CONNECTION_NAME: oauthConnectionName
    TEAMS_APP_ID: teamsAppId
    TEAMS_APP_CATALOG_ID: teamsAppCatalogId
    ALLOWED_TENANT_IDS: empty(allowedTenantIds) ? botTenantId : allowedTenantIds
    AZURE_TABLE_CONNECTION_STRING: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
    AZURE_TABLE_NAME: shareLogTable.name
    POLICY_ALLOWED_SCOPES: policyAllowedScopes
    POLICY_ALLOWED_TYPES: policyAllowedTypes
    POLICY_MAX_EXPIRATION_DAYS: policyMaxExpirationDays
    POLICY_REQUIRE_EXPIRATION_FOR_ANONYMOUS: policyRequireExpirationForAnonymous
    REDIS_URL: useRedis ? 'rediss://:${redis.listKeys().primaryKey}@${redis.properties.hostName}:${redis.properties.sslPort}' : ''
    REDIS_ENCRYPTION_KEY: redisEncryptionKey
    SHARE_RATE_LIMIT: shareRateLimit
  }
}

module azureBot './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    botServiceName: resourceBaseName
    botDisplayName: botDisplayName
    botServiceSku: botServiceSku
    botAadAppClientId: botAadAppClientId
    botAadAppClientSecret: botAadAppClientSecret
    botTenantId: botTenantId
    botDomain: botDomain
    oauthConnectionName: oauthConnectionName
    graphScopes: graphScopes
  }
}

output AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = botDomain
output BOT_ENDPOINT string = 'https://${botDomain}'
output BOT_ID string = botAadAppClientId
output APPLICATION_ID_URI string = azureBot.outputs.APPLICATION_ID_URI
output OAUTH_CONNECTION_NAME string = oauthConnectionName
