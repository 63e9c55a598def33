import assert from "assert";
import { DEPLOY_WAIT_LIMITS, DeployWaits } from "../../../../src/core/webhook/deploy-waits";
import { ManualClock } from "../../../support/manual-clock";

describe("requests held during a deploy", function () {
    it("are resumed in the order they arrived, each path's, when the deploy is done", function () {
        const waits = new DeployWaits(new ManualClock());
        const resumed: string[] = [];
        for (const name of ["a1", "b1", "a2"]) {
            assert.ok(waits.hold(name[0], (inTime) => resumed.push(`${name} ${inTime}`)));
        }
        assert.deepStrictEqual(resumed, []);
        waits.resumeAll();
        assert.deepStrictEqual(resumed, ["a1 true", "a2 true", "b1 true"]);
        assert.strictEqual(waits.size, 0);
    });

    it("are held for at most 10 s: then resumed as too late, once, and not again when the deploy is done", function () {
        const clock = new ManualClock();
        const waits = new DeployWaits(clock);
        const resumed: boolean[] = [];
        waits.hold("a", (inTime) => resumed.push(inTime));
        clock.advance(5_000);
        waits.hold("a", (inTime) => resumed.push(inTime));
        clock.advance(DEPLOY_WAIT_LIMITS.maxWaitMs - 5_000 - 1);
        assert.deepStrictEqual(resumed, []);
        clock.advance(1);
        assert.deepStrictEqual(resumed, [false], "the first, 10 s old");
        waits.resumeAll();
        assert.deepStrictEqual(resumed, [false, true], "the second, in time");
        clock.advance(DEPLOY_WAIT_LIMITS.maxWaitMs);
        assert.deepStrictEqual(resumed, [false, true], "its timer was cancelled");
        assert.strictEqual(clock.pending(), 0);
    });

    it("are at most 64 per path: one more is refused, another path still holds", function () {
        const waits = new DeployWaits(new ManualClock());
        for (let i = 0; i < DEPLOY_WAIT_LIMITS.perPath; i++) {
            assert.ok(waits.hold("a", () => {}));
        }
        assert.strictEqual(DEPLOY_WAIT_LIMITS.perPath, 64);
        assert.strictEqual(
            waits.hold("a", () => assert.fail("a refused request is never resumed")),
            false,
        );
        assert.ok(waits.hold("b", () => {}));
        assert.strictEqual(waits.size, 65);
    });
});
