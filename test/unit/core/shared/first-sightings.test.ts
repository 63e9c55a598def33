import assert from "assert";
import { FirstSightings } from "../../../../src/core/shared/first-sightings";

describe("FirstSightings", function () {
    it("says new the first time a key is seen and known after, up to its limit; full for new keys beyond it", function () {
        const sightings = new FirstSightings(2);
        assert.deepStrictEqual(
            ["a", "a", "b", "c", "b", "c"].map((key) => sightings.sight(key)),
            ["new", "known", "new", "full", "known", "full"],
        );
    });

    it("remembers 1,000 keys by default", function () {
        const sightings = new FirstSightings();
        for (let key = 0; key < 1000; key++) assert.strictEqual(sightings.sight(String(key)), "new");
        assert.strictEqual(sightings.sight("1000"), "full");
        assert.strictEqual(sightings.sight("999"), "known");
    });
});
