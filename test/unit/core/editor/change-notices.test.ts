import assert from "assert/strict";
import { ChangeNotices, type ChangedSerials, type ChangeNoticeOptions } from "../../../../src/core/editor/change-notices";
import { ManualClock } from "../../../support/manual-clock";

/** Notices on a manual clock; with `"node's"`, the options the nodes use (the constructor's defaults). */
function notices(options: ChangeNoticeOptions | "node's" = { intervalMs: 200, maxSerials: 5 }) {
    const clock = new ManualClock();
    const sent: { at: number; changed: ChangedSerials }[] = [];
    const notify = (changed: ChangedSerials) => sent.push({ at: clock.now(), changed });
    const batches = options === "node's" ? new ChangeNotices(notify, clock) : new ChangeNotices(notify, clock, options);
    /** What each notice sent so far said changed. */
    const told = () => sent.map((notice) => notice.changed);
    return { clock, sent, batches, told };
}

describe("change notices (batched, at most one per interval)", function () {
    it("tells a lone change on the next turn, not before", function () {
        const { clock, sent, batches } = notices();
        batches.changed("ALO-1");
        assert.deepEqual(sent, [], "nothing within the call");
        clock.advance(0);
        assert.deepEqual(sent, [{ at: 1_000_000, changed: ["ALO-1"] }]);
    });

    it("names each serial number once per notice, and changes of one turn in one notice", function () {
        const { clock, batches, told } = notices();
        for (const serial of ["ALO-1", "ALO-2", "ALO-1", "ALO-3", "ALO-2"]) batches.changed(serial);
        clock.advance(0);
        assert.deepEqual(told(), [["ALO-1", "ALO-2", "ALO-3"]]);
    });

    for (const options of [{ intervalMs: 200, maxSerials: 10_000 }, "node's" as const]) {
        const named = options === "node's" ? "the nodes' options" : JSON.stringify(options);
        it(`sends at most 5 notices in any second of a steady stream of changes, and loses no change (${named})`, function () {
            const { clock, sent, batches } = notices(options);
            const changed: string[] = [];
            // A change every 7 ms for 3 s.
            for (let n = 0; n < 430; n++) {
                const serial = `ALO-${n}`;
                changed.push(serial);
                batches.changed(serial);
                clock.advance(7);
            }
            clock.advance(1000);
            for (const { at } of sent) {
                const inWindow = sent.filter((other) => other.at >= at && other.at < at + 1000).length;
                assert.ok(inWindow <= 5, `${inWindow} notices in the second from ${at}`);
            }
            assert.ok(sent.length >= 15, `notices kept coming: ${sent.length}`);
            const told = sent.flatMap((notice) => notice.changed ?? []);
            assert.deepEqual(told, changed, "every change told once, in order");
            assert.equal(clock.pending(), 0, "no timer left once all is told");
        });
    }

    it("a change after a quiet interval is told at once; one within the interval waits for its end", function () {
        const { clock, sent, batches, told } = notices();
        batches.changed("ALO-1");
        clock.advance(50);
        batches.changed("ALO-2");
        clock.advance(100);
        assert.deepEqual(told(), [["ALO-1"]], "ALO-2 waits");
        clock.advance(100);
        assert.deepEqual(sent, [
            { at: 1_000_000, changed: ["ALO-1"] },
            { at: 1_000_200, changed: ["ALO-2"] },
        ]);
        clock.advance(5000);
        batches.changed("ALO-3");
        clock.advance(0);
        assert.deepEqual(sent[2], { at: 1_005_250, changed: ["ALO-3"] });
    });

    it("says null (everything) past maxSerials in one interval, or after changedAll, then names serials again", function () {
        const { clock, batches, told } = notices({ intervalMs: 200, maxSerials: 3 });
        for (const serial of ["A", "B", "C", "D", "E"]) batches.changed(serial);
        clock.advance(200);
        batches.changedAll();
        batches.changed("F");
        clock.advance(200);
        batches.changed("G");
        clock.advance(200);
        assert.deepEqual(told(), [null, null, ["G"]]);
    });

    it("stop drops what waits and sends nothing", function () {
        const { clock, sent, batches } = notices();
        batches.changed("ALO-1");
        batches.stop();
        clock.advance(1000);
        assert.deepEqual(sent, []);
        assert.equal(clock.pending(), 0);
    });

    it("stop is for good: changes told after it, one by one or all at once, are never sent", function () {
        const { clock, sent, batches } = notices();
        batches.changed("ALO-1");
        clock.advance(0);
        batches.stop();
        batches.changed("ALO-2");
        batches.changedAll();
        clock.advance(1000);
        assert.deepEqual(sent, [{ at: 1_000_000, changed: ["ALO-1"] }]);
        assert.equal(clock.pending(), 0);
    });
});
