"use strict";
// Awaiting what a real Node-RED does in its own process: its log, a file it writes.

/**
 * Resolves with the first truthy value of `check()` (which may be async), polled until `timeoutMs`; rejects
 * with `describe()` then. Polling is the only way to hear of another process's output; the deadline is generous
 * (a loaded machine), and no test asserts how long anything took.
 */
async function eventually(check, describe, timeoutMs = 30000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = await check();
        if (value) return value;
        if (Date.now() > deadline) {
            throw new Error(`timed out waiting for ${typeof describe === "function" ? describe() : describe}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 25));
    }
}

/** Waits until the log of a Node-RED from startNodeRed has `text` after `from` (a log length taken before). */
function logShows(nodeRed, text, from = 0, timeoutMs) {
    return eventually(
        () => nodeRed.log.indexOf(text, from) >= 0,
        () => `"${text}" in the Node-RED log:\n${nodeRed.log.slice(from)}`,
        timeoutMs,
    );
}

/**
 * The lines of a Node-RED log that report an error ("[error]") or that nodes could not be made; with
 * `warnings`, also its warnings ("[warn]").
 */
function problemLines(log, { warnings = false } = {}) {
    const failure = /\[error\]|Waiting for missing types|Missing node modules/;
    const problem = warnings ? new RegExp(`\\[warn\\]|${failure.source}`) : failure;
    return log.split("\n").filter((line) => problem.test(line));
}

module.exports = { eventually, logShows, problemLines };
