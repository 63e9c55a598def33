import type { Request, Response } from "express";
import { EVENT_CODES, isKnownEventCode } from "../../core/events/catalogue";
import { isJsonObject } from "../../core/shared/value-readers";
import { sampleWith } from "../../core/events/samples";
import { DELIVERY_HEADER, type DeliveryVerdict } from "../../core/webhook/receiver";
import { sign, SIGNATURE_HEADER } from "../../core/webhook/signature";
import { messagesOf, type NodeAPI } from "../shared/node-red";
import { webhookRoutesFor } from "../webhook/routes";
import type { HttpAnswer } from "../webhook/http/answers";
import { onePer } from "../shared/one-per";
import { serveAdminRoute } from "./admin-routes";

/**
 * The editor's "send test event" action: POST `{ event, fields? }` here; `fields` (text values) are set on the event's
 * sample, e.g. `{ "serialNumber": "ALO-2", "doorState": "Closed" }`. Or POST `{ body }`: that text (a delivery the
 * node received, its "Use as test event") is sent again as it is, signed afresh.
 */
const TEST_EVENT_ROUTE = "/alocity-webhook-in/:id/test";
const TEST_EVENT_PERMISSION = "alocity-webhook-in.write";

/** What a deployed alocity-webhook-in node lets the endpoint know. Nothing of it is sent to the browser. */
interface TestEventTarget {
    /** The path the node serves; undefined while it serves none (another node has it, or it is invalid). */
    servedPath(): string | undefined;
    /** The node's current secret; undefined when none is set. */
    secret(): string | undefined;
    /** The largest body the node takes, in bytes. */
    maxBytes(): number;
}

/** Why a test event could not be sent. */
type TestEventError = "not-deployed" | "unknown-event" | "bad-fields" | "bad-body" | "cannot-receive" | "not-serving" | "no-secret";

/**
 * The endpoint's answer: a sent event gives the webhook's own answer (`status`, `body`); a refusal, an `error` code
 * the editor explains. Either way `message` says it in words.
 */
type TestEventAnswer =
    | { event?: string; path: string; status: number; body: string; delivery?: DeliveryVerdict; message: string }
    | { error: TestEventError; message: string; events?: readonly string[] };

const ERROR_STATUS: Record<TestEventError, number> = {
    "not-deployed": 404,
    "unknown-event": 400,
    "bad-fields": 400,
    "bad-body": 400,
    "cannot-receive": 409,
    "not-serving": 409,
    "no-secret": 409,
};

interface TestTargets {
    /** Makes a deployed node reachable by the endpoint; returns the function that withdraws it (on close). */
    add(id: string, target: TestEventTarget): () => void;
}

/**
 * Registers the test-event endpoint on `RED.httpAdmin` (once per admin app, however often the node module is loaded)
 * and returns the registry of deployed nodes it can reach.
 */
export function testEventTargets(RED: NodeAPI): TestTargets {
    return targetsOf(RED.httpAdmin, RED);
}

