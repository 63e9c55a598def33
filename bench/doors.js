"use strict";
// The Doors sidebar, with the devices target: what its feed costs the webhook (a Node-RED with adminAuth, of its own)
// and its speed in chromium.
const { doorsFeedReport } = require("./doors-feed");
const { doorsSidebarReport } = require("./doors-sidebar");
const { DEVICES } = require("./options");
const { mergeReports } = require("./report");

async function doorsReport(session, summary) {
    if (!summary.devices) return { lines: [], checks: [], figures: {} };
    const { rounds, duration, warmup, connections } = session.shape;
    return mergeReports([
        await doorsFeedReport({ secret: session.secret, devices: DEVICES, rounds: Math.max(rounds, 4), duration, warmup, connections }),
        await doorsSidebarReport(),
    ]);
}

module.exports = { doorsReport };
