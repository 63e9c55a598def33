#!/usr/bin/env node
"use strict";
// A round-robin HTTP load balancer in front of several Node-RED instances, as FlowFuse's high-availability mode or a
// Kubernetes service puts one: each request goes to the next instance, method, path, headers and body unchanged; an
// instance that cannot be reached is answered 502 (no retry on another: a load balancer that retries hides what the
// tests and the bench look at). Used by the cluster tests and the benchmark; `node scripts/round-robin-proxy.js
// <port> <target port>...` runs one on its own (port 0: a free one, printed). Each answer names the instance that
// gave it (or failed to) in the header INSTANCE_HEADER: its index, from 0.
const http = require("http");

const INSTANCE_HEADER = "x-upstream-instance";

/**
 * @param {number[]} targetPorts the instances, on 127.0.0.1
 * @param {number} [port] 0 (the default): a free port
 * @returns {Promise<{ port: number, url: string, forwarded: number[], close(): Promise<void> }>}
 */
async function startRoundRobinProxy(targetPorts, port = 0) {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
    const forwarded = targetPorts.map(() => 0);
    let next = 0;
    const server = http.createServer((req, res) => {
        const index = next;
        next = (next + 1) % targetPorts.length;
        forwarded[index]++;
        const badGateway = (error) => {
            if (!res.headersSent) {
                res.writeHead(502, { "Content-Type": "text/plain", Connection: "close", [INSTANCE_HEADER]: String(index) });
                res.end(`Bad Gateway: instance ${index} (port ${targetPorts[index]}): ${error.message}`);
            } else {
                res.destroy(error);
            }
        };
        const upstream = http.request(
            { host: "127.0.0.1", port: targetPorts[index], method: req.method, path: req.url, headers: req.headers, agent },
            (answer) => {
                res.writeHead(answer.statusCode || 502, { ...answer.headers, [INSTANCE_HEADER]: String(index) });
                answer.pipe(res);
                answer.once("error", badGateway);
            },
        );
        upstream.once("error", badGateway);
        req.pipe(upstream);
    });
    await new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", resolve);
    });
    const actual = server.address().port;
    return {
        port: actual,
        url: `http://127.0.0.1:${actual}`,
        forwarded,
        close: () =>
            new Promise((resolve) => {
                agent.destroy();
                server.close(() => resolve());
                server.closeAllConnections();
            }),
    };
}

module.exports = { startRoundRobinProxy, INSTANCE_HEADER };

if (require.main === module) {
    const [port, ...targets] = process.argv.slice(2).map(Number);
    if (targets.length === 0 || [port, ...targets].some((n) => !Number.isInteger(n) || n < 0)) {
        console.error("usage: node scripts/round-robin-proxy.js <port> <target port>...");
        process.exit(2);
    }
    startRoundRobinProxy(targets, port).then(({ url }) => console.log(`round-robin proxy at ${url} -> ${targets.join(", ")}`));
}
