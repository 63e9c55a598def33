"use strict";
// Whether a path no node serves any more is released: 1,000 full deploys, each with one alocity-webhook-in on a new
// path (each path sent one signed event first, so that each has a delivery memory to keep), in a Node-RED embedded in
// this process (the devDependency, editor at /); after every 100 deploys, the heap after a full GC and the length of
// RED.httpNode's router stack. Run it: npm run build && node --expose-gc bench/path-release.js
const express = require("express");
const fs = require("fs");
const http = require("http");
const os = require("os");
const path = require("path");
const { sign } = require("../dist/src/core/webhook/signature");
const { request } = require("../scripts/http-request");

const DEPLOYS = Number(process.env.DEPLOYS || 1000);
const SECRET = "whsec-release-3c9a";
/** Short, so that the released paths' memories expire within the run (twice the tolerance: 10 s). */
const TOLERANCE = 5;

/** POSTs to the Node-RED on `port`; its answer's status. */
async function post(port, route, body, headers) {
    return (
        await request("POST", `http://127.0.0.1:${port}${route}`, { body, headers: { "Content-Type": "application/json", ...headers } })
    ).status;
}

function flowOn(url) {
    return [
        { id: "release-tab", type: "tab", label: "release" },
        { id: "release-key", type: "alocity-signature", name: "", tolerance: TOLERANCE, credentials: { secret: SECRET } },
        {
            id: "release-in",
            type: "alocity-webhook-in",
            z: "release-tab",
            url,
            signature: "release-key",
            event: "",
            x: 100,
            y: 100,
            wires: [[]],
        },
    ];
}

(async () => {
    if (typeof global.gc !== "function") throw new Error("run with node --expose-gc");
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-release-"));
    fs.mkdirSync(path.join(userDir, "node_modules"));
    fs.symlinkSync(path.resolve(__dirname, ".."), path.join(userDir, "node_modules", "node-red-contrib-alocity"), "dir");
    const RED = require("node-red");
    const app = express();
    const server = http.createServer(app);
    RED.init(server, {
        userDir,
        credentialSecret: false,
        httpAdminRoot: "/",
        httpNodeRoot: "/",
        logging: { console: { level: "warn" } },
        functionGlobalContext: {},
    });
    app.use("/", RED.httpAdmin);
    app.use("/", RED.httpNode);
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address();
    await RED.start();
    const stack = () => RED.httpNode._router.stack.length;
    const heapMB = () => {
        global.gc();
        return Math.round((process.memoryUsage().heapUsed / 1024 / 1024) * 10) / 10;
    };
    const rows = [];
    for (let deploy = 0; deploy <= DEPLOYS; deploy++) {
        const url = `/release-${deploy}`;
        const deployed = await post(port, "/flows", flowOn(url), { "Node-RED-Deployment-Type": "full" });
        if (deployed !== 200 && deployed !== 204) throw new Error(`deploy ${deploy} answered ${deployed}`);
        const body = JSON.stringify({ serialNumber: `ALO-${deploy}`, doorState: "Open" });
        // Until the deploy has started the node: 404 before it exists, 503 while flows start.
        let status = 503;
        for (let tries = 0; (status === 503 || status === 404) && tries < 1000; tries++) {
            if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 5));
            status = await post(port, url, body, { "Alocity-Signature": sign(SECRET, body) });
        }
        if (status !== 200) throw new Error(`${url} answered ${status}`);
        if (deploy % 100 === 0) rows.push({ deploys: deploy, heapMB: heapMB(), routerStack: stack() });
    }
    // The memories of the released paths expire two tolerances after their delivery: wait for that, then measure again.
    await new Promise((resolve) => setTimeout(resolve, 2 * TOLERANCE * 1000 + 500));
    rows.push({ deploys: `${DEPLOYS}, memories expired`, heapMB: heapMB(), routerStack: stack() });
    console.table(rows);
    await RED.stop();
    server.close();
    fs.rmSync(userDir, { recursive: true, force: true });
    process.exit(0);
})().catch((error) => {
    console.error(error);
    process.exit(1);
});
