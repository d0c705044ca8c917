import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** Listens on `port` (0 = any free port) on `host` and resolves with the port actually bound. */
export function listen(server: http.Server, port: number, host = '0.0.0.0'): Promise<number> {
  // Idle keep-alive sockets outlive the clients' own idle timeout (the gateway's fetch agent frees
  // its sockets after 4 s; load balancers after 60 s). With Node's default of 5 s, a socket the
  // server closed just as the gateway reused it failed the fetch with ECONNRESET under load.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    // Idle keep-alive sockets would otherwise hold close() open until they time out.
    server.closeIdleConnections();
  });
}
