"use strict";
// An editor's comms connection to a real Node-RED, as the editor makes it: a websocket on <admin root>/comms,
// authenticated with an access token ({"auth": token}, answered {"auth": "ok"}), then subscribed to topics. Used by
// the tests (what a connected editor receives) and the benchmark (the cost of an editor attached).
const path = require("path");

// ws as Node-RED's editor API uses it (a dependency of node-red, the devDependency).
const WebSocket = require(require.resolve("ws", { paths: [path.dirname(require.resolve("@node-red/editor-api"))] }));

/**
 * Connects; resolves once the runtime counts the connection (authenticated, when a token is given) and the topics are
 * subscribed to. `onMessage(topic, data)` is called for each message; `frames` keeps every frame as received (text).
 * @param {string} url the editor's URL, e.g. http://127.0.0.1:1880
 * @param {{ token?: string, topics?: string[], onMessage?: (topic: string, data: unknown) => void, timeoutMs?: number }} [options]
 */
function connectComms(url, { token, topics = [], onMessage = () => {}, timeoutMs = 15000 } = {}) {
    const ws = new WebSocket(url.replace(/^http/, "ws").replace(/\/?$/, "/comms"));
    const frames = [];
    const connection = {
        frames,
        /** Every message received, in order. */
        messages: [],
        close() {
            return new Promise((resolve) => {
                if (ws.readyState === WebSocket.CLOSED) return resolve();
                ws.once("close", () => resolve());
                ws.close();
            });
        },
    };
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            ws.terminate();
            reject(new Error(`the comms connection to ${url} was not ready within ${timeoutMs} ms`));
        }, timeoutMs);
        const ready = () => {
            clearTimeout(timer);
            for (const topic of topics) ws.send(JSON.stringify({ subscribe: topic }));
            resolve(connection);
        };
        ws.on("error", (error) => {
            clearTimeout(timer);
            reject(error);
        });
        ws.on("open", () => {
            if (token) ws.send(JSON.stringify({ auth: token }));
            else ready();
        });
        ws.on("message", (data) => {
            const text = data.toString();
            frames.push(text);
            const parsed = JSON.parse(text);
            if (!Array.isArray(parsed)) {
                if (parsed.auth === "ok") return ready();
                clearTimeout(timer);
                return reject(new Error(`the comms connection to ${url} was refused: ${text}`));
            }
            for (const { topic, data: payload } of parsed) {
                connection.messages.push({ topic, data: payload });
                onMessage(topic, payload);
            }
        });
    });
}

module.exports = { connectComms };
