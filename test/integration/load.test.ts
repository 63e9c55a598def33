"use strict";
// A bounded load test: thousands of unique signed events over tens of concurrent connections are all
// answered 200 and each sent on exactly once. Counts only: speed is measured by `npm run bench`.
const assert = require("assert");
const http = require("http");
const { startRealNodeRed } = require("../support/node-red");
const { recorderNode, readoutNodes, readRecorded } = require("../support/recorder");
const { sign } = require("../../dist/src/index.js");

const SECRET = "load-secret-0e5b";
const EVENTS = 2000;
const CONCURRENCY = 20;

describe("load (real Node-RED)", function () {
    this.timeout(180000);
    let nodeRed;
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });

    before(async function () {
        nodeRed = await startRealNodeRed();
        await nodeRed.deploy([
            { id: "tab", type: "tab", label: "load" },
            { id: "sig", type: "alocity-signature", name: "", tolerance: 300, credentials: { secret: SECRET } },
            { id: "in", type: "alocity-webhook-in", z: "tab", name: "", url: "/alocity", signature: "sig", event: "", x: 120, y: 100, wires: [["rec"]] },
            recorderNode("rec", "events"),
            ...readoutNodes(),
        ]);
    });
    after(async () => {
        agent.destroy();
        if (nodeRed) await nodeRed.stop();
    });

    function post(body) {
        return new Promise((resolve, reject) => {
            const req = http.request(`${nodeRed.url}/alocity`, {
                method: "POST",
                agent,
                headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "Alocity-Signature": sign(SECRET, body) },
            }, (res) => {
                res.resume();
                res.on("end", () => resolve(res.statusCode));
            });
            req.on("error", reject);
            req.end(body);
        });
    }

    it(`answers ${EVENTS} unique events at concurrency ${CONCURRENCY} with 200 and sends each once`, async function () {
        const statuses = new Map();
        let next = 0;
        async function connection() {
            while (next < EVENTS) {
                const i = next++;
                const status = await post(JSON.stringify({ serialNumber: `LOAD-${i}`, lockState: i % 2 ? "Locked" : "Unlocked" }));
                statuses.set(status, (statuses.get(status) || 0) + 1);
            }
        }
        await Promise.all(Array.from({ length: CONCURRENCY }, connection));
        assert.deepStrictEqual(Object.fromEntries(statuses), { 200: EVENTS });

        const recorded = (await readRecorded(nodeRed)).events;
        assert.strictEqual(recorded.length, EVENTS);
        assert.strictEqual(new Set(recorded.map((e) => e.payload.serialNumber)).size, EVENTS);
        assert.ok(recorded.every((e) => e.topic === "lock.state"));
    });
});
