#!/usr/bin/env node
"use strict";
// `npm run bench [-- options]` (see options.js): our endpoint against the flow users build by hand today, plain
// express and bare Node.js, side by side in one run, then alocity-device-state, the Doors sidebar and a republish of
// alocity-home-assistant at 10,000 devices, and a cluster of two instances on one Redis beside one instance (cluster.js).
// Not a test: it measures and reports, and never fails on speed.
const { clusterReport } = require("./cluster");
const { deviceStateReport, deviceStateRounds } = require("./device-state");
const { doorsReport } = require("./doors");
const { homeAssistantReport } = require("./home-assistant-republish");
const { parseOptions } = require("./options");
const { printProfile } = require("./profile");
const { oursReport, receiverRounds } = require("./receivers");
const { printEnd, printReport, printStart, writeResults } = require("./report");
const { Session } = require("./session");
const { printSummary } = require("./summary");

async function main() {
    const session = new Session(parseOptions(process.argv.slice(2)));
    printStart(session);
    let clusterFigures;
    const rss = await session.underLoad(async () => {
        const oursRss = await receiverRounds(session);
        await deviceStateRounds(session);
        // With the fleet's targets: the cluster runs alocity-device-state too.
        if (session.targets({ fleet: true }).length > 0) clusterFigures = await clusterReport(session);
        return oursRss;
    });
    const { summary, ratios, cpuRatios } = printSummary(session);
    const { deliveryMemory } = printReport(session, oursReport(session, summary, rss));
    const deviceState = printReport(session, await deviceStateReport(session, summary));
    const doors = printReport(session, await doorsReport(session, summary));
    const homeAssistant = printReport(session, homeAssistantReport());
    const cluster = clusterFigures === undefined ? undefined : printReport(session, clusterFigures);
    const loadAfter = printEnd(session);
    const profile = printProfile(session);
    writeResults(session, {
        loadAfter,
        summary,
        ratios,
        cpuRatios,
        rss,
        deliveryMemory,
        deviceState,
        doors,
        homeAssistant,
        cluster,
        profile,
    });
}

main().then(
    () => process.exit(0),
    (error) => {
        console.error(`bench: ${error.stack || error.message}`);
        process.exit(1);
    },
);
