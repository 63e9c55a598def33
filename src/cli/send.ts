/**
 * `alocity-webhook send`: POSTs one signed event (a sample, or a file's bytes) to a webhook URL and prints the answer.
 */
import { EVENT_CODES, isEventCode, isKnownEventCode } from "../core/events/catalogue";
import { identifyEvent } from "../core/events/event-shapes";
import { sampleWith } from "../core/events/samples";
import { parseEventBody } from "../core/webhook/receiver";
import { sign } from "../core/webhook/signature";
import {
    packageVersion,
    PROGRAM,
    readBodyFile,
    secretOf,
    timestampOf,
    UsageError,
    webhookUrlOf,
    type Io,
    type Values,
} from "./command-line";
import { HINTS, post } from "./delivery";

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
        throw new UsageError(`"${String(event)}" is not an event code (word.word); known events are ${knownEvents()}`);
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

export async function send(values: Values, io: Io): Promise<number> {
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
