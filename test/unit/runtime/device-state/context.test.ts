import assert from "assert";
import { contextStoreOf } from "../../../../src/runtime/device-state/context";

describe("alocity-device-state's context store", function () {
    const configured = { contextStorage: { default: { module: "memory" }, file: { module: "localfilesystem" } } };

    it("is the default store for an empty name, and a store settings.js configures by its name", function () {
        assert.deepStrictEqual(
            [contextStoreOf(configured, ""), contextStoreOf(configured, undefined)],
            [{ store: undefined }, { store: undefined }],
        );
        assert.deepStrictEqual(
            [contextStoreOf(configured, " file "), contextStoreOf(configured, "default")],
            [{ store: "file" }, { store: "default" }],
        );
    });

    it("without contextStorage, knows the one memory store the editor lists", function () {
        assert.deepStrictEqual(contextStoreOf({}, "memory"), { store: "memory" });
        assert.deepStrictEqual(contextStoreOf({}, "file"), { store: undefined, unknown: "file" });
    });

    it("names a store settings.js does not have, and uses the default one instead", function () {
        assert.deepStrictEqual(contextStoreOf(configured, "redis"), { store: undefined, unknown: "redis" });
    });
});
