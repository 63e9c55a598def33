// Redeploys while events arrive, in a real Node-RED 4.1 (the compatibility suite runs the same on 3.1 and 5.0).
import { checkRedeploysUnderLoad, TEST_NODES } from "../support/redeploys";
import { useNodeRed } from "../support/real-node-red";

describe("redeploys while events arrive (real Node-RED)", function () {
    this.timeout(180000);
    const running = useNodeRed({ modules: [TEST_NODES] });

    it("answers only 200 or 503 with Retry-After, and delivers every accepted event exactly once", async function () {
        console.log(`      ${await checkRedeploysUnderLoad(running.nodeRed)}`);
    });
});
