#!/usr/bin/env node
// `npm start`: a local Node-RED (the devDependency, default settings) on 127.0.0.1 with this package loaded
// and a demo flow deployed: alocity-webhook-in at /alocity wired to debug nodes.
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { startNodeRed } = require("./node-red-process");

const root = path.resolve(__dirname, "..");
const userDir = path.join(root, ".node-red");
const port = Number(process.env.PORT || 1880);
const DEMO_TAB = "alocity-demo-tab";

function demoSecret() {
    if (process.env.ALOCITY_WEBHOOK_SECRET) {
        return { secret: process.env.ALOCITY_WEBHOOK_SECRET, generated: false };
    }
    return { secret: crypto.randomBytes(24).toString("base64"), generated: true };
}

/** A word for a POSIX shell, quoted when it needs to be. */
function shellWord(text) {
    return /^[A-Za-z0-9_\/.:=@%+-]+$/.test(text) ? text : `'${text.replace(/'/g, "'\\''")}'`;
}

/** The demo flow with its key, and the address it is really served at in its comment. */
function demoFlow(secret, baseUrl) {
    const examples = path.join(root, "examples", "demo.json");
    const nodes = JSON.parse(fs.readFileSync(examples, "utf8"));
    return nodes.map((node) => {
        if (node.type === "alocity-signature") return { ...node, credentials: { secret } };
        if (node.type === "comment") return { ...node, info: node.info.split("http://<this Node-RED>").join(baseUrl) };
        return node;
    });
}


async function main() {
    const { secret, generated } = demoSecret();
    const nodeRed = await startNodeRed({ userDir, port, host: "127.0.0.1", packageDir: root, inheritOutput: true });
    const current = await nodeRed.admin("GET", "/flows");
    const others = (current.flows || current).filter((node) => node.id !== DEMO_TAB && node.z !== DEMO_TAB && !String(node.id).startsWith("alocity-demo-"));
    await nodeRed.admin("POST", "/flows", others.concat(demoFlow(secret, nodeRed.url)), { "Node-RED-Deployment-Type": "full" });
    await nodeRed.answerFirstRunQuestions();

    const webhookUrl = `${nodeRed.url}/alocity`;
    const cli = path.relative(process.cwd(), path.join(root, "dist", "src", "cli.js")) || "dist/src/cli.js";
    console.log(`
  Node-RED editor:  ${nodeRed.url}/
  Webhook URL:      ${webhookUrl}
  Webhook secret:   ${generated ? secret + "   (generated: set ALOCITY_WEBHOOK_SECRET to choose one)" : "from ALOCITY_WEBHOOK_SECRET"}

  Send a signed test event (then watch the debug sidebar):
    ALOCITY_WEBHOOK_SECRET=${shellWord(secret)} node ${shellWord(cli)} send --url ${webhookUrl} --event door.state

  Stop with Ctrl+C.
`);
    const stop = () => nodeRed.stop().then(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
}

main().catch((error) => {
    console.error(`npm start failed: ${error.message}`);
    process.exit(1);
});
