#!/usr/bin/env node
/**
 * `alocity-webhook`: send signed test events to a webhook receiver, or sign a body for curl, exactly the way
 * Alocity signs its webhooks. No Alocity account, public URL or real door needed.
 */
import { readFileSync } from "fs";
import * as http from "http";
import * as https from "https";
import * as util from "util";
import { EVENT_CODES, isEventCode, isKnownEventCode } from "../core/events/catalogue";
import { identifyEvent } from "../core/events/event-shapes";
import { DELIVERY_HEADER, parseEventBody } from "../core/webhook/receiver";
import { sampleWith } from "../core/events/samples";
import { sign } from "../core/webhook/signature";
import { packageInfo } from "../package-info";
import { playSimulation, SIMULATE_USAGE, simulationOf } from "./simulate";

const PROGRAM = "alocity-webhook";
const SECRET_VARIABLE = "ALOCITY_WEBHOOK_SECRET";
const REQUEST_TIMEOUT_MS = 30000;
const TIMESTAMP = /^[0-9]{1,15}$/;

const USAGE = `Usage: ${PROGRAM} <command> [options]

Sends signed test events to an Alocity webhook receiver (such as Node-RED's alocity-webhook-in),
plays a whole building's traffic, or signs a body for curl, exactly the way Alocity signs its webhooks.

Commands:
  send      POST a signed event to a webhook URL; prints the answer's status and body
  sign      print the Alocity-Signature header value for a body
  simulate  play a building of doors sending signed events to a webhook URL, in real time

send:  ${PROGRAM} send --url URL --secret SECRET --event CODE [--set FIELD=VALUE ...] [--timestamp T]
       ${PROGRAM} send --url URL --secret SECRET --file FILE [--event CODE] [--timestamp T]
  --url URL        the webhook URL, e.g. http://127.0.0.1:1880/alocity
  --secret SECRET  the webhook's secret key; "-" reads it from standard input (see below)
  --event CODE     send a realistic sample of this event, one of:
                   ${EVENT_CODES.join(", ")}
  --set F=V        with --event: set a field of the sample, e.g. --set serialNumber=ALO-2
                   --set doorState=Closed (repeat it for more fields); a value takes the
                   type of the sample's field (isConnected=false is a boolean)
  --file FILE      send this file's JSON instead, byte for byte (with --event: warns when
                   the file does not look like that event)
  --timestamp T    sign with this time, in epoch seconds, instead of now

sign:  ${PROGRAM} sign --secret SECRET [--timestamp T] [--file FILE]
  --file FILE      the body to sign; without it, the body is read from standard input

${SIMULATE_USAGE}
The secret: a --secret on the command line can be seen by other users in the process list
and stays in your shell's history. Prefer the environment variable ${SECRET_VARIABLE},
or --secret - to read it from standard input (one line; sign then needs --file).

  -h, --help       show this help
  --version        show the version

Exit status: 0 success (send: a 2xx answer; simulate: every request answered 2xx); 1 a non-2xx
answer, a repeat of a delivery the receiver already accepted (send: not emitted again), or a
connection error; 2 a usage or input error.

Examples:
  ${PROGRAM} send --url http://127.0.0.1:1880/alocity --secret "$SECRET" --event door.state
  ${PROGRAM} simulate --url http://127.0.0.1:1880/alocity --secret - < secret.txt
  body='{"serialNumber":"ALO-1","doorState":"Open"}'
  curl -X POST http://127.0.0.1:1880/alocity -H 'Content-Type: application/json' \\
    -H "Alocity-Signature: $(printf %s "$body" | ${PROGRAM} sign --secret "$SECRET")" --data-binary "$body"
`;

const OPTIONS = {
    url: { type: "string" },
    secret: { type: "string" },
    event: { type: "string" },
    file: { type: "string" },
    timestamp: { type: "string" },
    set: { type: "string", multiple: true },
    doors: { type: "string" },
    for: { type: "string" },
    "hold-open": { type: "string" },
    seed: { type: "string" },
    help: { type: "boolean", short: "h" },
    version: { type: "boolean" },
} as const;

type Values = {
    [Name in keyof typeof OPTIONS]?: (typeof OPTIONS)[Name] extends { multiple: true }
        ? string[]
        : (typeof OPTIONS)[Name]["type"] extends "string"
          ? string
          : boolean;
};

/** What the command takes, beyond --help. */
const COMMAND_OPTIONS: Record<string, readonly (keyof Values)[]> = {
    send: ["url", "secret", "event", "file", "timestamp", "set"],
    sign: ["secret", "file", "timestamp"],
    simulate: ["url", "secret", "doors", "for", "hold-open", "seed"],
};

