// The message catalogues (nodes/locales/en-US/*.json): every message a node or its dialog uses is there, and every
// message there is used.
import assert from "assert";
import fs from "fs";
import path from "path";
import { packageDir } from "../support/real-node-red";

const LOCALES = path.join(packageDir, "nodes", "locales", "en-US");

/** Every file a message can be used from: the node adapters, their dialogs, the runtime code they call and the editor's resources. */
function sources(): string {
    const files = (dir: string): string[] =>
        fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
            const full = path.join(dir, entry.name);
            return entry.isDirectory() ? (entry.name === "locales" ? [] : files(full)) : /\.(ts|html|js)$/.test(entry.name) ? [full] : [];
        });
    return ["nodes", "src", "resources"].flatMap((dir) => files(path.join(packageDir, dir))).map((file) => fs.readFileSync(file, "utf8")).join("\n");
}

/** The dotted paths of a catalogue's messages, below the node type: "log.no-match", ... */
function messagePaths(tree: Record<string, unknown>, prefix = ""): string[] {
    return Object.entries(tree).flatMap(([key, value]) =>
        typeof value === "object" && value !== null ? messagePaths(value as Record<string, unknown>, `${prefix}${key}.`) : [`${prefix}${key}`],
    );
}

/**
 * Whether a message is used: its path stands in the sources as a whole ("log.no-match"), or a group of it is used
 * with a computed name (`reason.${...}`, "test." + ...) and the rest of its path stands as a word of its own (a reason
 * code, an alarm code such as "door.held-open").
 */
function isUsed(text: string, messagePath: string): boolean {
    if (text.includes(messagePath)) return true;
    const dots = [...messagePath.matchAll(/\./g)].map((match) => match.index);
    return dots.some((dot) => {
        const group = messagePath.slice(0, dot + 1);
        const name = messagePath.slice(group.length);
        const computed = [`${group}\${`, `${group}" +`, `${group}"+`].some((use) => text.includes(use));
        return computed && new RegExp(`["'\`]${name.replace(/[-.]/g, "\\$&")}["'\`]`).test(text);
    });
}

describe("message catalogues", function () {
    const text = sources();
    for (const file of fs.readdirSync(LOCALES).filter((name) => name.endsWith(".json"))) {
        const type = file.replace(/\.json$/, "");
        it(`${file}: every message is used`, function () {
            const catalogue = JSON.parse(fs.readFileSync(path.join(LOCALES, file), "utf8")) as Record<string, Record<string, unknown>>;
            assert.deepStrictEqual(Object.keys(catalogue), [type]);
            const unused = messagePaths(catalogue[type]).filter((messagePath) => !isUsed(text, messagePath));
            assert.deepStrictEqual(unused, []);
        });
    }
});
