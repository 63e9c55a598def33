import assert from "assert";
import { UnlistedValues } from "../../../../src/core/device-state/unlisted-values";

describe("unlisted values", function () {
    it("meets each field's value once, compared as the lists compare: trimmed, case ignored", function () {
        const unlisted = new UnlistedValues();
        const met = (
            [
                ["doorState", "Ajar"],
                ["doorState", " AJAR "],
                ["lockState", "Ajar"],
                ["doorState", 3],
                ["doorState", "3"],
            ] as const
        ).map(([field, value]) => unlisted.meet(field, value));
        assert.deepStrictEqual(met, ["new", "known", "new", "new", "known"]);
        assert.deepStrictEqual([unlisted.size, unlisted.last], [3, { field: "doorState", value: 3 }]);
    });

    it("remembers at most a thousand values", function () {
        const unlisted = new UnlistedValues();
        for (let index = 0; index < 1000; index++) unlisted.meet("doorState", `value ${index}`);
        assert.deepStrictEqual(
            [unlisted.meet("doorState", "one more"), unlisted.meet("doorState", "one more"), unlisted.size],
            ["full", "full", 1000],
        );
        assert.strictEqual(unlisted.meet("doorState", "value 0"), "known");
    });
});
