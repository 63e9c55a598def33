import assert from "assert";
import { parseTolerance } from "../../../../src/runtime/webhook/signature-config";

describe("alocity-signature tolerance", function () {
    it("takes whole seconds, 0 or more, and 300 when unset", function () {
        assert.deepStrictEqual(
            [parseTolerance(undefined), parseTolerance(""), parseTolerance(0), parseTolerance("60"), parseTolerance(300)],
            [300, 300, 0, 60, 300],
        );
    });
    it("refuses what is not a whole number of seconds, rather than rounding it to 0 (off)", function () {
        for (const value of [0.5, "0.5", -1, "abc", NaN, Infinity]) {
            assert.strictEqual(parseTolerance(value), undefined, String(value));
        }
    });
});
