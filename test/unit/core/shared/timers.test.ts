import assert from "assert";
import { after, LONGEST_DELAY_MS, timerDelay } from "../../../../src/core/shared/timers";
import { LogThrottle } from "../../../../src/core/shared/log-throttle";
import { overflowWarningsOf } from "../../../support/timer-warnings";

const THIRTY_DAYS_MS = 30 * 86_400_000;

describe("timers: every delay the package arms is capped at setTimeout's longest", function () {
    it("keeps a delay from 0 to 2^31-1 ms", function () {
        assert.deepStrictEqual([-5, NaN, 0, 1, LONGEST_DELAY_MS, LONGEST_DELAY_MS + 1, THIRTY_DAYS_MS, Infinity].map(timerDelay), [
            0,
            0,
            0,
            1,
            2 ** 31 - 1,
            2 ** 31 - 1,
            2 ** 31 - 1,
            2 ** 31 - 1,
        ]);
    });

    it("arms a timer 30 days away without a TimeoutOverflowWarning, and it does not fire at once", async function () {
        let fired = false;
        let cancel = () => {};
        const warnings = await overflowWarningsOf(() => {
            cancel = after(THIRTY_DAYS_MS, () => (fired = true));
        });
        cancel();
        assert.deepStrictEqual([warnings, fired], [[], false]);
    });

    it("a log throttle with a window of 30 days arms no overflowing timer", async function () {
        const lines: string[] = [];
        const throttle = new LogThrottle(
            (line) => lines.push(line),
            (total) => `${total} more`,
            { burst: 1, windowMs: THIRTY_DAYS_MS },
        );
        const warnings = await overflowWarningsOf(() => {
            throttle.report("a", () => "first");
            throttle.report("a", () => "second");
        });
        assert.deepStrictEqual([warnings, lines], [[], ["first"]], "the window has not ended");
        throttle.flush();
        assert.deepStrictEqual(lines, ["first", "1 more"]);
    });
});
