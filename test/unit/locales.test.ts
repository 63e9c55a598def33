// The message catalogues (nodes/locales/en-US/*.json), both ways: every message a node, its dialog or the runtime code
// they call names is there, and every message there is named somewhere.
import assert from "assert";
import fs from "fs";
import path from "path";
import { ALARM_CODES } from "../../src/core/device-state/record";
import { readJson } from "../support/modules";
import { packageDir } from "../support/real-node-red";

const LOCALES = path.join(packageDir, "nodes", "locales", "en-US");

interface Source {
    file: string;
    text: string;
}

/** Every file a message can be named from: the node adapters, their dialogs, the runtime code they call and the editor's resources. */
function sources(): Source[] {
    const files = (dir: string): string[] =>
        fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
            const full = path.join(dir, entry.name);
            return entry.isDirectory() ? (entry.name === "locales" ? [] : files(full)) : /\.(ts|html|js)$/.test(entry.name) ? [full] : [];
        });
    return ["nodes", "src", "resources"]
        .flatMap((dir) => files(path.join(packageDir, dir)))
        .map((file) => ({
            file: path.relative(packageDir, file),
            text: fs.readFileSync(file, "utf8"),
        }));
}

/** The dotted paths of a catalogue's messages: "log.no-match", ... */
function messagePaths(tree: Record<string, unknown>, prefix = ""): string[] {
    return Object.entries(tree).flatMap(([key, value]) =>
        typeof value === "object" && value !== null
            ? messagePaths(value as Record<string, unknown>, `${prefix}${key}.`)
            : [`${prefix}${key}`],
    );
}

const CATALOGUES = Object.fromEntries(
    fs
        .readdirSync(LOCALES)
        .filter((name) => name.endsWith(".json"))
        .flatMap((name) => Object.entries(readJson<Record<string, Record<string, unknown>>>(path.join(LOCALES, name)))),
);
/** Every message, by its full key ("alocity-webhook-in.log.no-match"). */
const MESSAGES = new Set(Object.entries(CATALOGUES).flatMap(([type, tree]) => messagePaths(tree).map((key) => `${type}.${key}`)));

/** The words of a union of string literals declared in a source file: `type Name = "a" | "b";`. */
function unionOf(file: string, name: string): string[] {
    const text = fs.readFileSync(path.join(packageDir, file), "utf8");
    const declaration = new RegExp(`type ${name} =([^;]+);`).exec(text);
    assert.ok(declaration, `${file} declares ${name}`);
    return [...declaration[1].matchAll(/"([\w-]+)"/g)].map((match) => match[1]);
}

const CONFIGURATION_PROBLEMS = () => unionOf("nodes/alocity-webhook-in.ts", "ConfigurationProblem");
const REJECTIONS = () => [
    ...unionOf("src/core/webhook/signature.ts", "RejectionReason"),
    ...unionOf("src/core/webhook/receiver.ts", "BodyProblem"),
    ...unionOf("nodes/alocity-webhook-in.ts", "Unverifiable"),
    ...unionOf("nodes/alocity-webhook-in.ts", "Unsent"),
    ...unionOf("src/runtime/webhook/path-owners.ts", "TurnedAway"),
];
const TEST_EVENT_ERRORS = () => unionOf("src/runtime/editor/send-test-event.ts", "TestEventError");
/** The node types whose editor files register them through AlocityEditor.nodeType (every one but the config node). */
const FLOW_NODES = ["alocity-webhook-in", "alocity-event-switch", "alocity-device-state", "alocity-home-assistant"];
/** The Doors sidebar's editor code (resources/doors-*.js): its `t` names messages of alocity-device-state. */
const RESOURCES_CATALOGUE = "alocity-device-state.";

/**
 * The places that name a message with a value the code computes, the group of that message, and the values the code
 * may compute there (the union type that declares them).
 */
