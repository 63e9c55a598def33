// The edit dialogs in the real editor (chromium) judge a saved setting as the runtime does: the tolerance of
// alocity-signature, the seconds of alocity-device-state, the topics of alocity-home-assistant.
import assert from "assert";
import { readSeconds } from "../../src/core/device-state/config";
import { parseSettings } from "../../src/core/home-assistant/inputs";
import { readTolerance } from "../../src/core/webhook/tolerance";
import { useEditorSession } from "./support/editor";

/** A property's validator in the editor, by node type and property; [type, property, values]. */
type Case = [type: string, property: string, values: unknown[]];

const SECONDS = ["", " ", "\t", "0", "60", " 60 ", "1e3", "0.5", "-1", "abc", "12s", 7, -2, "86400", "86401"];
const TOPICS = ["homeassistant", " site/doors/ ", "home/+", "alocity/#", "a+b", ""];
const CASES: Case[] = [
    ["alocity-signature", "tolerance", SECONDS],
    ["alocity-device-state", "heldOpen", SECONDS],
    ["alocity-device-state", "grace", SECONDS],
    ["alocity-home-assistant", "prefix", TOPICS],
    ["alocity-home-assistant", "birthTopic", TOPICS],
];

/** Whether the runtime takes a value of a property (rather than warning, falling back or refusing). */
function runtimeTakes(property: string, value: unknown): boolean {
    if (property === "tolerance") return "seconds" in readTolerance(value);
    if (property === "heldOpen" || property === "grace") return readSeconds(value) !== undefined;
    try {
        parseSettings({ [property]: value });
        return true;
    } catch {
        return false;
    }
}

describe("the edit dialogs judge settings as the runtime does (chromium)", function () {
    this.timeout(180000);
    const session = useEditorSession();

    for (const [type, property, values] of CASES) {
        it(`${type}: ${property}`, async function () {
            const editor = session.editor;
            const verdicts = await editor.evaluate(
                ({ type, property, values }) => {
                    const definition = RED.nodes.getType(type) as unknown as {
                        defaults: Record<string, { validate(this: unknown, value: unknown, opt?: object): boolean | string }>;
                    };
                    const node = { _: RED._.bind(RED) };
                    return values.map((value) => definition.defaults[property].validate.call(node, value, {}) === true);
                },
                { type, property, values },
            );
            assert.deepStrictEqual(
                values.map((value, index) => [value, verdicts[index]]),
                values.map((value) => [value, runtimeTakes(property, value)]),
            );
        });
    }
});
