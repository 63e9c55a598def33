/**
 * `alocity-webhook simulate`: plays a simulated building (src/core/simulation/building.ts) in real time, each event signed as
 * Alocity signs it and POSTed to a webhook URL, one line printed per request as it is answered.
 */
import { randomInt } from "crypto";
import {
    INCIDENT_ALARMS,
    MAX_DOOR_SECONDS,
    MAX_DOORS,
    MAX_SECONDS,
    MIN_DOORS,
    minimumSeconds,
    SIMULATION_DEFAULTS,
    simulateBuilding,
    type Incident,
    type Simulation,
    type SimulatedRequest,
} from "../core/simulation/building";
import { sign } from "../core/webhook/signature";
import { clockTime } from "../core/shared/clock";
import { timerDelay } from "../core/shared/timers";
import { packageVersion, PROGRAM, secretOf, UsageError, webhookUrlOf, type Io, type Values } from "./command-line";
import { HINTS, post, type Answer } from "./delivery";

export const SIMULATE_USAGE = `simulate:  alocity-webhook simulate --url URL [--doors N] [--for SECONDS] [--hold-open SECONDS] [--seed S]
  Plays a building of N doors (ALO-SIM-01, ALO-SIM-02, ...) in real time: health checks, then people
  coming in and denied attempts, and in every run a door held open, a door forced open, a controller
  offline and back, a doorbell, and a lockdown started and ended. One line per request. Its events
  are shaped as send's samples are (the access logs and door and lock values: this package's model).
  --doors N           how many doors, ${MIN_DOORS} to ${MAX_DOORS} (default ${SIMULATION_DEFAULTS.doors})
  --for SECONDS       how long the run lasts (default ${SIMULATION_DEFAULTS.seconds}), at most ${MAX_SECONDS}, and doors times
                      seconds at most ${MAX_DOOR_SECONDS}
  --hold-open SECONDS how long one door stays open (default ${SIMULATION_DEFAULTS.holdOpenSeconds}: past alocity-device-state's
                      60); --for must be at least 7 s more
  --seed S            the same seed plays the same sequence (default: a new one, printed)
  The secret as for send.
`;

/** The options of the command, as given. */
interface SimulateValues {
    doors?: string;
    for?: string;
    "hold-open"?: string;
    seed?: string;
}

const WHOLE = /^[0-9]{1,6}$/;
const SECONDS = /^[0-9]{1,6}(\.[0-9]{1,3})?$/;

/** The run the options ask for; or, when they ask for one that cannot be made, what is wrong in the user's terms. */
function simulationOf(values: SimulateValues): { simulation: Simulation } | { problem: string } {
    const doors = values.doors ?? String(SIMULATION_DEFAULTS.doors);
    if (!WHOLE.test(doors) || Number(doors) < MIN_DOORS || Number(doors) > MAX_DOORS) {
        return {
            problem: `--doors must be a whole number from ${MIN_DOORS} to ${MAX_DOORS} (one door is held open, another forced open); got "${doors}"`,
        };
    }
    const holdOpen = values["hold-open"] ?? String(SIMULATION_DEFAULTS.holdOpenSeconds);
    if (!SECONDS.test(holdOpen) || Number(holdOpen) < 1) {
        return { problem: `--hold-open must be a number of seconds, at least 1; got "${holdOpen}"` };
    }
    const seconds = values.for ?? String(SIMULATION_DEFAULTS.seconds);
    if (!SECONDS.test(seconds) || Number(seconds) <= 0 || Number(seconds) > MAX_SECONDS) {
        return { problem: `--for must be a number of seconds, at most ${MAX_SECONDS}; got "${seconds}"` };
    }
    const minimum = minimumSeconds(Number(holdOpen));
    if (Number(seconds) < minimum) {
        const given = values.for === undefined ? `${seconds} (the default)` : seconds;
        return {
            problem: `--for ${given} is too short to hold a door open for ${holdOpen} s (--hold-open): give --for ${minimum} or more, or a shorter --hold-open`,
        };
    }
    if (Number(doors) * Number(seconds) > MAX_DOOR_SECONDS) {
        const most = Math.floor(MAX_DOOR_SECONDS / Number(doors));
        return {
            problem: `${doors} doors for ${seconds} s is more than one run plays (doors times seconds at most ${MAX_DOOR_SECONDS}): give --for ${most} or less, or fewer --doors`,
        };
    }
    if (values.seed === "") {
        return { problem: "--seed is empty: give any text or number, or leave it out for a new one" };
    }
    const seed = values.seed ?? String(randomInt(1, 1_000_000));
    return { simulation: simulateBuilding({ doors: Number(doors), seconds: Number(seconds), holdOpenSeconds: Number(holdOpen), seed }) };
}

