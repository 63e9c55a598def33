"use strict";
// One HTTP request helper for the scripts, the benchmark and the tests (test/support/requests.ts types it).
const http = require("http");

/**
 * Sends one request and resolves with the whole answer, `{ status, headers, text }` (the body as UTF-8 text); rejects
 * when the connection fails or breaks before the answer is complete (an answer cut short by a reset is never handed
 * over as if it were whole).
 * @param {string} method
 * @param {string} url
 * @param {{ body?: string | Buffer | object, headers?: http.OutgoingHttpHeaders, agent?: http.Agent }} [options] `body`
 *   is sent as is (a string or bytes), or as JSON (anything else, with Content-Type: application/json)
 * @returns {Promise<{ status: number, headers: http.IncomingHttpHeaders, text: string }>}
 */
function request(method, url, { body, headers = {}, agent } = {}) {
    const isRaw = typeof body === "string" || Buffer.isBuffer(body);
    const data = body === undefined ? undefined : isRaw ? Buffer.from(body) : Buffer.from(JSON.stringify(body));
    return new Promise((resolve, reject) => {
        const req = http.request(
            url,
            {
                method,
                agent,
                headers: {
                    ...(data && !isRaw ? { "Content-Type": "application/json" } : {}),
                    ...(data ? { "Content-Length": data.length } : {}),
                    ...headers,
                },
            },
            (res) => {
                const chunks = [];
                res.on("data", (chunk) => chunks.push(chunk));
                res.on("error", reject);
                res.on("end", () =>
                    resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }),
                );
            },
        );
        req.on("error", reject);
        req.end(data);
    });
}

module.exports = { request };
