// A load balancer as the test starts it in front of two real Node-REDs: plain node http, each request to the next
// instance in turn, method, path, headers and body passed through unchanged; an instance that cannot be reached (or
// breaks off) is answered 502, as a load balancer does. Its answers name the instance that gave them (PROXY_INSTANCE).
import http, { type IncomingMessage, type ServerResponse } from "http";
import type { AddressInfo } from "net";

/** The header the proxy adds to each answer: the index of the instance that answered (or failed to). */
export const PROXY_INSTANCE = "x-test-instance";

export interface RoundRobinProxy {
    url: string;
    close(): Promise<void>;
}

/** Starts the proxy on a free port of 127.0.0.1, in front of `targets` (base URLs, e.g. http://127.0.0.1:1880). */
export async function startRoundRobinProxy(targets: readonly string[]): Promise<RoundRobinProxy> {
    const agent = new http.Agent({ keepAlive: true });
    let next = 0;
    const forward = (request: IncomingMessage, response: ServerResponse) => {
        const index = next++ % targets.length;
        const badGateway = (error: Error) => {
            if (response.headersSent) {
                response.destroy(error);
            } else {
                response.writeHead(502, { "Content-Type": "text/plain", [PROXY_INSTANCE]: String(index) });
                response.end(`instance ${index} failed: ${error.message}`);
            }
        };
        const upstream = http.request(
            new URL(request.url ?? "/", targets[index]),
            { method: request.method, headers: request.headers, agent },
            (answer) => {
                response.writeHead(answer.statusCode ?? 502, { ...answer.headers, [PROXY_INSTANCE]: String(index) });
                answer.pipe(response);
                answer.once("error", badGateway);
            },
        );
        upstream.once("error", badGateway);
        request.pipe(upstream);
    };
    const server = http.createServer(forward);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    return {
        url: `http://127.0.0.1:${port}`,
        close: () =>
            new Promise<void>((resolve) => {
                agent.destroy();
                server.closeAllConnections();
                server.close(() => resolve());
            }),
    };
}
