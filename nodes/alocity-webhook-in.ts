import { DEFAULT_MAX_BYTES, readMaxBytes } from "../src/core/webhook/body-limit";
import { CHECK_VERDICT } from "../src/core/webhook/check-delivery";
import { DELIVERY_HEADER, receiveWebhook, type ReceiveOutcome } from "../src/core/webhook/receiver";
import { SIGNATURE_HEADER } from "../src/core/webhook/signature";
import { DEFAULT_TOLERANCE_SECONDS, MAX_TOLERANCE_SECONDS } from "../src/core/webhook/tolerance";
import { InvalidPathError } from "../src/core/webhook/paths";
import { serveEditorCatalogue } from "../src/runtime/editor/catalogue";
import { servePathVerdicts } from "../src/runtime/editor/path-verdicts";
import type { HttpAnswer } from "../src/runtime/webhook/http/answers";
import { messagesOf, type NodeAPI, type NodeDef, type NodeRedNode, type NodeStatus } from "../src/runtime/shared/node-red";
import type { IncomingWebhook } from "../src/runtime/webhook/path-owners";
import type { AlocitySignatureNode } from "../src/runtime/webhook/signature-config";
import { testEventTargets } from "../src/runtime/editor/send-test-event";
import { deliveryLogs } from "../src/runtime/editor/recent-deliveries";
import { clockTime } from "../src/core/shared/clock";
import { ThrottledStatus } from "../src/runtime/shared/throttled-status";
import { rejectionLog } from "../src/runtime/webhook/rejection-log";
import { webhookRoutesFor, type PathClaim } from "../src/runtime/webhook/routes";
import { DeliveryReader } from "../src/runtime/webhook/delivery-reader";

interface WebhookInDef extends NodeDef {
    url?: string;
    signature?: string;
    event?: string;
    /** The largest body read, in bytes (a number, or numeric text). */
    maxBytes?: number | string;
    /** The Fields setting: a JSONata expression by key (see FIELD_SETTING_KEYS). */
    fields?: unknown;
}

type Rejection = Extract<ReceiveOutcome, { status: 400 | 401 }>;

/** Why a request is answered 500 unverified, beside the receiver's own no-secret: a reason of the log's summary. */
type Unverifiable = "tolerance-over-limit";
/** Why a verified delivery was answered 503 unsent: the node closed while its Fields setting was being read. */
type Unsent = "unsent";

/** What stops a node from serving, each with a status and a log line of that name in the catalogue. */
type ConfigurationProblem =
    "http-disabled" | "no-secret" | "no-signature" | "tolerance-over-limit" | "path-taken" | "editor-path" | "bad-path";

const ANSWERS = {
    accepted: { status: 200, body: "OK", headers: { [DELIVERY_HEADER]: "accepted" } },
    duplicate: { status: 200, body: "OK (already received)", headers: { [DELIVERY_HEADER]: "duplicate" } },
    check: { status: 200, body: "OK (check delivery verified, not sent on)", headers: { [DELIVERY_HEADER]: CHECK_VERDICT } },
    unauthorized: { status: 401, body: "Unauthorized" },
    cannotVerify: { status: 500, body: "Internal Server Error" },
    unsent: { status: 503, body: "Service Unavailable: the node closed before the event was sent on", headers: { "Retry-After": "2" } },
} satisfies Record<string, HttpAnswer>;