/** A mistake in how the command was called, or in its input: exit status 2. */
class UsageError extends Error {}
/** The receiver could not be reached: exit status 1. */
class ConnectionError extends Error {}

export interface Io {
    stdout: NodeJS.WritableStream;
    stderr: NodeJS.WritableStream;
    stdin: NodeJS.ReadableStream & { isTTY?: boolean };
    env: NodeJS.ProcessEnv;
}

/** Runs the command; resolves with its exit status. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
    try {
        return await run(argv, io);
    } catch (error) {
        if (error instanceof UsageError) {
            io.stderr.write(`${PROGRAM}: ${error.message}\n`);
            return 2;
        }
        if (error instanceof ConnectionError) {
            io.stderr.write(`${PROGRAM}: ${error.message}\n`);
            return 1;
        }
        throw error;
    }
}

async function run(argv: readonly string[], io: Io): Promise<number> {
    const { values, positionals } = parseCommandLine(argv);
    if (values.version) {
        io.stdout.write(`${packageVersion()}\n`);
        return 0;
    }
    if (values.help || positionals[0] === "help") {
        io.stdout.write(USAGE);
        return 0;
    }
    const [command, ...extra] = positionals;
    if (command === undefined) {
        io.stderr.write(USAGE);
        return 2;
    }
    const allowed = COMMAND_OPTIONS[command];
    if (allowed === undefined) {
        throw new UsageError(`unknown command "${command}": use send, sign or simulate (see ${PROGRAM} --help)`);
    }
    if (extra.length > 0) {
        throw new UsageError(`unexpected argument "${extra[0]}" (see ${PROGRAM} --help)`);
    }
    const misplaced = (Object.keys(values) as (keyof Values)[]).find((name) => !allowed.includes(name));
    if (misplaced !== undefined) {
        throw new UsageError(`${command} does not take --${misplaced} (see ${PROGRAM} --help)`);
    }
    if (command === "simulate") {
        return simulate(values, io);
    }
    return command === "send" ? send(values, io) : signCommand(values, io);
}

function parseCommandLine(argv: readonly string[]): { values: Values; positionals: string[] } {
    if (typeof util.parseArgs !== "function") {
        throw new UsageError(`needs Node.js 18.3 or later (this is ${process.version})`);
    }
    try {
        const parsed = util.parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
        return { values: parsed.values as Values, positionals: parsed.positionals };
    } catch (caught) {
        const error = caught as NodeJS.ErrnoException;
        const option = /'(-[^' ]+)/.exec(String(error?.message))?.[1];
        switch (error?.code) {
            case "ERR_PARSE_ARGS_UNKNOWN_OPTION":
                throw new UsageError(`unknown option ${option ?? ""} (see ${PROGRAM} --help)`);
            case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
                throw new UsageError(`${option ?? "an option"} needs a value (write --option=value for a value that starts with -)`);
            default:
                throw new UsageError(String(error?.message ?? error));
        }
    }
}

/** The secret: --secret, or from standard input with --secret -, or from the environment. */
async function secretOf(values: Values, io: Io): Promise<string> {
    const given = values.secret === "-" ? await secretFromStdin(io) : (values.secret ?? io.env[SECRET_VARIABLE]);
    if (given === undefined || given === "") {
        throw new UsageError(`no secret: give --secret SECRET or set ${SECRET_VARIABLE} (the webhook's secret key)`);
    }
    const secret = given.trim();
    if (secret === "") {
        throw new UsageError("the secret is blank");
    }
    if (secret !== given) {
        // The alocity-signature node trims a pasted secret too: sign with what it will check with.
        io.stderr.write(`${PROGRAM}: note: removed whitespace around the secret\n`);
    }
    return secret;
}

/** The first line of standard input (typed, or piped in). */
function secretFromStdin(io: Io): Promise<string> {
    return new Promise((resolve, reject) => {
        let text = "";
        const finish = () => {
            io.stdin.off("data", onData);
            io.stdin.off("end", finish);
            io.stdin.off("error", reject);
            io.stdin.pause();
            resolve(text.split(/\r?\n/)[0]);
        };
        const onData = (chunk: Buffer | string) => {
            text += chunk.toString();
            if (text.includes("\n")) finish();
        };
        io.stdin.on("data", onData);
        io.stdin.on("end", finish);
        io.stdin.on("error", reject);
    });
}

