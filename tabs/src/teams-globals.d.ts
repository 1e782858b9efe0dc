/** The slice of the teams-js UMD global (`microsoftTeams`) the tab uses. */
declare namespace microsoftTeams {
  namespace app {
    function initialize(validMessageOrigins?: string[]): Promise<void>;
    function notifySuccess(): void;
    function registerOnThemeChangeHandler(handler: (theme: string) => void): void;
    function getContext(): Promise<{
      app: { locale: string; theme?: string };
      user?: { id?: string; tenant?: { id: string } };
    }>;
  }
  namespace authentication {
    function getAuthToken(params?: { silent?: boolean }): Promise<string>;
  }
}
