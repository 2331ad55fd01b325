/**
 * A TCP port nobody listens on right now: binds port 0 on `host` (127.0.0.1 unless told),
 * reads the port the OS picked and closes again. Whoever binds it a moment later can lose it to
 * another process meanwhile; the callers that start servers on it retry on EADDRINUSE.
 */
import net from "node:net";

export function freePort(host = "127.0.0.1"): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const address = probe.address();
      if (address === null || typeof address === "string") {
        probe.close();
        reject(new Error("could not determine a free port"));
        return;
      }
      const { port } = address;
      probe.close((error) => (error ? reject(error) : resolve(port)));
    });
  });
}
