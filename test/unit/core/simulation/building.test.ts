// The simulated building of `alocity-webhook simulate`, as a pure function of its options: the same seed gives the
// same timeline, every request is one Alocity sends (and one the receiver would not drop as a repeat), and played
// through alocity-device-state's core with the node's default settings it raises every alarm but device.silent, each
// where the timeline says and nowhere else.
import assert from "assert";
import {
    MAX_DOOR_SECONDS,
    minimumSeconds,
    SIMULATION_DEFAULTS,
    simulateBuilding,
    simulatedDoors,
    type IncidentKind,
    type Simulation,
    type SimulationOptions,
} from "../../../../src/core/simulation/building";
import { parseDeviceStateConfig } from "../../../../src/core/device-state/config";
import type { DeviceRecord } from "../../../../src/core/device-state/record";
import { DeviceFleet, type DeviceUpdate } from "../../../../src/core/device-state/fleet";
import { identifyEvent } from "../../../../src/core/events/event-shapes";
import { fc, runs } from "../../../support/property";
import { alarmLine, assertAlarmsOfRun } from "../../../support/simulation";

/** When a run starts: not on a whole second, as a user's run would not. */
const START = 1_795_900_000_437;
/** How long a request takes to arrive. */
const DELAY = 40;

const defaults = (seed: string): SimulationOptions => ({
    doors: SIMULATION_DEFAULTS.doors,
    seconds: SIMULATION_DEFAULTS.seconds,
    holdOpenSeconds: SIMULATION_DEFAULTS.holdOpenSeconds,
    seed,
});

interface Played {
    /** Every alarm raised or cleared: "door.held-open ALO-SIM-03 raised". */
    alarms: string[];
    /** What the core told of events it could not read fully (values nobody listed, access logs without a result). */
    notices: string[];
    fleet: DeviceFleet;
}

/**
 * Plays a timeline through alocity-device-state's core as alocity-webhook-in hands it on (the event told from the
 * body's shape, the signed time in whole seconds), the node's timers served on time; then an hour more.
 */
function playThroughCore(simulation: Simulation, saved: Record<string, unknown>): Played {
    const fleet = new DeviceFleet(parseDeviceStateConfig(saved));
    const deadlines = new Map<string, number>();
    const played: Played = { alarms: [], notices: [], fleet };
    const apply = (update: DeviceUpdate) => {
        for (const { topic, payload } of update.alarms) played.alarms.push(alarmLine(topic, payload.serialNumber, payload.active));
        if (update.deadline === null) deadlines.delete(update.serialNumber);
        else deadlines.set(update.serialNumber, update.deadline);
    };
    const settleUntil = (now: number) => {
        for (;;) {
            const [serialNumber, deadline] = [...deadlines].sort((a, b) => a[1] - b[1])[0] ?? [];
            if (serialNumber === undefined || deadline > now) return;
            apply(fleet.due(serialNumber, deadline) ?? assert.fail(`a device ${serialNumber}`));
        }
    };
    for (const request of simulation.requests) {
        const now = START + request.at + DELAY;
        settleUntil(now);
        const { event, payload } = identifyEvent(request.body);
        const alocity = { event, timestamp: Math.floor((START + request.at) / 1000), receivedAt: now, inferred: true };
        const outcome = fleet.handle({ topic: event, payload, alocity }, now);
        assert.ok(outcome.kind === "device", `${JSON.stringify(request)}: ${outcome.kind}`);
        played.notices.push(...outcome.notices.map((notice) => `${request.serialNumber}: ${JSON.stringify(notice)}`));
        apply(outcome);
    }
    settleUntil(START + simulation.options.seconds * 1000 + 3_600_000);
    return played;
}

function incident(simulation: Simulation, kind: IncidentKind) {
    return simulation.incidents.find((each) => each.kind === kind) ?? assert.fail(`a ${kind} incident`);
}

/** Checks what must hold of every run: the doors, the requests, and the alarms the core raises for them. */
function assertRun(simulation: Simulation, nodeSettings: Record<string, unknown>, { heldOpenElsewhere = false } = {}): void {
    const { doors, requests, options } = simulation;
    assert.deepStrictEqual(doors, simulatedDoors(options.doors));
    // A health check from each door first, in order of serial number.
    assert.deepStrictEqual(
        requests.slice(0, doors.length).map((request) => [request.event, request.serialNumber]),
        doors.map((door) => ["door.healthcheck", door.serialNumber]),
    );
    const serials = new Set(doors.map((door) => door.serialNumber));
    const lastBody = new Map<string, number>();
    const ids = new Set<unknown>();
    requests.forEach((request, i) => {
        assert.ok(i === 0 || request.at >= requests[i - 1].at, "in time order");
        assert.ok(request.at >= 0 && request.at <= options.seconds * 1000 - 1000, `within the run, its last second quiet: ${request.at}`);
        assert.ok(serials.has(request.serialNumber) && request.body.serialNumber === request.serialNumber);
        assert.strictEqual(identifyEvent(request.body).event, request.event, "told from its shape as the event it is");
        // The same body twice within a second could be signed with the same t: the receiver would drop the second.
        const body = JSON.stringify(request.body);
        assert.ok(request.at - (lastBody.get(body) ?? -Infinity) >= 1000, `${body} again after ${request.at - lastBody.get(body)!} ms`);
        lastBody.set(body, request.at);
        if (request.event === "accesslog.created") {
            assert.ok(!ids.has(request.body.id), "each access log has an id of its own");
            ids.add(request.body.id);
        }
    });
    // The forced door never gets an unlock or a granted access.
    const forced = incident(simulation, "forced-open").serialNumber;
    const explains = (request: (typeof requests)[number]) => request.body.lockState === "Unlocked" || request.body.result === 0;
    assert.deepStrictEqual(
        requests.filter((request) => request.serialNumber === forced && explains(request)),
        [],
    );

    const played = playThroughCore(simulation, nodeSettings);
    assert.deepStrictEqual(played.notices, [], "every value is one the node's defaults list");
    assertAlarmsOfRun(played.alarms, simulation, { heldOpenElsewhere });
    const records = (played.fleet.get(undefined) as DeviceRecord[]).sort((a, b) => a.serialNumber.localeCompare(b.serialNumber));
    assert.deepStrictEqual(
        records.map((record) => [record.serialNumber, record.alarms, record.door, record.lock, record.connected, record.lockdown === true]),
        doors.map((door) => [door.serialNumber, [], "closed", "locked", true, false]),
        "the building is closed, locked, online and out of lockdown at the end",
    );
    const rang = incident(simulation, "doorbell").serialNumber;
    assert.deepStrictEqual(
        records.filter((record) => record.lastDoorbell !== null).map((record) => record.serialNumber),
        [rang],
    );
}

