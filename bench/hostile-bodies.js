"use strict";
// What unsigned bodies cost a Node-RED with alocity-webhook-in before anyone is verified: 200 connections at once each
// POST 5 MB (Node-RED's default apiMaxLength) to the webhook's path, once with a Content-Length and once chunked; the
// peak RSS of the Node-RED process (VmHWM in /proc) is read against its RSS before. A real Node-RED of its own
// (the devDependency, default settings) per case. Run it: npm run build && node bench/hostile-bodies.js
const fs = require("fs");
const net = require("net");
const os = require("os");
const path = require("path");
const { startNodeRed } = require("../scripts/node-red-process");

const CONNECTIONS = Number(process.env.CONNECTIONS || 200);
const BODY_BYTES = 5 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x20);

const flows = [
    { id: "hostile-tab", type: "tab", label: "hostile" },
    { id: "hostile-key", type: "alocity-signature", name: "", tolerance: 300, credentials: { secret: "whsec-hostile-1f0e" } },
    {
        id: "hostile-in",
        type: "alocity-webhook-in",
        z: "hostile-tab",
        url: "/alocity",
        signature: "hostile-key",
        event: "",
        x: 100,
        y: 100,
        wires: [[]],
    },
];

/** Megabytes of a /proc/<pid>/status field (VmRSS, VmHWM). */
function memoryOf(pid, field) {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)[1]) / 1024;
}

/** One client: sends a 5 MB body as fast as the server takes it; resolves with the status it read, or how it ended. */
function hostilePost(port, chunked) {
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        let received = "";
        let sent = 0;
        const done = (outcome) => {
            socket.destroy();
            resolve(outcome);
        };
        socket.setTimeout(120000, () => done("no answer"));
        socket.on("data", (data) => {
            received += data.toString("latin1");
            const status = /^HTTP\/1\.1 (\d{3})/.exec(received);
            if (status) done(status[1]);
        });
        socket.on("error", (error) => done(error.code || "error"));
        socket.on("close", () => done(received === "" ? "closed" : "answered"));
        socket.on("connect", () => {
            const head = chunked ? "Transfer-Encoding: chunked" : `Content-Length: ${BODY_BYTES}`;
            socket.write(`POST /alocity HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${head}\r\n\r\n`);
            const pump = () => {
                while (sent < BODY_BYTES && !socket.destroyed) {
                    const frame = chunked
                        ? Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from("\r\n")])
                        : CHUNK;
                    sent += CHUNK.length;
                    if (!socket.write(frame)) return socket.once("drain", pump);
                }
                if (chunked && !socket.destroyed) socket.write("0\r\n\r\n");
            };
            pump();
        });
    });
}

async function measure(chunked) {
    const userDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-hostile-"));
    const nodeRed = await startNodeRed({ userDir, packageDir: path.resolve(__dirname, "..") });
    try {
        await nodeRed.deploy(flows);
        const pid = nodeRed.process.pid;
        const before = memoryOf(pid, "VmRSS");
        const outcomes = await Promise.all(Array.from({ length: CONNECTIONS }, () => hostilePost(nodeRed.port, chunked)));
        const counts = {};
        for (const outcome of outcomes) counts[outcome] = (counts[outcome] || 0) + 1;
        return {
            case: chunked ? "chunked" : "Content-Length",
            rssBeforeMB: Math.round(before),
            peakRssMB: Math.round(memoryOf(pid, "VmHWM")),
            answers: counts,
        };
    } finally {
        await nodeRed.stop();
        fs.rmSync(userDir, { recursive: true, force: true });
    }
}

(async () => {
    for (const chunked of [false, true]) {
        console.log(JSON.stringify(await measure(chunked)));
    }
})().catch((error) => {
    console.error(error);
    process.exitCode = 1;
});
