import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import { isShareError } from './domain/errors';
import type { Logger } from './log';

/**
 * A dependency the request needs is not usable right now (a store down, Entra's keys unreachable): answer 503 with
 * a message a person can act on, and a Retry-After.
 */
export class ServiceUnavailableError extends Error {
  constructor(
    message: string,
    public readonly retryAfterSeconds = 5,
  ) {
    super(message);
    this.name = 'ServiceUnavailableError';
  }
}

type Handler = (req: Request, res: Response, next: NextFunction) => unknown;

/**
 * Wraps a route handler so that whatever it does — throw, reject, return a promise that never settles is the one
 * thing left to its own deadline — ends up in the app's error handler (express 4 ignores a returned promise; an
 * unhandled rejection would end the process). Every handler of the app is mounted through this.
 */
export function asyncRoute(handler: Handler): RequestHandler {
  return (req, res, next) => {
    try {
      const result = handler(req, res, next);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        (result as Promise<unknown>).then(undefined, next);
      }
    } catch (err) {
      next(err);
    }
  };
}

interface HttpLikeError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  expose?: unknown;
}

const GENERIC_FAILURE = 'Something went wrong on our side. Try again in a moment.';

/** The status and the person-readable message for an error that reached the end of the chain. */
function answerFor(err: unknown): { status: number; message: string; retryAfter?: number } {
  if (err instanceof ServiceUnavailableError) {
    return { status: 503, message: err.message, retryAfter: err.retryAfterSeconds };
  }
  if (isShareError(err) && (err.kind === 'transient' || err.kind === 'throttled')) {
    return { status: 503, message: err.message, retryAfter: err.details.retryAfterSeconds ?? 5 };
  }
  const e = (err ?? {}) as HttpLikeError;
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  // body-parser and express.static errors carry a 4xx status: the request was wrong, not the service.
  if (status >= 400 && status < 500) {
    if (e.type === 'entity.parse.failed') return { status: 400, message: 'The request body is not valid JSON.' };
    if (e.type === 'entity.too.large') return { status: 413, message: 'The request body is too large.' };
    return { status, message: 'The request could not be handled.' };
  }
  return { status: 500, message: GENERIC_FAILURE };
}

/**
 * The last error handler: one JSON answer ({message}) and one log line per failed request, never a stack trace on
 * stderr. After the headers went out there is no answer left to give, so the connection is closed.
 */
export function errorResponder(fallbackLog: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const log: Logger = req.log ?? fallbackLog;
    const { status, message, retryAfter } = answerFor(err);
    const fields = {
      status,
      err: { name: (err as Error)?.name, message: (err as Error)?.message },
      method: req.method,
      path: req.path,
    };
    if (status >= 500 && status !== 503) log.error({ ...fields, stack: (err as Error)?.stack }, 'request failed');
    else if (status >= 500) log.warn(fields, 'request failed: a dependency is unavailable');
    else log.info(fields, 'request refused');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    res.status(status).json({ message });
  };
}

/** JSON 404 for anything no route answered. */
export function notFoundResponder(): RequestHandler {
  return (_req, res) => {
    res.status(404).json({ message: 'Not found.' });
  };
}
