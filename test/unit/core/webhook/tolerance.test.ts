import assert from "assert";
import { parseTolerance } from "../../../../src/core/webhook/tolerance";

describe("alocity-signature tolerance", function () {
    it("takes whole seconds, 0 or more, and 300 when unset", function () {
        assert.deepStrictEqual(
            [
                parseTolerance(undefined),
                parseTolerance(""),
                parseTolerance(0),
                parseTolerance("60"),
                parseTolerance(300),
                parseTolerance("1e3"),
            ],
            [300, 300, 0, 60, 300, 1000],
        );
    });
    it("refuses what is not a whole number of seconds, rather than rounding it to 0 (off)", function () {
        for (const value of [0.5, "0.5", -1, "abc", NaN, Infinity]) {
            assert.strictEqual(parseTolerance(value), undefined, String(value));
        }
    });
});
