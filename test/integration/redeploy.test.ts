// Redeploys while events arrive, in a real Node-RED 4.1 (the compatibility suite runs the same on 3.1 and 5.0), with a
// persistent context store (localfilesystem), which puts turns of the event loop between a deploy's stop and start.
import assert from "assert";
import { checkRedeploysUnderLoad, TEST_NODES } from "../support/redeploys";
import { logShows, useNodeRed } from "../support/real-node-red";
import { signedPost } from "../support/requests";
import { webhookTab } from "../support/test-flows";

const SECRET = "redeploy-paths-secret";
const gone = webhookTab({ label: "gone", secret: SECRET, url: "/alocity-gone", to: [] });

describe("redeploys while events arrive (real Node-RED)", function () {
    this.timeout(180000);
    const running = useNodeRed({
        modules: [TEST_NODES],
        settings: ["contextStorage.default.module=memory", "contextStorage.file.module=localfilesystem", "runtimeState.enabled=true"],
    });

    it("answers every request 200, none 503 (each waits for the new node), and delivers every event exactly once", async function () {
        console.log(`      ${await checkRedeploysUnderLoad(running.nodeRed)}`);
    });

    it("answers 404 on a path the new flows no longer serve, once the deploy is done", async function () {
        const { nodeRed } = running;
        await nodeRed.deploy(gone);
        const url = `${nodeRed.url}/alocity-gone`;
        assert.strictEqual((await signedPost(url, { serialNumber: "G-1" }, { secret: SECRET })).status, 200);
        await nodeRed.deploy(webhookTab({ label: "other", secret: SECRET, url: "/alocity-other", to: [] }));
        const answer = await signedPost(url, { serialNumber: "G-2" }, { secret: SECRET });
        assert.strictEqual(answer.status, 404, answer.text);
    });

    it("answers 503 with Retry-After while the flows are stopped, and warns why", async function () {
        const { nodeRed } = running;
        await nodeRed.deploy(gone);
        const from = nodeRed.log.length;
        await nodeRed.admin("POST", "/flows/state", { state: "stop" });
        const answer = await signedPost(`${nodeRed.url}/alocity-gone`, { serialNumber: "G-3" }, { secret: SECRET });
        assert.deepStrictEqual([answer.status, answer.headers["retry-after"]], [503, "60"], answer.text);
        await logShows(nodeRed, "Answered a request to /alocity-gone with 503: the flows are stopped in Node-RED", from);
    });
});
