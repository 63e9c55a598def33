import { inspect } from "util";
import assert from "assert";
import { ACCESS_RESULT_TYPES, readAccessResult } from "../../../../src/core/events/access-results";
import { readEventFields } from "../../../../src/core/events/event-fields";
import { valueMatches } from "../../../../src/core/events/event-values";

describe("access results", function () {
    it("reads each documented result by its name or its number, as a number or as text", function () {
        for (const [name, code] of Object.entries(ACCESS_RESULT_TYPES)) {
            for (const value of [name, code, String(code), name.toUpperCase().replace(/ /g, "_")]) {
                const result = readAccessResult(value);
                assert.deepStrictEqual([result?.code, result?.name, result?.value], [code, name, value], String(value));
            }
        }
    });

    it("tells attempts from lockdowns and doorbells; only Access Granted is granted", function () {
        const kinds = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, "Card Expired", -1, 2.5].map((value) => {
            const result = readAccessResult(value);
            return [value, result?.kind, result?.granted];
        });
        assert.deepStrictEqual(kinds, [
            [0, "attempt", true],
            [1, "attempt", false],
            [2, "attempt", false],
            [3, "attempt", false],
            [4, "attempt", false],
            [5, "attempt", false],
            [6, "attempt", false],
            [7, "lockdown-start", false],
            [8, "lockdown-end", false],
            [9, "doorbell", false],
            [10, "attempt", false],
            ["Card Expired", "attempt", false],
            [-1, "attempt", false],
            [2.5, "attempt", false],
        ]);
        assert.deepStrictEqual(readAccessResult("Card Expired"), {
            kind: "attempt",
            value: "Card Expired",
            code: undefined,
            name: undefined,
            granted: false,
        });
    });

    it("reads no result from a value that is absent, null, blank, or neither text nor a number", function () {
        for (const value of [undefined, null, "", "  ", true, {}, [], NaN, Infinity]) {
            assert.strictEqual(readAccessResult(value), undefined, inspect(value));
        }
    });

    it("takes the result from the first field that holds one", function () {
        const resultOf = (payload: Record<string, unknown>) =>
            readAccessResult(readEventFields("accesslog.created", payload).fields.result);
        assert.strictEqual(resultOf({ result: null, resultType: " ", accessLogResultType: "Doorbell" })?.kind, "doorbell");
        assert.strictEqual(resultOf({ result: 1, resultType: 0 })?.granted, false);
        assert.strictEqual(resultOf({ type: "Lockdown Start" })?.kind, "lockdown-start");
        assert.strictEqual(resultOf({ userId: "u-1" }), undefined);
    });

    it("matches rules by name or number, whichever the log and the rule use", function () {
        assert.ok(valueMatches("accesslog.created", 7, ["Lockdown Start"]));
        assert.ok(valueMatches("accesslog.created", "Lockdown Start", ["7"]));
        assert.ok(valueMatches("accesslog.created", "doorbell", ["9"]));
        assert.ok(valueMatches("accesslog.created", "Card Expired", ["card expired"]));
        assert.ok(!valueMatches("accesslog.created", 8, ["Lockdown Start"]));
    });
});
