import { inspect } from "util";
import assert from "assert/strict";
import { savedFlag, splitList } from "../../../../src/core/shared/value-readers";

describe("saved values", () => {
    describe("splitList", () => {
        it("splits at commas, trims every item and drops empty ones", () => {
            assert.deepEqual(splitList(" Open ,Closed,, Held Open ,"), ["Open", "Closed", "Held Open"]);
        });
        it("gives no items for an empty or blank list", () => {
            assert.deepEqual(splitList(""), []);
            assert.deepEqual(splitList(" , , "), []);
        });
        it("reads a number as one item and anything else as none", () => {
            assert.deepEqual(splitList(7), ["7"]);
            assert.deepEqual(splitList(undefined), []);
            assert.deepEqual(splitList(null), []);
            assert.deepEqual(splitList(["Open"]), []);
        });
    });

    describe("savedFlag", () => {
        it("takes booleans, and true / false as text (case and spaces ignored)", () => {
            assert.deepEqual(
                [savedFlag(true, false), savedFlag(false, true), savedFlag(" TRUE ", false), savedFlag("false", true)],
                [true, false, true, false],
            );
        });
        it("gives the fallback for anything else", () => {
            for (const value of [undefined, null, "", "yes", 1, 0, {}]) {
                assert.equal(savedFlag(value, true), true, inspect(value));
                assert.equal(savedFlag(value, false), false, inspect(value));
            }
        });
    });
});