const COMPUTED: { site: RegExp; group: string; values: () => string[] }[] = [
    { site: /\bt\(`status\.\$\{problem\}`/, group: "alocity-webhook-in.status.", values: CONFIGURATION_PROBLEMS },
    { site: /\bt\(`log\.\$\{problem\}`/, group: "alocity-webhook-in.log.", values: CONFIGURATION_PROBLEMS },
    { site: /\bt\(`reason\.\$\{(reason|lastReason)\}`/, group: "alocity-webhook-in.reason.", values: REJECTIONS },
    {
        site: /\bt\(`log\.\$\{reason\}`/,
        group: "alocity-webhook-in.log.",
        values: () => REJECTIONS().filter((reason) => reason !== "no-secret"),
    },
    {
        site: /\bt\(`warning\.\$\{warning\.kind\}`/,
        group: "alocity-webhook-in.warning.",
        values: () => unionOf("src/core/webhook/delivery-reading.ts", "ReadingWarningKind"),
    },
    {
        site: /\bt\(`field-problem\.\$\{error\.problem\}`/,
        group: "alocity-webhook-in.field-problem.",
        values: () => unionOf("src/core/events/event-fields.ts", "FieldSettingProblem"),
    },
    { site: /\bt\(error,/, group: "alocity-webhook-in.test.", values: TEST_EVENT_ERRORS },
    { site: /_\("alocity-webhook-in\.test\." \+ answer\.error/, group: "alocity-webhook-in.test.", values: TEST_EVENT_ERRORS },
    {
        site: /_\("alocity-home-assistant\.errors\." \+ key/,
        group: "alocity-home-assistant.errors.",
        // A wildcard's key is its property's; readTopicSettings's other problems are keyed by their kind.
        values: () => ["prefix", "base", "birthTopic", "base-is-prefix", "bridge-is-birth"],
    },
    { site: /\bt\("doors\.alarm\." \+ alarms\[i\]/, group: "alocity-device-state.doors.alarm.", values: () => [...ALARM_CODES] },
    {
        site: /\bt\("doors\.door\." \+ record\.door/,
        group: "alocity-device-state.doors.door.",
        values: () => unionOf("src/core/device-state/record.ts", "DoorPosition"),
    },
    {
        site: /\bt\("doors\.lock\." \+ record\.lock/,
        group: "alocity-device-state.doors.lock.",
        values: () => unionOf("src/core/device-state/record.ts", "LockPosition"),
    },
    // The flow nodes' palette label and label, the same for each (resources/alocity-editor.js).
    { site: /this\._\(type \+ "\.paletteLabel"\)/, group: "", values: () => FLOW_NODES.map((type) => `${type}.paletteLabel`) },
    { site: /this\._\(type \+ "\.label\.node"\)/, group: "", values: () => FLOW_NODES.map((type) => `${type}.label.node`) },
    // Variables that hold one of the texts named literally beside them, and the sidebar's translating wrappers.
    { site: /\bt\((lockdown|status), \{/, group: "", values: () => [] },
    { site: /\bt\(key(, substitutions|, \{ count: count \}|\))/, group: "", values: () => [] },
];
/** Where a message is named with a computed value: a template, a concatenation, or a variable. */
const COMPUTED_SITE = [/\bt\(\s*`[^`]*\$\{/g, /_\(\s*["'][^"']*["']\s*\+/g, /\bt\(\s*[A-Za-z_]\w*\s*[,)]/g];

/** The prefix `t(...)` adds in a file that defines it (`const t = messagesOf(RED, "alocity-x")`), if any. */
function shorthandPrefix(text: string): string | undefined {
    const prefix = /const t = messagesOf\(RED, "([\w.-]+)"\)/.exec(text)?.[1];
    return prefix === undefined ? undefined : `${prefix}.`;
}

/** The first parts of the messages below a prefix: "log", "status"... for "alocity-webhook-in.". */
function groupsBelow(prefix: string): Set<string> {
    return new Set([...MESSAGES].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length).split(".")[0]));
}

/**
 * The messages a source names literally: in `_("...")`, in `data-i18n`, and, through its `t`, a text "group.name"
 * anywhere (e.g. either side of a condition) or any text given to `t` itself.
 */
function literalKeys({ file, text }: Source): string[] {
    // A text "<type>.<group>...", a group being one of that type's (so "alocity-webhook-in.write", a permission, is not),
    // but the prefix a `t` is made with.
    const keys = [...text.replace(/messagesOf\(RED, "[^"]*"\)/g, "").matchAll(/["'`](alocity-[\w-]+)\.([\w-]+(?:\.[\w-]+)*)["'`]/g)]
        .filter(([, type, name]) => type in CATALOGUES && groupsBelow(`${type}.`).has(name.split(".")[0]))
        .map(([, type, name]) => `${type}.${name}`);
    for (const [, attribute] of text.matchAll(/data-i18n="([^"]+)"/g)) {
        keys.push(
            ...attribute
                .split(";")
                .map((key) => key.replace(/^\[[^\]]+\]/, ""))
                .filter((key) => key.startsWith("alocity-")),
        );
    }
    const prefix = file.startsWith("resources/doors-") ? RESOURCES_CATALOGUE : shorthandPrefix(text);
    if (prefix !== undefined) {
        const groups = groupsBelow(prefix);
        for (const [, name] of text.matchAll(/["'`]([a-z][\w-]*(?:\.[\w-]+)+)["'`]/g)) {
            if (groups.has(name.split(".")[0])) keys.push(prefix + name);
        }
        keys.push(...[...text.matchAll(/\bt\(\s*["'`]([\w-]+)["'`]/g)].map((match) => prefix + match[1]));
    }
    return keys;
}

describe("message catalogues", function () {
    const files = sources();
    const text = files.map((source) => source.text).join("\n");

    it("has every message the code names literally", function () {
        const missing = files.flatMap((source) =>
            literalKeys(source)
                .filter((key) => !MESSAGES.has(key))
                .map((key) => `${source.file}: ${key}`),
        );
        assert.deepStrictEqual(missing, []);
    });

    it("knows every place that names a message with a computed value, and has every message it can name", function () {
        const sites = files.flatMap((source) =>
            COMPUTED_SITE.flatMap((site) => [...source.text.matchAll(site)].map((match) => ({ source, match }))),
        );
        const unknown = sites
            .filter(({ source, match }) => !COMPUTED.some(({ site }) => site.test(source.text.slice(match.index, match.index + 80))))
            .map(({ source, match }) => `${source.file}: ${match[0]}`);
        assert.deepStrictEqual(unknown, [], "a place not in COMPUTED: add it, with the values it can compute");
        const missing = COMPUTED.flatMap(({ group, values }) => values().map((value) => group + value)).filter((key) => !MESSAGES.has(key));
        assert.deepStrictEqual(missing, []);
        for (const { site } of COMPUTED) assert.match(text, site, "each place of COMPUTED is still in the code");
    });

    it("names every message there is", function () {
        const literal = new Set(files.flatMap(literalKeys));
        const computed = new Set(COMPUTED.flatMap(({ group, values }) => values().map((value) => group + value)));
        const unused = [...MESSAGES].filter((key) => !literal.has(key) && !computed.has(key));
        assert.deepStrictEqual(unused, []);
    });
});
