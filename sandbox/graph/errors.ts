import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

/** A Graph error answer: HTTP status plus the `error.code`/`error.message` Graph would send. */
export class GraphError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra response headers, e.g. SharePoint's `SharePoint-CreateSharingLink-Error`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const itemNotFound = (message = 'The resource could not be found.'): GraphError =>
  new GraphError(404, 'itemNotFound', message);
export const accessDenied = (message = 'Access denied'): GraphError => new GraphError(403, 'accessDenied', message);
export const invalidRequest = (message: string): GraphError => new GraphError(400, 'invalidRequest', message);
export const notSupported = (message: string, status = 400): GraphError =>
  new GraphError(status, 'notSupported', message);
export const invalidToken = (message: string): GraphError => new GraphError(401, 'InvalidAuthenticationToken', message);

/** Ids of one request, echoed in headers and in `innerError`. */
export interface RequestIds {
  requestId: string;
  clientRequestId: string;
}

/** Sets `request-id` and `client-request-id` (echoing the client's) on every Graph response. */
export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const ids: RequestIds = {
    requestId: randomUUID(),
    clientRequestId: String(req.headers['client-request-id'] ?? '') || randomUUID(),
  };
  res.locals.graphIds = ids;
  res.setHeader('request-id', ids.requestId);
  res.setHeader('client-request-id', ids.clientRequestId);
  next();
}

/** Graph's error body: `{error:{code, message, innerError:{date, request-id, client-request-id}}}`. */
export function graphErrorBody(
  code: string,
  message: string,
  ids: RequestIds,
  now = new Date(),
): Record<string, unknown> {
  return {
    error: {
      code,
      message,
      innerError: {
        date: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        'request-id': ids.requestId,
        'client-request-id': ids.clientRequestId,
      },
    },
  };
}

/** Writes a GraphError (or an unexpected error as 500 generalException) in Graph's shape. */
export function sendGraphError(res: Response, err: unknown): void {
  const ids = res.locals.graphIds as RequestIds;
  const e = err instanceof GraphError ? err : new GraphError(500, 'generalException', 'An unexpected error occurred.');
  for (const [k, v] of Object.entries(e.headers)) res.setHeader(k, v);
  if (e.status === 401) {
    res.setHeader(
      'WWW-Authenticate',
      'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000"',
    );
  }
  res.status(e.status).json(graphErrorBody(e.code, e.message, ids));
}