/** What playing needs from the command: where and how to send, and where to write. */
interface Player {
    url: URL;
    secret: string;
    out: NodeJS.WritableStream;
    err: NodeJS.WritableStream;
    /** POSTs a body with these headers; rejects (with a message for a person) when there is no answer. */
    post(body: Buffer, headers: Record<string, string>): Promise<Answer>;
    /** What to tell the user about an answer with this status, if anything. */
    hint(status: number): string | undefined;
    userAgent: string;
}

const INCIDENTS: Record<Incident["kind"], (incident: Incident, clock: (offset: number) => string) => string> = {
    "held-open": ({ from, until }, clock) => `held open for ${(until - from) / 1000} s, until ${clock(until)}`,
    "forced-open": ({ until }, clock) => `forced open (no unlock, no access granted), closed at ${clock(until)}`,
    offline: ({ until }, clock) => `controller offline, back at ${clock(until)}`,
    lockdown: ({ until }, clock) => `lockdown, ended at ${clock(until)}`,
    doorbell: () => "doorbell",
};

/** An answer as a line shows it; a repeat the receiver did not emit again (a 2xx all the same) says so. */
function statusOf(answer: Answer): string {
    const status = `${answer.status} ${answer.statusText}`.trim();
    return answer.delivery === "duplicate" ? `${status}, a repeat not emitted` : status;
}

function isAccepted(outcome: Answer | string): boolean {
    return typeof outcome !== "string" && outcome.status >= 200 && outcome.status < 300 && outcome.delivery !== "duplicate";
}

/** Waits until the clock reads `epochMs` (beyond a timer's longest delay, in steps). */
function until(epochMs: number): Promise<void> {
    const wait = epochMs - Date.now();
    return wait > 0 ? new Promise<void>((resolve) => setTimeout(resolve, timerDelay(wait))).then(() => until(epochMs)) : Promise.resolve();
}

/**
 * Signs each body with the current second, never the same body twice in one second: the receiver would drop the
 * second as a repeat of the first (same `t`, same signature). Requests that fall behind (a slow answer) wait for the
 * next second rather than be lost.
 */
export class Signer {
    private second = -1;
    private readonly sentThisSecond = new Set<string>();

    constructor(private readonly secret: string) {}

    async header(body: Buffer): Promise<string> {
        let now = Date.now();
        if (Math.floor(now / 1000) === this.second && this.sentThisSecond.has(body.toString("utf8"))) {
            await until((this.second + 1) * 1000);
            now = Math.max(Date.now(), (this.second + 1) * 1000);
        }
        const second = Math.floor(now / 1000);
        if (second !== this.second) {
            this.second = second;
            this.sentThisSecond.clear();
        }
        this.sentThisSecond.add(body.toString("utf8"));
        return sign(this.secret, body, second);
    }
}

/** The `simulate` command: the run its options ask for, played against the webhook URL. */
export async function simulate(values: Values, io: Io): Promise<number> {
    const url = webhookUrlOf(values, "simulate");
    const run = simulationOf(values);
    if ("problem" in run) {
        throw new UsageError(run.problem);
    }
    return playSimulation(run.simulation, {
        url,
        secret: await secretOf(values, io),
        out: io.stdout,
        err: io.stderr,
        post: (body, headers) => post(url, body, headers),
        hint: (status) => HINTS[status],
        userAgent: `${PROGRAM}/${packageVersion()}`,
    });
}

