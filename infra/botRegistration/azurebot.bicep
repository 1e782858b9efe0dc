// Azure Bot registration for Share Link: a single-tenant bot (the same Entra app does SSO and OBO), the Teams and
// Microsoft 365 (Outlook) channels, and the OAuth connection that the Bot Framework Token Service uses for action
// commands (its token exchange URL is the app's Application ID URI, so Teams SSO tokens can be exchanged into it).
// Deployed as a module of ../azure.bicep, or on its own by teamsapp.local.yml for local debugging through a tunnel.

@maxLength(42)
@description('Name shown for the bot in the Azure portal.')
param botDisplayName string = 'Share Link'

@description('Globally unique name of the Azure Bot resource.')
param botServiceName string

@allowed(['F0', 'S1'])
param botServiceSku string = 'F0'

@description('Client id of the Entra app that is both the bot and the SSO app.')
param botAadAppClientId string

@description('Tenant of that Entra app (single-tenant bot).')
param botTenantId string

@description('Public host name of the service, e.g. sharelink-x.azurewebsites.net or a dev tunnel host.')
param botDomain string

@description('Name of the OAuth connection; the app reads it as OAUTH_CONNECTION_NAME.')
param oauthConnectionName string = 'GraphConnection'

@description('Delegated scopes the Token Service asks for.')
param graphScopes string = 'Files.ReadWrite.All Sites.ReadWrite.All User.Read Chat.ReadBasic openid profile offline_access'

@secure()
@description('Client secret of the Entra app (used by the OAuth connection).')
param botAadAppClientSecret string

var applicationIdUri = 'api://${botDomain}/botid-${botAadAppClientId}'

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botServiceName
  location: 'global'
  kind: 'azurebot'
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${botDomain}/api/messages'
    msaAppId: botAadAppClientId
    msaAppTenantId: botTenantId
    msaAppType: 'SingleTenant'
  }
}

resource teamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

// "Microsoft 365" channel (formerly "Outlook", then "Microsoft 365 Extensions"): the message extension in Outlook.
resource m365Channel 'Microsoft.BotService/botServices/channels@2023-09-15-preview' = {
  parent: botService
  name: 'M365Extensions'
  location: 'global'
  properties: {
    channelName: 'M365Extensions'
  }
}

resource graphConnection 'Microsoft.BotService/botServices/connections@2022-09-15' = {
  parent: botService
  name: oauthConnectionName
  location: 'global'
  properties: {
    serviceProviderDisplayName: 'Azure Active Directory v2'
    serviceProviderId: '30dd229c-58e3-4a48-bdfd-91ec48eb906c'
    clientId: botAadAppClientId
    clientSecret: botAadAppClientSecret
    scopes: graphScopes
    parameters: [
      {
        key: 'tenantID'
        value: botTenantId
      }
      {
        key: 'tokenExchangeUrl'
        value: applicationIdUri
      }
    ]
  }
}

output BOT_ID string = botAadAppClientId
output APPLICATION_ID_URI string = applicationIdUri
output OAUTH_CONNECTION_NAME string = graphConnection.name
