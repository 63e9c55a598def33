// What makes each test event from the editor a delivery of its own: the newlines after its JSON.
import assert from "assert";
import fs from "fs";
import path from "path";
import { TestDeliveries } from "../../../../src/runtime/editor/send-test-event";
import { packageDir } from "../../../support/modules";

describe("send test event: each test of a second is a delivery of its own", function () {
    it("ends the n-th test event to a path within a second with n-1 newlines, the first with none", function () {
        const deliveries = new TestDeliveries();
        assert.deepStrictEqual(
            [1, 2, 3, 4].map(() => deliveries.separator("/alocity", 1_700_000_000)),
            ["", "\n", "\n\n", "\n\n\n"],
        );
    });

    it("counts each path on its own, and starts again at the next second", function () {
        const deliveries = new TestDeliveries();
        deliveries.separator("/a", 1_700_000_000);
        assert.deepStrictEqual([deliveries.separator("/b", 1_700_000_000), deliveries.separator("/a", 1_700_000_000)], ["", "\n"]);
        assert.deepStrictEqual([deliveries.separator("/a", 1_700_000_001), deliveries.separator("/a", 1_700_000_001)], ["", "\n"]);
    });

    it("is described so in the webhook's help", function () {
        const help = fs.readFileSync(path.join(packageDir, "nodes", "locales", "en-US", "alocity-webhook-in.html"), "utf8");
        assert.match(help.replace(/\s+/g, " "), /the n-th test of a second ends with n-1 newlines, the first with none/);
    });
});
