#!/usr/bin/env node
// Compiles the TypeScript and lays the editor files, message catalogues and icons
// beside the compiled node files, where Node-RED looks for them.
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

const nodesOut = path.join(dist, "nodes");
for (const file of fs.readdirSync(path.join(root, "nodes"))) {
    if (file.endsWith(".html")) {
        fs.copyFileSync(path.join(root, "nodes", file), path.join(nodesOut, file));
    }
}
fs.cpSync(path.join(root, "nodes", "locales"), path.join(nodesOut, "locales"), { recursive: true });
fs.rmSync(path.join(nodesOut, "icons"), { recursive: true, force: true });
fs.cpSync(path.join(root, "icons"), path.join(nodesOut, "icons"), { recursive: true });
