import { inspect } from "util";
import assert from "assert";
import { byteSize } from "../../../../src/core/webhook/byte-size";

describe("byte sizes", function () {
    it("reads numbers and texts with units as Node-RED's apiMaxLength", function () {
        const cases: [unknown, number][] = [
            [1024, 1024],
            ["100", 100],
            ["5mb", 5 * 1024 * 1024],
            ["5MB", 5 * 1024 * 1024],
            [" 1.5 kb ", 1536],
            ["2gb", 2 * 1024 ** 3],
            ["10b", 10],
        ];
        for (const [value, bytes] of cases) assert.strictEqual(byteSize(value), bytes, String(value));
    });

    it("gives undefined for what is not a size", function () {
        for (const value of [undefined, null, "", "lots", "5 tb", -1, NaN, Infinity, {}])
            assert.strictEqual(byteSize(value), undefined, inspect(value));
    });
});
