#!/usr/bin/env node
// Compiles the TypeScript and lays the editor files (with the runtime's rules built in), message catalogues and
// icons beside the compiled node files, where Node-RED looks for them.
"use strict";
const fs = require("fs");
const path = require("path");
const { execFileSync } = require("child_process");

const root = path.resolve(__dirname, "..");
const dist = path.join(root, "dist");

if (process.argv.includes("--clean")) {
    fs.rmSync(dist, { recursive: true, force: true });
}
execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.json")], {
    stdio: "inherit",
});

/**
 * The runtime's rules for the edit dialogs: src/core/editor/rules.ts as compiled, with the core modules it requires
 * (by their paths below src/core), each wrapped in a function as CommonJS expects, in an expression whose value is its
 * exports.
 */
function editorRules() {
    const core = path.join(dist, "src", "core");
    const sources = new Map();
    const add = (name) => {
        if (sources.has(name)) return;
        const source = fs.readFileSync(path.join(core, `${name}.js`), "utf8");
        sources.set(name, source);
        for (const [, required] of source.matchAll(/require\("([^"]*)"\)/g)) {
            const target = path.posix.join(path.posix.dirname(name), required);
            if (!required.startsWith(".") || target.startsWith("..")) {
                throw new Error(`src/core/${name}.ts requires ${required}: the editor's rules may use only core modules`);
            }
            add(target);
        }
    };
    add("editor/rules");
    const modules = [...sources].map(([name, source]) => `${JSON.stringify(name)}: function (exports, require) {\n${source}\n}`);
    return [
        "(function () {",
        `    var modules = {\n${modules.join(",\n")}\n    };`,
        "    var loaded = {};",
        "    function load(name) {",
        "        if (!loaded[name]) {",
        "            loaded[name] = {};",
        '            var dir = name.slice(0, name.lastIndexOf("/") + 1);',
        "            modules[name](loaded[name], function (required) { return load(resolve(dir, required)); });",
        "        }",
        "        return loaded[name];",
        "    }",
        "    function resolve(dir, required) {",
        '        var parts = (dir + required).split("/");',
        "        var path = [];",
        '        parts.forEach(function (part) { if (part === "..") path.pop(); else if (part !== ".") path.push(part); });',
        '        return path.join("/");',
        "    }",
        '    return load("editor/rules");',
        "})()",
    ].join("\n");
}

/** In the editor files, where the runtime's rules are asked for. */
const EDITOR_RULES_MARK = "ALOCITY_EDITOR_RULES";
const rules = editorRules();
const nodesOut = path.join(dist, "nodes");
for (const file of fs.readdirSync(path.join(root, "nodes"))) {
    if (file.endsWith(".html")) {
        const html = fs.readFileSync(path.join(root, "nodes", file), "utf8");
        fs.writeFileSync(path.join(nodesOut, file), html.split(EDITOR_RULES_MARK).join(rules));
    }
}
fs.cpSync(path.join(root, "nodes", "locales"), path.join(nodesOut, "locales"), { recursive: true });
fs.rmSync(path.join(nodesOut, "icons"), { recursive: true, force: true });
fs.cpSync(path.join(root, "icons"), path.join(nodesOut, "icons"), { recursive: true });
