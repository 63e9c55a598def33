"use strict";
// A real Node-RED (default settings: editor at /) in a child process, for integration tests.
const fs = require("fs");
const os = require("os");
const path = require("path");
const { startNodeRed, request } = require("../../scripts/node-red-process");

const packageDir = path.resolve(__dirname, "..", "..");

async function startRealNodeRed(options = {}) {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-nr-"));
    const nodeRed = await startNodeRed({ userDir, port: 0, packageDir, ...options });
    const stop = nodeRed.stop.bind(nodeRed);
    nodeRed.stop = async () => {
        await stop();
        fs.rmSync(userDir, { recursive: true, force: true });
    };
    return nodeRed;
}

module.exports = { startRealNodeRed, request, packageDir };
