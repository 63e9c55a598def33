"use strict";
// The receivers compared: ours (alocity-webhook-in -> alocity-event-switch) and the flow users build by hand today, in
// one Node-RED, against plain express and bare Node.js doing the same verification, each in a process of its own.
const { receiverFlows } = require("./flows");
const { deliveryMemoryReport } = require("./delivery-memory");
const { median } = require("./load");
const { TARGETS } = require("./options");
const { RssOverTime, topUp, oursOverTimeReport } = require("./ours-over-time");
const { mergeReports } = require("./report");
const { checkTargets, cpuMicrosPerRequest, driveTarget, playRounds } = require("./rounds");

async function startNodeRed(session) {
    const nodeRed = await session.startNodeRed("Node-RED", []);
    await nodeRed.deploy(receiverFlows(session.secret));
    for (const name of ["ours", "hand-rolled"]) session.endpoints[name] = { port: nodeRed.port, pid: nodeRed.process.pid };
    return nodeRed;
}

/** Their rounds, after a warm-up each; returns Node-RED's RSS as ours accepted events. */
async function receiverRounds(session) {
    const names = session.targets({ fleet: false });
    if (names.length === 0) return [];
    const nodeRed = names.includes("ours") || names.includes("hand-rolled") ? await startNodeRed(session) : undefined;
    for (const name of ["express", "bare"].filter((reference) => names.includes(reference))) {
        session.endpoints[name] = await session.startReference(name);
    }
    await checkTargets(session, names, nodeRed);
    // Ours has accepted the check's signed event.
    const rss = names.includes("ours") ? new RssOverTime(nodeRed.process.pid, 1) : undefined;
    // Not recorded: lets the JIT settle. Ours warms up on a path of its own (same code, its own delivery memory), so that
    // the measured path's delivery memory starts empty: round 1 fills it, later rounds run at its cap.
    for (const name of names) {
        const warm = await driveTarget(session, name, { duration: session.shape.warmup, path: TARGETS[name].warmupPath });
        if (name === "ours") rss.accept(warm.accepted);
    }
    rss?.sample("warm-up");
    await playRounds(session, names, (name, result, round) => {
        if (name !== "ours") return;
        rss.accept(result.accepted);
        rss.sample(`round ${round}`);
    });
    if (!rss) return [];
    await topUp(session, rss);
    return rss.samples;
}

/**
 * Ours and hand-rolled run back to back in each round: the ratio of each round's pair cancels most of the drift of a
 * shared machine; the targets are judged on the median of the rounds' ratios.
 */
function againstHandRolled(session) {
    const ours = session.runs.ours;
    const hand = session.runs["hand-rolled"];
    if (hand.length !== ours.length || hand.length === 0) return [];
    const rateRatios = ours.map((run, i) => run.requestsPerSecond / hand[i].requestsPerSecond);
    const cpuRatios = ours.map((run, i) => cpuMicrosPerRequest(hand[i]) / cpuMicrosPerRequest(run));
    const perRound = (values) => `median of the rounds' ${values.map((v) => v.toFixed(2)).join(", ")}`;
    const checks = [
        ["ours >= 1.5x hand-rolled (req/s)", median(rateRatios) >= 1.5, `${median(rateRatios).toFixed(2)}x (${perRound(rateRatios)})`],
    ];
    if (cpuRatios.every((ratio) => Number.isFinite(ratio))) {
        checks.push([
            "ours >= 2x hand-rolled by server CPU per request",
            median(cpuRatios) >= 2,
            `${median(cpuRatios).toFixed(2)}x (${perRound(cpuRatios)})`,
        ]);
    }
    return checks;
}

/** Where ours ran: ours against hand-rolled, ours over time, and the delivery memory's own cost. */
function oursReport(session, summary, rss) {
    if (!summary.ours) return { lines: [], checks: [], figures: {} };
    return mergeReports([
        { lines: [], checks: againstHandRolled(session), figures: {} },
        oursOverTimeReport(session, rss),
        deliveryMemoryReport(),
    ]);
}

module.exports = { receiverRounds, oursReport };
