"use strict";
// What the load phases share: a target checked before it is measured, driven with the server's CPU read from /proc,
// and rounds in which every target runs once, in an order that rotates, so that none always runs first or last.
const { request } = require("../scripts/http-request");
const { drive, nextSignedEvent, processCpuSeconds } = require("./load");
const { TARGETS, DEVICES } = require("./options");

/**
 * Drives one target for `duration` seconds, or `amount` requests, on its path or another; the fleet's targets are fed
 * the fleet's events. Adds the server's CPU seconds meanwhile (undefined where /proc is missing).
 */
async function driveTarget(session, name, { duration, path = TARGETS[name].path, amount } = {}) {
    const { port, pid } = session.endpoints[name];
    const cpuBefore = processCpuSeconds(pid);
    const result = await drive({
        port,
        path,
        secret: session.secret,
        connections: session.shape.connections,
        duration,
        amount,
        devices: TARGETS[name].fleet ? DEVICES : undefined,
    });
    const cpuAfter = processCpuSeconds(pid);
    result.serverCpuSeconds = cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore;
    return result;
}

/** The server's CPU per request of one run, in microseconds. */
function cpuMicrosPerRequest(run) {
    return run.serverCpuSeconds === undefined ? undefined : (1e6 * run.serverCpuSeconds) / run.requests;
}

/**
 * One signed event must be accepted and one with a wrong signature refused, or the numbers mean nothing. Node-RED's
 * log counts from after the refused one.
 */
async function checkTargets(session, names, nodeRed) {
    for (const name of names) {
        const url = `http://127.0.0.1:${session.endpoints[name].port}${TARGETS[name].path}`;
        const good = nextSignedEvent(session.secret);
        const accepted = await request("POST", url, { body: good.body, headers: { "Alocity-Signature": good.header } });
        const bad = nextSignedEvent(session.secret);
        const refused = await request("POST", url, {
            body: bad.body,
            headers: { "Alocity-Signature": nextSignedEvent("wrong-secret").header },
        });
        if (accepted.status !== 200 || refused.status !== 401) {
            throw new Error(
                `${name} at ${url}: a signed event got ${accepted.status} (want 200), a wrongly signed one ${refused.status} (want 401)`,
            );
        }
    }
    if (nodeRed) session.watchLog(nodeRed);
}

/** The rounds, within the time budget; `afterRun(name, result, round)` sees each run. */
async function playRounds(session, names, afterRun = () => {}) {
    const { shape } = session;
    for (let round = 0; round < shape.rounds && !session.interrupted; round++) {
        if (Date.now() > session.deadline) {
            console.log(`bench: time budget spent, stopping after ${round} rounds`);
            break;
        }
        const order = names.map((_, i) => names[(i + round) % names.length]);
        const line = [];
        for (const name of order) {
            const result = await driveTarget(session, name, { duration: shape.duration });
            session.runs[name].push({ round: round + 1, ...result });
            line.push(`${name} ${Math.round(result.requestsPerSecond)}/s`);
            afterRun(name, result, round + 1);
        }
        console.log(`round ${round + 1}/${shape.rounds}: ${line.join(", ")}`);
    }
}

module.exports = { driveTarget, cpuMicrosPerRequest, checkTargets, playRounds };