function timestampOf(values: Values): number | undefined {
    if (values.timestamp === undefined) {
        return undefined;
    }
    if (!TIMESTAMP.test(values.timestamp)) {
        throw new UsageError(`--timestamp must be whole epoch seconds, e.g. ${Math.floor(Date.now() / 1000)}; got "${values.timestamp}"`);
    }
    return Number(values.timestamp);
}

function readBodyFile(file: string): Buffer {
    try {
        return readFileSync(file);
    } catch (caught) {
        const error = caught as NodeJS.ErrnoException;
        const reasons: Record<string, string> = {
            ENOENT: "no such file",
            EISDIR: "it is a directory",
            EACCES: "permission denied",
        };
        throw new UsageError(`cannot read ${file}: ${reasons[error?.code ?? ""] ?? error?.message ?? error}`);
    }
}

/** The file's bytes, which must hold one JSON object, as Alocity sends. */
function eventFile(file: string): { rawBody: Buffer; body: Record<string, unknown> } {
    const rawBody = readBodyFile(file);
    const parsed = parseEventBody(rawBody);
    if (parsed.ok) {
        return { rawBody, body: parsed.body };
    }
    switch (parsed.problem) {
        case "empty-body":
            throw new UsageError(`${file} is empty: it should hold the event's JSON object`);
        case "not-json":
            throw new UsageError(`${file} is not valid JSON (${jsonErrorOf(rawBody)})`);
        default:
            throw new UsageError(`${file} holds JSON but not an object: Alocity sends one event object per request`);
    }
}

function jsonErrorOf(rawBody: Buffer): string {
    try {
        JSON.parse(rawBody.toString("utf8").replace(/^\uFEFF/, ""));
        return "";
    } catch (error) {
        return error instanceof Error ? error.message : String(error);
    }
}

function knownEvents(): string {
    return EVENT_CODES.join(", ");
}

function webhookUrlOf(values: Values, command = "send"): URL {
    if (values.url === undefined || values.url === "") {
        throw new UsageError(`${command} needs --url URL, e.g. --url http://127.0.0.1:1880/alocity`);
    }
    let url: URL;
    try {
        url = new URL(values.url);
    } catch {
        throw new UsageError(`--url "${values.url}" is not a valid URL: give one such as http://127.0.0.1:1880/alocity`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw new UsageError(`--url "${values.url}" is not an http or https URL`);
    }
    return url;
}

/** The body to send: the file's bytes as they are, or the event's sample. */
function bodyToSend(values: Values, io: Io): Buffer {
    const event = values.event;
    if (values.file === undefined) {
        if (event === undefined) {
            throw new UsageError(`send needs --event CODE (one of ${knownEvents()}) or --file FILE`);
        }
        if (!isKnownEventCode(event)) {
            throw new UsageError(`unknown event "${event}": known events are ${knownEvents()}`);
        }
        return Buffer.from(JSON.stringify(sampleWith(event, fieldsToSet(values.set ?? []))), "utf8");
    }
    if (values.set !== undefined) {
        throw new UsageError("--set changes a sample (--event): edit the file instead");
    }
    if (event !== undefined && !isEventCode(event)) {
        throw new UsageError(`"${event}" is not an event code (word.word); known events are ${knownEvents()}`);
    }
    const { rawBody, body } = eventFile(values.file);
    if (event !== undefined) {
        const seen = identifyEvent(body).event;
        if (seen !== event) {
            io.stderr.write(
                `${PROGRAM}: note: ${values.file} looks like ${seen}, not ${event}; Alocity's request carries only the body, ` +
                    `so a receiver set to tell the event from the body will see ${seen}\n`,
            );
        }
    }
    return rawBody;
}

/** The fields of `--set FIELD=VALUE` options. */
function fieldsToSet(assignments: readonly string[]): Record<string, string> {
    const fields: Record<string, string> = {};
    for (const assignment of assignments) {
        const equals = assignment.indexOf("=");
        const field = assignment.slice(0, equals).trim();
        if (equals < 0 || field === "") {
            throw new UsageError(`--set takes FIELD=VALUE, e.g. --set doorState=Closed; got "${assignment}"`);
        }
        fields[field] = assignment.slice(equals + 1);
    }
    return fields;
}

async function send(values: Values, io: Io): Promise<number> {
    const url = webhookUrlOf(values);
    const rawBody = bodyToSend(values, io);
    const header = sign(await secretOf(values, io), rawBody, timestampOf(values));
    const answer = await post(url, rawBody, {
        "Content-Type": "application/json",
        "Content-Length": String(rawBody.length),
        "Alocity-Signature": header,
        "User-Agent": `${PROGRAM}/${packageVersion()}`,
    });
    io.stdout.write(`${answer.status} ${answer.statusText}\n`);
    if (answer.body !== "") {
        io.stdout.write(answer.body.endsWith("\n") ? answer.body : `${answer.body}\n`);
    }
    if (answer.delivery === "duplicate") {
        io.stderr.write(
            `${PROGRAM}: not emitted: the receiver took this as a repeat of a delivery it already accepted (same timestamp and ` +
                `signature). Send it again a second later (a new timestamp), or change the body\n`,
        );
        return 1;
    }
    if (answer.status >= 200 && answer.status < 300) {
        return 0;
    }
    const hint = HINTS[answer.status];
    if (hint !== undefined) {
        io.stderr.write(`${PROGRAM}: ${hint}\n`);
    }
    return 1;
}

const HINTS: Record<number, string> = {
    400: "the receiver verified the signature but refused the body (see its log)",
    401: "the receiver refused the signature: check that the secret is the one set in its alocity-signature node, and the clocks (its log says which)",
    404: "nothing receives webhooks at this URL: check the path (and httpNodeRoot), and that the flow is deployed",
    500: "the receiver failed: if it is alocity-webhook-in, check that its alocity-signature node has a secret (see its log)",
    503: "the receiver is busy (flows being deployed): retry shortly",
};

interface Answer {
    status: number;
    statusText: string;
    body: string;
    /** What alocity-webhook-in says became of the delivery (its Alocity-Delivery header), when it says. */
    delivery: string | undefined;
}

function post(url: URL, body: Buffer, headers: Record<string, string>): Promise<Answer> {
    const transport = url.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
        const request = transport.request(url, { method: "POST", headers }, (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("error", (error) => reject(connectionError(url, error)));
            response.on("end", () =>
                resolve({
                    status: response.statusCode ?? 0,
                    statusText: response.statusMessage ?? "",
                    body: Buffer.concat(chunks).toString("utf8"),
                    delivery: [response.headers[DELIVERY_HEADER.toLowerCase()]].flat()[0],
                }),
            );
        });
        request.setTimeout(REQUEST_TIMEOUT_MS, () => {
            request.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" }));
        });
        request.on("error", (error) => reject(connectionError(url, error)));
        request.end(body);
    });
}

