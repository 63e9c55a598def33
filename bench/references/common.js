"use strict";
// What both reference servers do with a request once they hold its raw body: the package's own verification and
// body parsing (from dist/, the code alocity-webhook-in runs), so that the references differ from our node only in
// transport. Each reference runs in a process of its own, started by bench/run.js:
//   node bench/references/<name>.js   (environment: BENCH_SECRET, BENCH_PATH)
// It listens on 127.0.0.1 on a free port and prints one line `{"port": N}` when ready.
const path = require("path");
const { verify, parseEventBody } = require(path.join(__dirname, "..", "..", "dist", "src", "index.js"));

const SIGNATURE_HEADER = "alocity-signature";
const TOLERANCE_SECONDS = 300;

function settings() {
    const secret = process.env.BENCH_SECRET;
    if (!secret) {
        throw new Error("BENCH_SECRET is not set");
    }
    return { secret, path: process.env.BENCH_PATH || "/alocity" };
}

/** Decides one request: `{status, body}` as alocity-webhook-in would answer it (without the delivery memory). */
function decide(secret, headers, rawBody) {
    const verdict = verify(headers[SIGNATURE_HEADER], rawBody, [secret], { tolerance: TOLERANCE_SECONDS });
    if (!verdict.ok) {
        return { status: 401, body: "Unauthorized" };
    }
    const parsed = parseEventBody(rawBody);
    if (!parsed.ok) {
        return { status: 400, body: "Bad Request" };
    }
    return { status: 200, body: "OK" };
}

/** Listens on a free loopback port and tells the parent which; exits on SIGINT/SIGTERM or when stdin closes. */
function listen(server) {
    server.listen(0, "127.0.0.1", () => {
        process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
    });
    const stop = () => server.close(() => process.exit(0));
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
    // If the bench dies without stopping us, the pipe closes: go too.
    process.stdin.on("end", () => process.exit(0));
    process.stdin.resume();
}

module.exports = { settings, decide, listen };