const targetsOf = onePer((_admin: object, RED: NodeAPI): TestTargets => {
    const targets = new Map<string, TestEventTarget>();
    const registry: TestTargets = {
        add(id, target) {
            targets.set(id, target);
            return () => {
                if (targets.get(id) === target) {
                    targets.delete(id);
                }
            };
        },
    };

    const deliveries = new TestDeliveries();
    const t = messagesOf(RED, "alocity-webhook-in.test");
    const refuse = (res: Response, error: TestEventError, substitutions?: Record<string, unknown>, extra?: object) => {
        const answer: TestEventAnswer = { error, message: t(error, substitutions), ...extra };
        res.status(ERROR_STATUS[error]).json(answer);
    };
    serveAdminRoute(RED, "post", TEST_EVENT_ROUTE, TEST_EVENT_PERMISSION, (req: Request, res: Response) => {
        const id = String(req.params.id);
        const request: unknown = req.body;
        const event = isJsonObject(request) ? request.event : undefined;
        const fields = fieldsOf(isJsonObject(request) ? request.fields : undefined);
        const resent = isJsonObject(request) ? request.body : undefined;
        const target = targets.get(id);
        if (target === undefined) {
            // A deployed node that is not registered stopped at a configuration error (e.g. HTTP endpoints disabled).
            const deployed = RED.nodes.getNode(id);
            return deployed?.type === "alocity-webhook-in" ? refuse(res, "cannot-receive") : refuse(res, "not-deployed");
        }
        let text: string;
        if (resent !== undefined) {
            if (typeof resent !== "string" || Buffer.byteLength(resent, "utf8") > target.maxBytes()) {
                return refuse(res, "bad-body", { bytes: target.maxBytes() });
            }
            text = resent;
        } else if (!isKnownEventCode(event)) {
            return refuse(
                res,
                "unknown-event",
                { event: typeof event === "string" ? event : "", events: EVENT_CODES.join(", ") },
                { events: EVENT_CODES },
            );
        } else if (fields === undefined) {
            return refuse(res, "bad-fields", { max: MAX_FIELDS, length: MAX_FIELD_LENGTH });
        } else {
            text = JSON.stringify(sampleWith(event, fields));
        }
        const path = target.servedPath();
        if (path === undefined) {
            return refuse(res, "not-serving");
        }
        const secret = target.secret();
        if (secret === undefined || secret === "") {
            return refuse(res, "no-secret");
        }
        const timestamp = Math.floor(Date.now() / 1000);
        // A body sent again ends with one newline more than it came with: within the second it was received, the same
        // bytes signed afresh would be a repeat of it.
        const resentMark = resent === undefined ? "" : "\n";
        const rawBody = Buffer.from(text + resentMark + deliveries.separator(path, timestamp), "utf8");
        const answer = webhookRoutesFor(RED).deliver(path, rawBody, {
            "content-type": "application/json",
            "content-length": String(rawBody.length),
            [SIGNATURE_HEADER]: sign(secret, rawBody, timestamp),
        });
        const reply = (answer: HttpAnswer) => {
            const delivery = answer.headers?.[DELIVERY_HEADER] as DeliveryVerdict | undefined;
            const substitutions = { event, path, status: answer.status, body: answer.body };
            const repeat = delivery === "duplicate";
            const words =
                resent === undefined
                    ? { log: t("log", substitutions), message: repeat ? t("duplicate", substitutions) : t("sent", substitutions) }
                    : {
                          log: t("log-resent", substitutions),
                          message: repeat ? t("resent-duplicate", substitutions) : t("resent", substitutions),
                      };
            RED.nodes.getNode(id)?.log(words.log);
            const message = words.message;
            const sent: TestEventAnswer = { path, status: answer.status, body: answer.body, delivery, message };
            if (resent === undefined) {
                sent.event = String(event);
            }
            // As for a real request: answer once the runtime has handed the message on (it does so on the next turn).
            setImmediate(() => res.json(sent));
        };
        if (answer instanceof Promise) void answer.then(reply);
        else reply(answer);
    });
    return registry;
});

const MAX_FIELDS = 20;
const MAX_FIELD_LENGTH = 200;

/** The fields to set on the sample: none, or an object of at most MAX_FIELDS texts; undefined for anything else. */
function fieldsOf(value: unknown): Record<string, string> | undefined {
    if (value === undefined || value === null) {
        return {};
    }
    if (!isJsonObject(value)) {
        return undefined;
    }
    const entries = Object.entries(value).filter(([, text]) => text !== "");
    const fit =
        entries.length <= MAX_FIELDS &&
        entries.every(([field, text]) => typeof text === "string" && field.length <= MAX_FIELD_LENGTH && text.length <= MAX_FIELD_LENGTH);
    return fit ? (Object.fromEntries(entries) as Record<string, string>) : undefined;
}

/**
 * Makes each test event a delivery of its own. A delivery is its signed time and signature: the same sample sent twice
 * within a second would be one delivery, and the second not emitted. So the n-th test event to a path within a second
 * ends its JSON with n-1 newlines (the first with none; JSON ignores them): the event is the same, its bytes and
 * signature are not.
 */
export class TestDeliveries {
    private timestamp = 0;
    /** How many test events each path was sent within the second `timestamp`. */
    private readonly counts = new Map<string, number>();

    separator(path: string, timestamp: number): string {
        if (timestamp !== this.timestamp) {
            this.timestamp = timestamp;
            this.counts.clear();
        }
        const count = this.counts.get(path) ?? 0;
        this.counts.set(path, count + 1);
        return "\n".repeat(count);
    }
}
