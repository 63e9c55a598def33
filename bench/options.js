"use strict";
// What `npm run bench [-- options]` can be asked:
//   --quick            a short run (about two minutes, build included): what CI runs; the republish of
//                      alocity-home-assistant at 10,000 devices (home-assistant-republish.js) runs in every mode
//   --profile          start Node-RED with --cpu-prof and print where its time went (numbers are then perturbed)
//   --targets a,b      only some of: ours, hand-rolled, express, bare, webhook, devices, devices-file (the last three:
//                      alocity-device-state at 10,000 devices; see device-state.js; with devices, the Doors sidebar's
//                      feed and its speed in chromium are measured too: doors.js)
//   --rounds N  --duration S  --connections N   override the run's shape
// Also the fleet the last three targets are fed: DEVICES door controllers. With any of those three, a cluster of two
// instances on one redis-server is measured beside one instance (cluster.js).

const TARGETS = {
    ours: { label: "ours: alocity-webhook-in -> alocity-event-switch", path: "/bench/ours", warmupPath: "/bench/ours-warmup" },
    "hand-rolled": { label: "hand-rolled: http in -> function (crypto) -> switch -> http response", path: "/bench/hand-rolled" },
    express: { label: "express: express.raw + same verify", path: "/alocity" },
    bare: { label: "bare: node:http + same verify", path: "/alocity" },
    // Fed the events of a fleet of DEVICES door controllers, after one event from each (see load.js deviceEvent).
    webhook: {
        label: "webhook: alocity-webhook-in -> junction (each message delivered, nothing done)",
        path: "/bench/webhook",
        fleet: true,
    },
    devices: { label: "devices: alocity-webhook-in -> alocity-device-state (memory store)", path: "/bench/devices", fleet: true },
    "devices-file": {
        label: "devices-file: alocity-webhook-in -> alocity-device-state (localfilesystem store)",
        path: "/bench/devices-file",
        fleet: true,
    },
};

const DEVICES = 10_000;

const SHAPES = {
    full: { rounds: 5, duration: 10, warmup: 3, connections: 10, acceptedForRss: 100_000, budgetSeconds: 15 * 60 },
    quick: { rounds: 2, duration: 3, warmup: 1, connections: 10, acceptedForRss: 10_000, budgetSeconds: 90 },
};

function parseOptions(argv) {
    const options = { quick: false, profile: false, targets: Object.keys(TARGETS) };
    const overrides = {};
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        const value = () => {
            const v = argv[++i];
            if (v === undefined) throw new Error(`${arg} needs a value`);
            return v;
        };
        if (arg === "--quick") options.quick = true;
        else if (arg === "--profile") options.profile = true;
        else if (arg === "--targets")
            options.targets = value()
                .split(",")
                .map((t) => t.trim())
                .filter(Boolean);
        else if (arg === "--rounds") overrides.rounds = positiveInteger(arg, value(), 50);
        else if (arg === "--duration") overrides.duration = positiveInteger(arg, value(), 120);
        else if (arg === "--connections") overrides.connections = positiveInteger(arg, value(), 1000);
        else throw new Error(`unknown option ${arg}`);
    }
    for (const target of options.targets) {
        if (!TARGETS[target]) throw new Error(`unknown target ${target}; known: ${Object.keys(TARGETS).join(", ")}`);
    }
    options.shape = { ...(options.quick ? SHAPES.quick : SHAPES.full), ...overrides };
    return options;
}

function positiveInteger(name, text, max) {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new Error(`${name} must be a whole number from 1 to ${max}`);
    return n;
}

module.exports = { parseOptions, TARGETS, DEVICES };