function connectionError(url: URL, error: NodeJS.ErrnoException): ConnectionError {
    const where = url.host;
    switch (error.code) {
        case "ECONNREFUSED":
            return new ConnectionError(
                `cannot connect to ${where}: connection refused. Is the receiver (Node-RED) running, and are the host and port right?`,
            );
        case "ENOTFOUND":
        case "EAI_AGAIN":
            return new ConnectionError(`cannot find the host ${url.hostname}: check the URL`);
        case "ECONNRESET":
        case "EPIPE":
            return new ConnectionError(`${where} closed the connection before answering`);
        case "TIMEOUT":
            return new ConnectionError(`${where} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
        default:
            return new ConnectionError(`cannot send to ${url.href}: ${error.message}`);
    }
}

async function simulate(values: Values, io: Io): Promise<number> {
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

async function signCommand(values: Values, io: Io): Promise<number> {
    if (values.secret === "-" && values.file === undefined) {
        throw new UsageError("with --secret -, the secret comes from standard input: give the body with --file FILE");
    }
    const secret = await secretOf(values, io);
    const timestamp = timestampOf(values);
    let body: Buffer;
    if (values.file !== undefined) {
        body = readBodyFile(values.file);
    } else {
        if (io.stdin.isTTY) {
            throw new UsageError(`sign needs a body: give --file FILE or pipe it in, e.g. printf %s "$body" | ${PROGRAM} sign`);
        }
        body = await readAll(io.stdin);
    }
    io.stdout.write(`${sign(secret, body, timestamp)}\n`);
    return 0;
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        stream.on("data", (chunk: Buffer | string) => chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)));
        stream.on("end", () => resolve(Buffer.concat(chunks)));
        stream.on("error", reject);
    });
}

function packageVersion(): string {
    try {
        return packageInfo().version;
    } catch {
        return "unknown";
    }
}

if (require.main === module) {
    main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }).then(
        (status) => {
            process.exitCode = status;
        },
        (error) => {
            process.stderr.write(`${PROGRAM}: ${error?.stack ?? error}\n`);
            process.exitCode = 1;
        },
    );
}
