// A bounded load test: thousands of unique signed events over tens of concurrent connections are all
// answered 200 and each sent on exactly once. Counts only: speed is measured by `npm run bench`.
import assert from "assert";
import http from "http";
import type { LockStatePayload } from "../../src/core/events/catalogue";
import { signedPost } from "../support/requests";
import { useNodeRed } from "../support/real-node-red";
import { drained, readoutNodes, recorderNode } from "../support/recorders";
import { webhookTab } from "../support/test-flows";

const SECRET = "load-secret-0e5b";
const EVENTS = 2000;
const CONCURRENCY = 20;

describe("load (real Node-RED)", function () {
    this.timeout(180000);
    const session = useNodeRed({
        flows: [...webhookTab({ label: "load", secret: SECRET, to: ["rec"] }), recorderNode("rec", "events"), ...readoutNodes()],
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    after(() => agent.destroy());

    it(`answers ${EVENTS} unique events at concurrency ${CONCURRENCY} with 200 and sends each once`, async function () {
        const url = `${session.nodeRed.url}/alocity`;
        const statuses = new Map<number, number>();
        let next = 0;
        async function connection() {
            while (next < EVENTS) {
                const i = next++;
                const body = JSON.stringify({ serialNumber: `LOAD-${i}`, lockState: i % 2 ? "Locked" : "Unlocked" });
                const { status } = await signedPost(url, body, { secret: SECRET, agent });
                statuses.set(status, (statuses.get(status) || 0) + 1);
            }
        }
        await Promise.all(Array.from({ length: CONCURRENCY }, connection));
        assert.deepStrictEqual(Object.fromEntries(statuses), { 200: EVENTS });

        // Every message sent on has been recorded once a sentinel sent after them has.
        const recorded = (await drained(session.nodeRed, url, { secret: SECRET })).events;
        assert.strictEqual(recorded.length, EVENTS);
        assert.strictEqual(new Set(recorded.map((e) => (e.payload as LockStatePayload).serialNumber)).size, EVENTS);
        assert.ok(recorded.every((e) => e.topic === "lock.state"));
    });
});
