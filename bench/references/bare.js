"use strict";
// Reference: a bare Node.js `http` server doing the same verification (the ceiling).
const http = require("http");
const { settings, decide, listen } = require("./common");

const { secret, path } = settings();
const LIMIT = 5 * 1024 * 1024;

const server = http.createServer((req, res) => {
    if (req.url !== path || req.method !== "POST") {
        req.resume();
        res.writeHead(req.url === path ? 405 : 404, { "Content-Type": "text/plain" }).end();
        return;
    }
    const chunks = [];
    let length = 0;
    req.on("data", (chunk) => {
        length += chunk.length;
        if (length > LIMIT) {
            res.writeHead(413, { "Content-Type": "text/plain", Connection: "close" }).end("Payload Too Large");
            req.destroy();
            return;
        }
        chunks.push(chunk);
    });
    req.on("end", () => {
        const answer = decide(secret, req.headers, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
        res.writeHead(answer.status, { "Content-Type": "text/plain; charset=utf-8" }).end(answer.body);
    });
});
listen(server);
