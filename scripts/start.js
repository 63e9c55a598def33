#!/usr/bin/env node
// `npm start`: a local Node-RED (the devDependency, default settings) on 127.0.0.1 with this package loaded
// and a demo flow deployed: alocity-webhook-in at /alocity wired to debug nodes and to an alocity-device-state node
// that names the doors `alocity-webhook simulate` plays. PORT chooses the port (0: any free one), ALOCITY_DEMO_DIR
// the user directory (default .node-red). scripts/screenshots.js starts the same demo through startDemo.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { startNodeRed } = require("./node-red-process");

const root = path.resolve(__dirname, "..");
/** The `alocity-webhook` command, compiled. */
const CLI = path.join(root, "dist", "src", "cli", "main.js");
const DEMO_TAB = "alocity-demo-tab";

function demoSecret() {
    if (process.env.ALOCITY_WEBHOOK_SECRET) {
        return { secret: process.env.ALOCITY_WEBHOOK_SECRET, generated: false };
    }
    return { secret: crypto.randomBytes(24).toString("base64"), generated: true };
}

/** A word for a POSIX shell, quoted when it needs to be. */
function shellWord(text) {
    return /^[A-Za-z0-9_/.:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/** The demo flow with its key, and the address it is really served at in its comment. */
function demoFlow(secret, baseUrl) {
    const nodes = JSON.parse(fs.readFileSync(path.join(__dirname, "demo-flow.json"), "utf8"));
    return nodes.map((node) => {
        if (node.type === "alocity-signature") return { ...node, credentials: { secret } };
        if (node.type === "comment") return { ...node, info: node.info.split("http://<this Node-RED>").join(baseUrl) };
        return node;
    });
}

/**
 * Starts Node-RED on 127.0.0.1 with the demo flow deployed and running (the other flows of `userDir` kept) and the
 * editor's first-run questions answered. Resolves with the running Node-RED, the flow deployed and the webhook's URL.
 * @param {{ userDir: string, port: number, secret: string, inheritOutput?: boolean }} options
 */
async function startDemo({ userDir, port, secret, inheritOutput = false }) {
    const nodeRed = await startNodeRed({ userDir, port, host: "127.0.0.1", packageDir: root, inheritOutput });
    try {
        const current = await nodeRed.admin("GET", "/flows");
        const others = (current.flows || current).filter(
            (node) => node.id !== DEMO_TAB && node.z !== DEMO_TAB && !String(node.id).startsWith("alocity-demo-"),
        );
        const flow = demoFlow(secret, nodeRed.url);
        await nodeRed.deploy(others.concat(flow));
        await nodeRed.answerFirstRunQuestions();
        return { nodeRed, flow, webhookUrl: `${nodeRed.url}/alocity` };
    } catch (error) {
        await nodeRed.stop();
        throw error;
    }
}
async function main() {
    const userDir = path.resolve(process.env.ALOCITY_DEMO_DIR || path.join(root, ".node-red"));
    const port = Number(process.env.PORT || 1880);
    const { secret, generated } = demoSecret();
    const { nodeRed, webhookUrl } = await startDemo({ userDir, port, secret, inheritOutput: true });

    const cli = path.relative(process.cwd(), CLI) || "dist/src/cli/main.js";
    const command = `ALOCITY_WEBHOOK_SECRET=${shellWord(secret)} node ${shellWord(cli)}`;
    console.log(`
  Node-RED editor:  ${nodeRed.url}/
  Webhook URL:      ${webhookUrl}
  Webhook secret:   ${generated ? secret + "   (generated: set ALOCITY_WEBHOOK_SECRET to choose one)" : "from ALOCITY_WEBHOOK_SECRET"}

  Watch a building come alive: open the editor, open the Doors tab in its sidebar, and run this in
  another terminal (6 doors for 2 minutes; their alarms also show in the debug sidebar):
    ${command} simulate --url ${webhookUrl}

  Or send one signed test event (then watch the debug sidebar):
    ${command} send --url ${webhookUrl} --event door.state

  Stop with Ctrl+C.
`);
    const stop = () => nodeRed.stop().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

if (require.main === module) {
    main().catch((error) => {
        console.error(`npm start failed: ${error.message}`);
        process.exit(1);
    });
}

module.exports = { startDemo, CLI };
