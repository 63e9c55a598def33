import assert from "assert";
import { readTolerance } from "../../../../src/core/webhook/tolerance";

describe("alocity-signature tolerance", function () {
    it("takes whole seconds from 0 to a day, and 300 when unset", function () {
        assert.deepStrictEqual(
            [undefined, null, "", 0, "0", "60", " 60 ", 300, "1e3", 86_400].map(readTolerance),
            [300, 300, 300, 0, 0, 60, 60, 300, 1000, 86_400].map((seconds) => ({ seconds })),
        );
    });
    it("reads blank (spaces, a tab, a newline) as the default 300, never as 0 (the check off)", function () {
        for (const value of [" ", "\t", "\n", "  \t "]) {
            assert.deepStrictEqual(readTolerance(value), { seconds: 300 }, JSON.stringify(value));
        }
    });
    it("refuses what is not a whole number of seconds, rather than rounding it to 0 (off)", function () {
        for (const value of [0.5, "0.5", -1, "abc", NaN, Infinity, true, [], {}] as unknown[]) {
            assert.deepStrictEqual(readTolerance(value), { problem: "not-seconds" }, JSON.stringify(value) ?? "undefined");
        }
    });
    it("refuses a tolerance over 24 hours (86400 s)", function () {
        for (const value of [86_401, "86401", 2_000_000, "1e7"]) {
            assert.deepStrictEqual(readTolerance(value), { problem: "over-limit" }, String(value));
        }
    });
});
