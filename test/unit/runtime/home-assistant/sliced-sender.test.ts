// The republish's pacing: slices of a fixed size, one per turn of the event loop, a new run replacing the old one.
import assert from "assert";
import { SlicedSender } from "../../../../src/runtime/home-assistant/sliced-sender";
import { eventually } from "../../../support/wait";

describe("SlicedSender", function () {
    it("sends the first slice at once and each next one on a later turn of the event loop", async function () {
        const slices: number[][] = [];
        const sender = new SlicedSender<number>((slice) => slices.push(slice), 3);
        sender.start([1, 2, 3, 4, 5, 6, 7]);
        assert.deepStrictEqual(slices, [[1, 2, 3]]);
        assert.ok(sender.busy);
        await new Promise<void>((resolve) => setImmediate(resolve));
        assert.deepStrictEqual(slices, [
            [1, 2, 3],
            [4, 5, 6],
        ]);
        await eventually(() => !sender.busy, "the run to end");
        assert.deepStrictEqual(slices, [[1, 2, 3], [4, 5, 6], [7]]);
    });

    it("drops what is left of a run when another starts, which goes on in the turn already due", async function () {
        const slices: string[][] = [];
        const sender = new SlicedSender<string>((slice) => slices.push(slice), 2);
        sender.start(["a1", "a2", "a3", "a4"]);
        sender.start(["b1", "b2", "b3"]);
        assert.deepStrictEqual(slices, [["a1", "a2"]]);
        await eventually(() => !sender.busy, "the run to end");
        assert.deepStrictEqual(slices, [["a1", "a2"], ["b1", "b2"], ["b3"]]);
    });

    it("sends nothing more once stopped", async function () {
        const slices: number[][] = [];
        const sender = new SlicedSender<number>((slice) => slices.push(slice), 1);
        sender.start([1, 2, 3]);
        sender.stop();
        await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
        assert.deepStrictEqual(slices, [[1]]);
        assert.ok(!sender.busy);
    });
});
