import type { Logger } from './log';

/**
 * Makes a promise rejection nobody handled a logged error instead of the end of the process (Node's default since
 * v15 is to exit). Whatever a dependency does with a stray promise, the service keeps answering; the error-level
 * log line (one JSON object) is what an alert should fire on. Returns a function that removes the handler.
 */
export function logUnhandledRejections(log: Logger, target: NodeJS.Process = process): () => void {
  const onRejection = (reason: unknown) => {
    const err = reason instanceof Error ? reason : undefined;
    log.error(
      {
        err: err ? { name: err.name, message: err.message, stack: err.stack } : { value: String(reason).slice(0, 500) },
      },
      'unhandled promise rejection (the process keeps running)',
    );
  };
  target.on('unhandledRejection', onRejection);
  return () => target.off('unhandledRejection', onRejection);
}

/**
 * Libraries that write to the console (botframework-connector prints every rejected channel token, with a stack
 * trace, via console.error) would break the one-JSON-object-per-line log: their console.error and console.warn go
 * through the logger instead, one line each, as warnings (they describe requests, not failures of this service).
 */
export function routeConsoleToLogger(log: Logger, target: Console = console): () => void {
  const original = { error: target.error, warn: target.warn };
  const lib = log.child({ component: 'library-console' });
  const write = (args: unknown[]) => {
    const err = args.find((a): a is Error => a instanceof Error);
    const text = args
      .map((a) => (a instanceof Error ? `${a.name}: ${a.message}` : typeof a === 'string' ? a : safeJson(a)))
      .join(' ')
      .slice(0, 2000);
    lib.warn(err ? { err: { name: err.name, message: err.message } } : {}, text);
  };
  target.error = (...args: unknown[]) => write(args);
  target.warn = (...args: unknown[]) => write(args);
  return () => {
    target.error = original.error;
    target.warn = original.warn;
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
