/*
 * Stand-in Teams host (tests only). Frames the tab page and answers the teams-js postMessage protocol the way
 * Teams web does for the calls the tab makes. Scenario from the query string:
 *   tab    URL of the tab page (default /tab/)     user   UPN of the signed-in person (context + SSO token)
 *   theme  default | dark | contrast              locale app locale (default en-US)
 *   auth   ok (default) or the failure reason getAuthToken answers with (e.g. resourceRequiresConsent)
 * window.teamsHost: { scenario, received (every request the tab sent: {func, args}), setTheme(theme) }.
 */
'use strict';
(function () {
  var params = new URLSearchParams(location.search);
  var scenario = {
    tab: params.get('tab') || '/tab/',
    user: params.get('user') || '',
    theme: params.get('theme') || 'default',
    locale: params.get('locale') || 'en-US',
    auth: params.get('auth') || 'ok',
  };
  var frame = document.getElementById('app');
  var tabOrigin = new URL(scenario.tab, location.href).origin;
  var received = [];
  var appSessionId = crypto.randomUUID();
  var hostSessionId = crypto.randomUUID();
  // The teams-js version this host claims to support (the 4th initialize answer); not JSON, so no NAA bridge.
  var CLIENT_SUPPORTED_SDK_VERSION = '2.58.0';
  // Runtime of Teams web for a personal tab: teams-js reads `apiVersion` and `supports` (capability flags).
  var RUNTIME = {
    apiVersion: 4,
    hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
    isLegacyTeams: false,
    supports: {
      app: {},
      appEntity: {},
      authentication: {},
      pages: { appButton: {}, tabs: {}, config: {}, backStack: {}, fullTrust: {} },
      teamsCore: {},
    },
  };
  var userPromise = fetch('context?user=' + encodeURIComponent(scenario.user)).then(function (r) {
    return r.json();
  });

  function reply(request, args) {
    frame.contentWindow.postMessage({ id: request.id, uuidAsString: request.uuidAsString, args: args }, tabOrigin);
  }

  // The context Teams answers getContext with, in teams-js's legacy (v1) field names.
  function legacyContext(user) {
    return {
      locale: scenario.locale,
      theme: scenario.theme,
      entityId: 'myShares',
      frameContext: 'content',
      hostClientType: 'web',
      hostName: 'Teams',
      appSessionId: appSessionId,
      sessionId: hostSessionId,
      tid: user.tenantId,
      userObjectId: user.objectId,
      userPrincipalName: user.upn,
      loginHint: user.upn,
      userLicenseType: 'Unknown',
      tenantSKU: 'enterprise',
      isFullScreen: false,
    };
  }

  var handlers = {
    initialize: function () {
      return Promise.resolve(['content', 'web', JSON.stringify(RUNTIME), CLIENT_SUPPORTED_SDK_VERSION]);
    },
    getContext: function () {
      return userPromise.then(function (user) {
        return [legacyContext(user)];
      });
    },
    'authentication.getAuthToken': function (request) {
      if (scenario.auth !== 'ok') return Promise.resolve([false, scenario.auth]);
      // teams-js sends [resources, claims, silent]: silent === false lets Teams show its sign-in window (where
      // the person completes MFA); the test's token source learns it through `interactive`.
      var interactive = Array.isArray(request.args) && request.args[2] === false;
      return fetch('sso-token?user=' + encodeURIComponent(scenario.user) + (interactive ? '&interactive=1' : ''))
        .then(function (r) {
          return r.ok ? r.json() : Promise.reject(new Error('token ' + r.status));
        })
        .then(
          function (body) {
            return [true, body.token];
          },
          function () {
            return [false, 'resourceRequiresConsent'];
          },
        );
    },
  };

  window.addEventListener('message', function (evt) {
    if (evt.source !== frame.contentWindow || evt.origin !== tabOrigin) return;
    var request = evt.data;
    if (!request || typeof request.func !== 'string' || typeof request.id !== 'number') return;
    received.push({ func: request.func, args: request.args });
    var handler = handlers[request.func];
    // One-way notifications (appInitialization.success, registerHandler, …) get no answer, as in Teams.
    if (handler) handler(request).then(function (args) {
      reply(request, args);
    });
  });

  window.teamsHost = {
    scenario: scenario,
    received: received,
    // Teams tells the app about a theme switch with a host-to-app event (no id: it is not a response).
    setTheme: function (theme) {
      scenario.theme = theme;
      frame.contentWindow.postMessage({ func: 'themeChange', args: [theme] }, tabOrigin);
    },
  };
  frame.src = scenario.tab;
})();
