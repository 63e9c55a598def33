/**
 * A simulated building for `alocity-webhook simulate`: N doors (ALO-SIM-01, ALO-SIM-02, ...) and what they report over
 * a run, as a timeline of Alocity events. Health checks and the doors' states first, then people coming in, denied
 * attempts and, in every run, one of each incident alocity-device-state raises an alarm for: a door held open, a door
 * forced open (it never gets an unlock or a granted access), a controller offline and back, a lockdown started and
 * ended, and a doorbell. Pure: the same options give the same timeline. Knows nothing of Node-RED or HTTP.
 */
import { seededRandom, type SeededRandom } from "./seeded-random";
import { HELD_LOCK_MS, HELD_OPEN_MS, Timeline, type Episode, type Incident, type SimulatedDoor, type SimulatedRequest } from "./traffic";

export { INCIDENT_ALARMS, type Incident, type IncidentKind, type SimulatedDoor, type SimulatedRequest } from "./traffic";

export interface SimulationOptions {
    doors: number;
    seconds: number;
    /** How long the held-open door stays open. */
    holdOpenSeconds: number;
    seed: string;
}

export const SIMULATION_DEFAULTS = { doors: 6, seconds: 120, holdOpenSeconds: 75 } as const;
export const MIN_DOORS = 2;
export const MAX_DOORS = 999;
export const MAX_SECONDS = 3600;
/** Doors times seconds: about 90,000 requests, some 35 MB of timeline (100 doors for an hour, 999 for 6 minutes). */
export const MAX_DOOR_SECONDS = 360_000;

export interface Simulation {
    options: SimulationOptions;
    doors: SimulatedDoor[];
    /** By start. */
    incidents: Incident[];
    /** By time; requests at the same time in the order they must be sent. */
    requests: SimulatedRequest[];
}

/** Health checks in the first second, the doors' lock and door states in the next, nothing of anyone else's in the third. */
const HEALTH_CHECKS_MS = 1000;
const STATES_MS = 1000;
const FIRST_EPISODE_MS = 3000;
/** The last second of a run is left quiet: everything has happened when it ends. */
const LAST_QUIET_MS = 1000;
/** Between an incident and anyone else's traffic at the same door. */
const MARGIN_MS = 1000;

/** The shortest run (whole seconds) that holds a door open for `holdOpenSeconds` after every door's first reports. */
export function minimumSeconds(holdOpenSeconds: number): number {
    return Math.ceil((FIRST_EPISODE_MS + HELD_OPEN_MS + holdOpenSeconds * 1000 + HELD_LOCK_MS + LAST_QUIET_MS) / 1000);
}

const DOOR_NAMES = [
    "Main entrance",
    "Back door",
    "Loading dock",
    "Server room",
    "Staff entrance",
    "Car park gate",
    "Reception",
    "Stairwell B",
    "Roof access",
    "Storeroom",
    "Lab",
    "Garden gate",
];

/** The simulated doors' serial numbers and names, as a device-state node's `devices` list would name them. */
export function simulatedDoors(count: number): SimulatedDoor[] {
    return Array.from({ length: count }, (_, i) => ({
        serialNumber: `ALO-SIM-${String(i + 1).padStart(2, "0")}`,
        name: DOOR_NAMES[i] ?? `Door ${i + 1}`,
    }));
}

/** Places a door's episodes one after the other, in a random order with random gaps, within [from, to]. */
function placeInOrder(random: SeededRandom, episodes: Episode[], from: number, to: number): Array<{ start: number; end: number }> {
    const ordered = random.shuffled(episodes);
    const slack = to - from - ordered.reduce((sum, episode) => sum + episode.duration, 0);
    const weights = Array.from({ length: ordered.length + 1 }, () => random.next());
    const total = weights.reduce((sum, weight) => sum + weight, 0);
    let cursor = from;
    return ordered.map((episode, i) => {
        cursor += (slack * weights[i]) / total;
        const start = cursor;
        episode.place(start);
        cursor += episode.duration;
        return { start, end: cursor };
    });
}