describe("the simulated building (alocity-webhook simulate)", function () {
    it("has doors ALO-SIM-01, ALO-SIM-02, ... with names", function () {
        assert.deepStrictEqual(simulatedDoors(3), [
            { serialNumber: "ALO-SIM-01", name: "Main entrance" },
            { serialNumber: "ALO-SIM-02", name: "Back door" },
            { serialNumber: "ALO-SIM-03", name: "Loading dock" },
        ]);
        assert.deepStrictEqual(simulatedDoors(120)[119], { serialNumber: "ALO-SIM-120", name: "Door 120" });
    });

    it("gives the same timeline for the same seed, and another for another seed", function () {
        assert.deepStrictEqual(simulateBuilding(defaults("lobby")), simulateBuilding(defaults("lobby")));
        const other = simulateBuilding(defaults("loading bay"));
        assert.notDeepStrictEqual(other.requests, simulateBuilding(defaults("lobby")).requests);
    });

    it("with the default options, raises every alarm but device.silent with the node's defaults, and with the demo's", function () {
        for (const seed of ["1", "2", "3", "demo", "12345"]) {
            const simulation = simulateBuilding(defaults(seed));
            assert.ok(simulation.requests.length > 100, `a lively building: ${simulation.requests.length} requests`);
            const held = incident(simulation, "held-open");
            assert.strictEqual(held.until - held.from, 75_000);
            assertRun(simulation, {});
            assertRun(simulation, {
                heldOpen: 30,
                devices: simulation.doors.map(({ serialNumber, name }) => ({ serial: serialNumber, name })),
            });
        }
    });

    /** Options of runs with 2 to 12 doors, a hold-open time in the range given, any length and any seed. */
    const anyRun = (holdOpen: { min: number; max: number }) =>
        fc
            .record({
                doors: fc.integer({ min: 2, max: 12 }),
                holdOpenSeconds: fc.integer(holdOpen),
                extra: fc.integer({ min: 0, max: 200 }),
                seed: fc.string(),
            })
            .map(({ extra, ...rest }): SimulationOptions => ({ ...rest, seconds: minimumSeconds(rest.holdOpenSeconds) + extra }));

    it("does so for any doors, length, hold-open time and seed, with a node held-open time between everyday openings and the hold", function () {
        fc.assert(
            fc.property(anyRun({ min: 6, max: 120 }), (chosen) => {
                const simulation = simulateBuilding(chosen);
                // Longer than any other door stays open (5 s for someone coming in, the forced door's at most 20 s).
                const heldOpen = Math.min(20.5, chosen.holdOpenSeconds - 0.5);
                const forced = incident(simulation, "forced-open");
                fc.pre(forced.until - forced.from < heldOpen * 1000);
                assertRun(simulation, { heldOpen });
            }),
            runs(60),
        );
    });

    it("and with hold-open times shorter than everyday openings, every alarm of the incidents, held-open also elsewhere", function () {
        fc.assert(
            fc.property(anyRun({ min: 1, max: 5 }), (chosen) => {
                assertRun(simulateBuilding(chosen), { heldOpen: chosen.holdOpenSeconds - 0.5 }, { heldOpenElsewhere: true });
            }),
            runs(40),
        );
    });

    it("refuses options it cannot play", function () {
        const bad: Partial<SimulationOptions>[] = [
            { doors: 1 },
            { doors: 1000 },
            { doors: 2.5 },
            { holdOpenSeconds: 0.5 },
            { seconds: minimumSeconds(75) - 1 },
            { seconds: 3601 },
            { doors: 200, seconds: MAX_DOOR_SECONDS / 200 + 1 },
        ];
        for (const options of bad) {
            assert.throws(() => simulateBuilding({ ...defaults("x"), ...options }), RangeError, JSON.stringify(options));
        }
        assert.strictEqual(minimumSeconds(75), 82);
        assert.doesNotThrow(() => simulateBuilding({ ...defaults("x"), seconds: 82 }));
    });
});
