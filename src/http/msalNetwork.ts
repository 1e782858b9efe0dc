import type { INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import type { HttpClient, HttpResponse } from './httpClient';

/**
 * msal-node's network module on top of the HTTP layer, so token requests (OBO, metadata) share its timeouts,
 * User-Agent and logging. msal expects the parsed JSON body for every status (it reads Entra's error JSON);
 * a body that is not JSON becomes an `error`/`error_description` object as msal's own client does.
 */
export function createMsalNetworkModule(
  http: HttpClient,
  opts: { timeoutMs: number; operation?: string },
): INetworkModule {
  const operation = opts.operation ?? 'entra';
  const toNetworkResponse = <T>(res: HttpResponse): NetworkResponse<T> => {
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    let body: unknown;
    try {
      body = res.json();
    } catch {
      const side = res.status >= 500 ? 'server' : res.status >= 400 ? 'client' : 'unknown';
      body = {
        error: `${side}_error`,
        error_description: `Entra answered HTTP ${res.status} with a body that is not JSON.`,
      };
    }
    return { headers, body: body as T, status: res.status };
  };
  return {
    async sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number) {
      const res = await http.request({
        method: 'GET',
        url,
        headers: options?.headers,
        timeoutMs: timeout ?? opts.timeoutMs,
        operation: `${operation}.get`,
      });
      return toNetworkResponse<T>(res);
    },
    async sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions) {
      const res = await http.request({
        method: 'POST',
        url,
        headers: withFormContentType(options?.headers),
        body: options?.body ?? '',
        timeoutMs: opts.timeoutMs,
        operation: `${operation}.post`,
      });
      return toNetworkResponse<T>(res);
    },
  };
}

function withFormContentType(headers: Record<string, string> | undefined): Record<string, string> {
  const out = { ...headers };
  if (!Object.keys(out).some((k) => k.toLowerCase() === 'content-type')) {
    out['Content-Type'] = 'application/x-www-form-urlencoded;charset=utf-8';
  }
  return out;
}