export = function (RED: NodeAPI) {
    const t = messagesOf(RED, "alocity-webhook-in");
    const testTargets = testEventTargets(RED);
    const logs = deliveryLogs(RED);
    serveEditorCatalogue(RED);
    servePathVerdicts(RED);
    /** Whether httpNodeAuth's warning was logged: once per runtime, not once per node. */
    let httpNodeAuthWarned = false;

    function AlocityWebhookIn(this: NodeRedNode, def: WebhookInDef) {
        RED.nodes.createNode(this, def);
        const node = this;
        const event = (def.event ?? "").trim();
        const status = new ThrottledStatus(node);
        let path = String(def.url ?? "");
        let lastEvent: { event: string; at: number } | undefined;
        /** When a check delivery (alocity-webhook check) was last verified, epoch ms, until the first event. */
        let lastCheckAt: number | undefined;
        // Alocity cannot send the user name and password httpNodeAuth asks of every request to an HTTP node.
        const httpNodeAuth = Boolean(RED.settings.httpNodeAuth);
        let rejected = 0;
        let lastReason = "";
        let lastWasRejected = false;
        /** Whether the status shows a configuration problem, which the counts of requests turned away must not hide. */
        let problemShown = false;
        /** When a request last verified with the previous key (epoch ms), while the key is being rotated. */
        let previousKeyUsedAt: number | undefined;

        /** A red status and a log line, both named `problem` in the catalogue. */
        const configurationError = (problem: ConfigurationProblem, substitutions?: Record<string, unknown>) => {
            problemShown = true;
            status.stop();
            node.status({ fill: "red", shape: "ring", text: t(`status.${problem}`, substitutions) });
            node.error(t(`log.${problem}`, substitutions));
        };

        if (RED.settings.httpNodeRoot === false) {
            configurationError("http-disabled");
            return;
        }
        /** The verified deliveries listed in the edit dialog (the editor's own test events are not listed). */
        const deliveries = logs.open(node.id);
        const signature = def.signature ? (RED.nodes.getNode(def.signature) as AlocitySignatureNode | null) : null;
        const secrets = signature?.secrets ?? [];
        // undefined: the signature node refused its tolerance, so nothing can be verified.
        const tolerance = signature ? signature.tolerance : DEFAULT_TOLERANCE_SECONDS;
        if (tolerance === 0) {
            node.warn(t("log.time-check-off", { path }));
        }

        const rejections = rejectionLog(
            RED,
            (line) => node.warn(line),
            () => path,
        );

        const reader = new DeliveryReader(RED, node, def.fields, event, () => path);

        const activity = (): NodeStatus => {
            const shown: NodeStatus = lastEvent
                ? { fill: "green", shape: "dot", text: t("status.event", { event: lastEvent.event, time: clockTime(lastEvent.at) }) }
                : httpNodeAuth
                  ? { fill: "yellow", shape: "ring", text: t("status.http-node-auth", { path }) }
                  : { fill: "green", shape: "ring", text: t("status.listening", { path }) };
            if (tolerance === 0) {
                shown.text += " " + t("status.time-check-off");
            }
            if (lastEvent === undefined) {
                shown.text +=
                    " " + (lastCheckAt === undefined ? t("status.waiting") : t("status.checked", { time: clockTime(lastCheckAt) }));
            }
            if (previousKeyUsedAt !== undefined) {
                shown.text += " " + t("status.previous-key", { time: clockTime(previousKeyUsedAt) });
            }
            if (rejected > 0) {
                shown.text += " " + t("status.rejected", { count: rejected, reason: t(`reason.${lastReason}`) });
                if (lastWasRejected) {
                    shown.fill = "yellow";
                }
            }
            if (reader.warnings.count > 0) {
                shown.text += " " + t("status.warnings", { count: reader.warnings.count });
                shown.fill = "yellow";
            }
            if (reader.setting.errors.length > 0) {
                shown.text += " " + t("status.bad-fields", { keys: reader.setting.errors.map((error) => error.key).join(", ") });
                shown.fill = "red";
            }
            return shown;
        };
        const showActivity = () => status.show(activity);

        /** Counts a request turned away, by this node or by its route (413, 503), in the status. */
        const countRejected = (reason: string) => {
            rejected++;
            lastReason = reason;
            lastWasRejected = true;
            if (!problemShown) showActivity();
        };

        const reject = (outcome: Rejection): HttpAnswer => {
            const reason = outcome.kind === "bad-body" ? outcome.problem : outcome.reason;
            countRejected(reason);
            rejections.report(reason, () =>
                t(`log.${reason}`, {
                    path,
                    status: outcome.status,
                    detail: outcome.kind === "rejected" ? (outcome.detail ?? "") : "",
                    skew: outcome.kind === "rejected" && outcome.skew !== undefined ? Math.abs(outcome.skew) : "",
                    tolerance,
                }),
            );
            return outcome.kind === "bad-body" ? { status: 400, body: `Bad Request: ${t(`reason.${reason}`)}` } : ANSWERS.unauthorized;
        };

        const handle = (request: IncomingWebhook): HttpAnswer | Promise<HttpAnswer> => {
            if (tolerance === undefined) {
                const reason: Unverifiable = "tolerance-over-limit";
                rejections.report(reason, () => t("log.tolerance-over-limit-request", { path }));
                return ANSWERS.cannotVerify;
            }
            const outcome = receiveWebhook(
                request.rawBody,
                request.headers[SIGNATURE_HEADER],
                { secrets, tolerance, event },
                request.deliveryMemory,
                request.receivedAt,
            );
            switch (outcome.kind) {
                case "accepted": {
                    const { rawBody, receivedAt, fromEditor } = request;
                    const sent = reader.accept({ body: outcome.body, timestamp: outcome.timestamp, receivedAt }, (message, summary) => {
                        node.send(message);
                        if (fromEditor !== true) {
                            deliveries.record({ receivedAt, ...summary, body: rawBody.toString("utf8") });
                        }
                        lastEvent = { event: message.topic, at: receivedAt };
                        showActivity();
                    });
                    if (outcome.keyIndex > 0) {
                        if (previousKeyUsedAt === undefined) {
                            node.log(t("log.previous-secret", { path }));
                        }
                        previousKeyUsedAt = request.receivedAt;
                    }
                    lastWasRejected = false;
                    showActivity();
                    const answerFor = (wasSent: boolean): HttpAnswer => {
                        if (wasSent) return ANSWERS.accepted;
                        // Taken again when it comes again: nobody has it.
                        request.deliveryMemory.forget(outcome.timestamp, outcome.signature);
                        rejections.report("unsent" satisfies Unsent, () => t("log.unsent", { path }));
                        return ANSWERS.unsent;
                    };
                    return sent instanceof Promise ? sent.then(answerFor) : answerFor(sent);
                }
                case "check":
                    node.log(t("log.check", { path }));
                    lastCheckAt = request.receivedAt;
                    lastWasRejected = false;
                    showActivity();
                    return ANSWERS.check;
                case "duplicate":
                    node.debug(t("log.duplicate", { path, event: outcome.event, timestamp: outcome.timestamp }));
                    return ANSWERS.duplicate;
                case "no-secret":
                    rejections.report("no-secret", () => t("log.no-secret-request", { path }));
                    return ANSWERS.cannotVerify;
                default:
                    return reject(outcome);
            }
        };

        if (httpNodeAuth && !httpNodeAuthWarned) {
            httpNodeAuthWarned = true;
            node.warn(t("log.http-node-auth"));
        }

        const routes = webhookRoutesFor(RED);
        const bodyLimit = readMaxBytes(def.maxBytes, routes.maxBodyBytes);
        let maxBytes: number;
        if ("bytes" in bodyLimit) {
            maxBytes = bodyLimit.bytes;
        } else {
            maxBytes = bodyLimit.problem === "over-limit" ? routes.maxBodyBytes : Math.min(DEFAULT_MAX_BYTES, routes.maxBodyBytes);
            const substitutions = { value: String(def.maxBytes), bytes: maxBytes };
            node.warn(
                bodyLimit.problem === "over-limit"
                    ? t("log.max-bytes-over-limit", substitutions)
                    : t("log.max-bytes-not-a-size", substitutions),
            );
        }

        let claim: PathClaim | undefined;
        let serving = false;
        try {
            claim = routes.claim(path, {
                id: node.id,
                maxBytes,
                handle,
                serving: (servedPath) => {
                    path = servedPath;
                    serving = true;
                    problemShown = false;
                    if (secrets.length === 0) {
                        configurationError(signature ? "no-secret" : "no-signature", { path });
                    } else if (tolerance === undefined) {
                        configurationError("tolerance-over-limit", { path, max: MAX_TOLERANCE_SECONDS });
                    } else {
                        showActivity();
                    }
                },
                waiting: (servedPath) => {
                    path = servedPath;
                    serving = false;
                    configurationError("path-taken", { path });
                },
                turnedAway: countRejected,
            });
        } catch (error) {
            if (!(error instanceof InvalidPathError)) {
                throw error;
            }
            const reason = error.reason === "editor" ? "editor-path" : "bad-path";
            configurationError(reason, { path: error.path });
        }
        // The editor's "send test event" action signs with this node's secret, server-side, and sends through its path.
        const withdrawTestTarget = testTargets.add(node.id, {
            servedPath: () => (serving ? path : undefined),
            secret: () => secrets[0],
            maxBytes: () => maxBytes,
        });

        node.on("close", (removed: boolean, done: () => void) => {
            claim?.release();
            withdrawTestTarget();
            deliveries.close(removed);
            rejections.flush();
            reader.close();
            status.stop();
            done();
        });
    }

    RED.nodes.registerType("alocity-webhook-in", AlocityWebhookIn);
};
