import assert from "assert";
import {
    InvalidPathError,
    isBelow,
    isEditorApiPath,
    joinPath,
    normalisePath,
    pathBelow,
    pathKey,
} from "../../../../src/core/webhook/paths";

describe("webhook paths", function () {
    it("normalises a node's URL: a leading slash, no doubled or trailing slash", function () {
        const cases: [string, string][] = [
            ["alocity", "/alocity"],
            ["/alocity/", "/alocity"],
            ["//alocity//doors/", "/alocity/doors"],
            [" /a.b~c_d-e%20@x ", "/a.b~c_d-e%20@x"],
        ];
        for (const [url, path] of cases) assert.strictEqual(normalisePath(url), path, url);
    });

    it("refuses the root and anything express would read as a pattern", function () {
        for (const url of ["", "/", "/:id", "/a*", "/a?", "/a+", "/(a)", "/a b", "/ä"]) {
            assert.throws(
                () => normalisePath(url),
                (error: unknown) => error instanceof InvalidPathError && error.reason === "invalid",
                url,
            );
        }
    });

    it("keys paths as the router compares them", function () {
        assert.strictEqual(pathKey("/Alocity/"), "/alocity");
        assert.strictEqual(pathKey("/Alocity/", { caseSensitive: true, strict: false }), "/Alocity");
        assert.strictEqual(pathKey("/alocity/", { caseSensitive: false, strict: true }), "/alocity/");
        assert.notStrictEqual(pathKey("//alocity"), pathKey("/alocity"), "a doubled slash is another path");
    });

    it("joins a mount path and a path", function () {
        assert.deepStrictEqual(
            [joinPath("", "/a"), joinPath("/", "/a"), joinPath("/hooks", "/a"), joinPath("/hooks/", "/a")],
            ["/a", "/a", "/hooks/a", "/hooks/a"],
        );
    });

    it("tells what lies below a root", function () {
        assert.ok(isBelow("/red/flows", "/red") && isBelow("/red", "/RED/") && isBelow("/x", "/"));
        assert.ok(!isBelow("/redder", "/red"));
        assert.deepStrictEqual(
            [pathBelow("/red/flows", "/red"), pathBelow("/red", "/red"), pathBelow("/flows", "/"), pathBelow("/x", "/red")],
            ["/flows", "/", "/flows", undefined],
        );
    });

    it("knows the editor's own API paths", function () {
        for (const path of ["/flows", "/Flows", "/nodes/x", "/auth/token", "/inject/abc", "/settings/user"])
            assert.ok(isEditorApiPath(path), path);
        for (const path of ["/alocity", "/flowsx", "/", "/hooks/flows"]) assert.ok(!isEditorApiPath(path), path);
    });
});