/** A door's everyday traffic in the time its incidents leave free. */
function fillWithTraffic(
    timeline: Timeline,
    door: SimulatedDoor,
    busy: Array<{ start: number; end: number }>,
    onlyDenied: boolean,
    to: number,
): void {
    const { random } = timeline;
    let cursor = FIRST_EPISODE_MS + random.between(0, 8000);
    while (cursor < to) {
        const episode = onlyDenied || random.next() < 0.2 ? timeline.denied(door) : timeline.entry(door);
        const end = cursor + episode.duration;
        const blocking = busy.find((stretch) => stretch.start - MARGIN_MS < end && stretch.end + MARGIN_MS > cursor);
        if (blocking !== undefined) {
            cursor = blocking.end + MARGIN_MS;
            continue;
        }
        if (end > to) break;
        episode.place(cursor);
        cursor = end + random.between(3000, 20000);
    }
}

/** Throws a RangeError for options `alocity-webhook simulate` refuses (it says why in the user's terms first). */
function checkOptions({ doors, seconds, holdOpenSeconds }: SimulationOptions): void {
    if (!Number.isInteger(doors) || doors < MIN_DOORS || doors > MAX_DOORS)
        throw new RangeError(`doors must be a whole number from ${MIN_DOORS} to ${MAX_DOORS}`);
    if (!(holdOpenSeconds >= 1)) throw new RangeError("holdOpenSeconds must be at least 1");
    if (!(seconds >= minimumSeconds(holdOpenSeconds)) || seconds > MAX_SECONDS) {
        throw new RangeError(`seconds must be from ${minimumSeconds(holdOpenSeconds)} to ${MAX_SECONDS}`);
    }
    if (doors * seconds > MAX_DOOR_SECONDS) throw new RangeError(`doors times seconds must be at most ${MAX_DOOR_SECONDS}`);
}

/** The building's timeline for a run. */
export function simulateBuilding(options: SimulationOptions): Simulation {
    checkOptions(options);
    const random = seededRandom(options.seed);
    const timeline = new Timeline(random);
    const doors = simulatedDoors(options.doors);
    const addresses = doors.map((_, i) => `10.20.${4 + Math.floor(i / 200)}.${20 + (i % 200)}`);

    doors.forEach((door, i) => timeline.health((i * HEALTH_CHECKS_MS) / doors.length, door, addresses[i]));
    doors.forEach((door, i) => {
        const at = HEALTH_CHECKS_MS + (i * STATES_MS) / doors.length;
        timeline.lock(at, door, "Locked");
        timeline.door(at, door, "Closed");
    });

    const to = options.seconds * 1000 - LAST_QUIET_MS;
    const window = to - FIRST_EPISODE_MS;
    const order = random.shuffled(doors.map((_, i) => i));
    const held = order[0];
    const forced = order[1];
    // The incidents that take time go to doors other than the held-open one, the forced door first: at most 55% of
    // the window falls to one door (two doors: all of them at the forced door).
    const others = order.slice(1);
    const offline = others[1 % others.length];
    const lockdown = others[2 % others.length];
    const doorbell = others[3 % others.length];
    const episodes: Episode[][] = doors.map(() => []);
    episodes[held].push(timeline.heldOpen(doors[held], options.holdOpenSeconds * 1000));
    episodes[forced].push(timeline.forcedOpen(doors[forced], Math.min(20000, 0.15 * window)));
    episodes[offline].push(timeline.offline(doors[offline], Math.min(30000, 0.2 * window), addresses[offline]));
    episodes[lockdown].push(timeline.lockdown(doors[lockdown], Math.min(30000, 0.2 * window)));
    episodes[doorbell].push(timeline.doorbell(doors[doorbell], doorbell === forced ? 0 : Math.min(10000, 0.1 * window)));

    doors.forEach((door, i) => {
        const busy = placeInOrder(random, episodes[i], FIRST_EPISODE_MS, to);
        fillWithTraffic(timeline, door, busy, i === forced, to);
    });

    const requests = timeline.requests.sort((a, b) => a.at - b.at || a.order - b.order).map(({ order: _order, ...request }) => request);
    const incidents = timeline.incidents.sort((a, b) => a.from - b.from);
    return { options: { ...options }, doors, incidents, requests };
}
