'use strict';
// Preloaded (node --require) into the Microsoft 365 Agents Playground, which listens on all interfaces and has no
// host option: makes every net.Server.listen that names no host bind to 127.0.0.1 instead.
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const originalListen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    // listen(options[, cb]): a handle/fd or a unix path is left alone.
    if (first.host === undefined && first.path === undefined && first.handle === undefined && first._handle === undefined && first.fd === undefined) {
      args[0] = { ...first, host: LOOPBACK };
    }
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first)) || first === undefined || typeof first === 'function') {
    // listen([port][, host][, backlog][, cb]): insert the host when the second argument is not one.
    if (typeof first === 'function' || first === undefined) {
      args.splice(0, first === undefined ? 1 : 0, 0, LOOPBACK);
    } else if (typeof args[1] !== 'string') {
      args.splice(1, 0, LOOPBACK);
    }
  }
  return originalListen.apply(this, args);
};
