// A free TCP port on 127.0.0.1, for a server a test or the benchmark starts (no other imports, so
// the benchmark can use it without the browser harness).
import { createServer } from 'node:net';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}
