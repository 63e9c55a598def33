// The runtime's rules as the build puts them into the editor's files (scripts/build.js, src/core/editor/rules.ts):
// read from a built dialog, they judge a saved setting as the runtime does.
import assert from "assert";
import fs from "fs";
import path from "path";
import vm from "vm";
import { parseDeviceStateConfig, DEVICE_STATE_DEFAULTS } from "../../../../src/core/device-state/config";
import { parseSettings } from "../../../../src/core/home-assistant/inputs";
import { readTolerance } from "../../../../src/core/webhook/tolerance";
import { DOORS_CHANGES_TOPIC, DOORS_NODES_TOPIC, DOORS_PERMISSION, DOORS_ROUTE } from "../../../../src/runtime/editor/doors-feed";
import { packageDir } from "../../../support/modules";

interface BuiltRules {
    readTolerance(value: unknown): ReturnType<typeof readTolerance>;
    readSeconds(value: unknown): number | undefined;
    readTopicSettings(saved: object): { problems: { property: string; kind: string }[] };
    DOORS_SIDEBAR_NAMES: Record<string, string>;
}

const BUNDLE_START = "var runtimeRules = ";
const BUNDLE_END = 'return load("editor/rules");\n})()';

const builtFile = (file: string) => fs.readFileSync(path.join(packageDir, "dist", "nodes", file), "utf8");

/** The rules built into dist/nodes/<file>, evaluated as the editor does. */
function builtRules(file: string): BuiltRules {
    const html = builtFile(file);
    const start = html.indexOf(BUNDLE_START);
    const end = html.indexOf(BUNDLE_END, start);
    assert.ok(start >= 0 && end > start, `${file} has the runtime's rules built in`);
    return vm.runInNewContext(html.slice(start + BUNDLE_START.length, end + BUNDLE_END.length)) as BuiltRules;
}

/** Saved values of every kind a flow may hold (numbers, numeric text, text, empty, nothing). */
const VALUES: unknown[] = [
    undefined,
    null,
    "",
    " ",
    "\t",
    0,
    60,
    "60",
    " 60 ",
    "1e3",
    0.5,
    "0.5",
    -1,
    "-1",
    "abc",
    "12s",
    Infinity,
    true,
    86_400,
    "86401",
];

describe("the runtime's rules built into the edit dialogs", function () {
    it("alocity-signature's dialog takes the tolerances the runtime takes, and only those", function () {
        const rules = builtRules("alocity-signature.html");
        for (const value of VALUES) {
            assert.deepStrictEqual({ ...rules.readTolerance(value) }, readTolerance(value), String(value));
        }
        assert.deepStrictEqual({ ...rules.readTolerance("") }, { seconds: 300 }, "empty: the default");
        assert.deepStrictEqual({ ...rules.readTolerance(" ") }, { seconds: 300 }, "blank: the default, not 0 (off)");
        assert.deepStrictEqual({ ...rules.readTolerance("1e3") }, { seconds: 1000 });
        assert.deepStrictEqual({ ...rules.readTolerance("86401") }, { problem: "over-limit" });
    });

    it("alocity-device-state's dialog takes the numbers of seconds the runtime uses, and only those", function () {
        const rules = builtRules("alocity-device-state.html");
        const fallbackMs = DEVICE_STATE_DEFAULTS.heldOpen * 1000;
        for (const value of VALUES) {
            const seconds = rules.readSeconds(value);
            const used = parseDeviceStateConfig({ heldOpen: value }).heldOpenMs;
            assert.strictEqual(used, seconds === undefined ? fallbackMs : seconds * 1000, String(value));
        }
        assert.deepStrictEqual(
            ["7", " 2.5 ", "", "abc", -3].map((value) => rules.readSeconds(value)),
            [7, 2.5, undefined, undefined, undefined],
        );
    });

    it("alocity-home-assistant's dialog refuses the topic settings the runtime refuses, and only those", function () {
        const rules = builtRules("alocity-home-assistant.html");
        const topics: unknown[] = ["homeassistant", " site/doors/ ", "home/+", "alocity/#", "a+b", "", undefined, 5, "ha", "ha/status"];
        const refusedBy = (saved: object) => {
            try {
                parseSettings(saved);
                return false;
            } catch {
                return true;
            }
        };
        for (const property of ["prefix", "base", "birthTopic"]) {
            for (const topic of topics) {
                for (const others of [{}, { prefix: "ha" }, { birthTopic: "ha/status" }]) {
                    const saved = { ...others, [property]: topic };
                    assert.strictEqual(rules.readTopicSettings(saved).problems.length > 0, refusedBy(saved), JSON.stringify(saved));
                }
            }
        }
        assert.deepStrictEqual(
            [{ base: "homeassistant" }, { base: "ha", birthTopic: "ha/status" }, { prefix: "home/+" }].map((saved) =>
                rules
                    .readTopicSettings(saved)
                    .problems.map(({ property, kind }) => `${property} ${kind}`)
                    .join(", "),
            ),
            ["base base-is-prefix", "base bridge-is-birth", "prefix wildcard"],
        );
    });

    it("hands the Doors sidebar the route, permission and topics of the runtime's Doors feed; the sidebar has no copy", function () {
        const rules = builtRules("alocity-device-state.html");
        assert.deepStrictEqual(
            { ...rules.DOORS_SIDEBAR_NAMES },
            { route: DOORS_ROUTE.slice(1), permission: DOORS_PERMISSION, nodesTopic: DOORS_NODES_TOPIC, changesTopic: DOORS_CHANGES_TOPIC },
        );
        assert.match(builtFile("alocity-device-state.html"), /window\.alocityDoors\.add\(this\._, runtimeRules\.DOORS_SIDEBAR_NAMES\)/);
        const sidebar = fs.readFileSync(path.join(packageDir, "resources", "doors-sidebar.js"), "utf8");
        for (const name of [DOORS_PERMISSION, DOORS_NODES_TOPIC, DOORS_CHANGES_TOPIC]) {
            assert.ok(!sidebar.includes(`"${name}"`), `resources/doors-sidebar.js names "${name}" itself`);
        }
    });
});