/** Plays the run; resolves with the exit status: 0 when every request was accepted (2xx, no repeat), else 1 (with a summary). */
async function playSimulation(simulation: Simulation, player: Player): Promise<number> {
    const { out, err } = player;
    const { doors, incidents, requests, options } = simulation;
    const start = Date.now();
    const clock = (offset: number) => clockTime(start + offset);
    const nameOf = new Map(doors.map((door) => [door.serialNumber, door.name]));
    out.write(
        `Simulating ${doors.length} doors (${doors[0].serialNumber} to ${doors[doors.length - 1].serialNumber}) for ${options.seconds} s, ` +
            `seed ${options.seed} (--seed ${options.seed} plays it again): ${requests.length} requests to ${player.url.href}\n`,
    );
    for (const incident of incidents) {
        const alarm = INCIDENT_ALARMS[incident.kind];
        const what = `${INCIDENTS[incident.kind](incident, clock)}${alarm === null ? "" : ` (${alarm})`}`;
        out.write(`  ${clock(incident.from)}  ${incident.serialNumber} (${nameOf.get(incident.serialNumber)}): ${what}\n`);
    }
    const width = {
        serial: doors.reduce((widest, door) => Math.max(widest, door.serialNumber.length), 0),
        reports: requests.reduce((widest, request) => Math.max(widest, request.reports.length), 0),
    };
    const signer = new Signer(player.secret);
    /** The requests not accepted: how many, by answer ("401 Unauthorized", "no answer"). */
    const failures = new Map<string, number>();
    const hints = new Set<string>();
    let sent = 0;
    for (const request of requests) {
        await until(start + request.at);
        const outcome = await send(request, player, signer);
        sent++;
        const status = typeof outcome === "string" ? `error: ${outcome}` : statusOf(outcome);
        const note = request.note === undefined ? "" : `  ${request.note}`;
        out.write(
            `${clockTime(Date.now())}  ${request.serialNumber.padEnd(width.serial)}  ${request.event.padEnd(17)}  ` +
                `${request.reports.padEnd(width.reports)}  ${status}${note}\n`,
        );
        if (isAccepted(outcome)) continue;
        const kind = typeof outcome === "string" ? "no answer" : statusOf(outcome);
        failures.set(kind, (failures.get(kind) ?? 0) + 1);
        const hint = typeof outcome === "string" ? undefined : player.hint(outcome.status);
        if (hint !== undefined) hints.add(hint);
        if (sent === 1) {
            // Whatever is wrong (the receiver, its URL, the secret) is wrong for every request that would follow.
            err.write(
                `alocity-webhook: stopped: the first request got ${typeof outcome === "string" ? outcome : `the answer ${status}`}\n`,
            );
            break;
        }
    }
    const failed = [...failures.values()].reduce((sum, count) => sum + count, 0);
    const took = `${sent} of ${requests.length} requests sent in ${Math.round((Date.now() - start) / 1000)} s`;
    if (failed === 0) {
        out.write(`${took}, every one accepted (answered 2xx).\n`);
        return 0;
    }
    const counts = [...failures].map(([kind, count]) => `${kind} ×${count}`).join(", ");
    err.write(`alocity-webhook: ${took}, ${failed} not accepted: ${counts}\n`);
    for (const hint of hints) err.write(`alocity-webhook: ${hint}\n`);
    return 1;
}

/** POSTs one request, signed; its answer, or why there was none. */
async function send(request: SimulatedRequest, player: Player, signer: Signer): Promise<Answer | string> {
    const body = Buffer.from(JSON.stringify(request.body), "utf8");
    const headers = {
        "Content-Type": "application/json",
        "Content-Length": String(body.length),
        "Alocity-Signature": await signer.header(body),
        "User-Agent": player.userAgent,
    };
    try {
        return await player.post(body, headers);
    } catch (error) {
        return error instanceof Error ? error.message : String(error);
    }
}
