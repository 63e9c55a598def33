import { maxBytesInUse } from "../src/core/webhook/body-limit";
import { claimOutcome, receiveWebhook, verifyDelivery, type ReceiveOutcome } from "../src/core/webhook/receiver";
import { SIGNATURE_HEADER } from "../src/core/webhook/signature";
import { DEFAULT_TOLERANCE_SECONDS, MAX_TOLERANCE_SECONDS } from "../src/core/webhook/tolerance";
import { InvalidPathError } from "../src/core/webhook/paths";
import { serveEditorCatalogue } from "../src/runtime/editor/catalogue";
import { servePathVerdicts } from "../src/runtime/editor/path-verdicts";
import type { HttpAnswer } from "../src/runtime/webhook/http/answers";
import { messagesOf, type NodeAPI, type NodeDef, type NodeRedNode } from "../src/runtime/shared/node-red";
import type { IncomingWebhook } from "../src/runtime/webhook/path-owners";
import type { AlocitySignatureNode } from "../src/runtime/webhook/signature-config";
import { testEventTargets } from "../src/runtime/editor/send-test-event";
import { deliveryLogs } from "../src/runtime/editor/recent-deliveries";
import { ThrottledStatus } from "../src/runtime/shared/throttled-status";
import { rejectionLog } from "../src/runtime/webhook/rejection-log";
import { webhookRoutesFor, type PathClaim } from "../src/runtime/webhook/routes";
import { DeliveryReader } from "../src/runtime/webhook/delivery-reader";
import { ReceiverActivity } from "../src/runtime/webhook/receiver-activity";
import { RECEIVER_ANSWERS as ANSWERS } from "../src/runtime/webhook/receiver-answers";
import { SharedDeliveries } from "../src/runtime/webhook/shared-deliveries";
import { clusterOf } from "../src/runtime/cluster/cluster-node";

interface WebhookInDef extends NodeDef {
    url?: string;
    signature?: string;
    event?: string;
    /** The largest body read, in bytes (a number, or numeric text). */
    maxBytes?: number | string;
    /** The Fields setting: a JSONata expression by key (see FIELD_SETTING_KEYS). */
    fields?: unknown;
    /** The id of an alocity-cluster node whose Redis holds the delivery memory; empty: this node's own memory. */
    cluster?: string;
}

type Rejection = Extract<ReceiveOutcome, { status: 400 | 401 }>;

/** Why a request is answered 500 unverified, beside the receiver's own no-secret: a reason of the log's summary. */
type Unverifiable = "tolerance-over-limit";
/**
 * Why a verified delivery was answered 503 unsent: the node closed while its Fields setting was being read, Redis
 * could not claim it (or the cluster node is missing), another receiver of the cluster is still sending it on.
 */
type Unsent = "unsent" | "redis-unreachable" | "cluster-missing" | "claim-pending";

/** What stops a node from serving, each with a status and a log line of that name in the catalogue. */
type ConfigurationProblem =
    "http-disabled" | "no-secret" | "no-signature" | "tolerance-over-limit" | "path-taken" | "editor-path" | "bad-path" | "cluster-missing";

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
        // Alocity cannot send the user name and password httpNodeAuth asks of every request to an HTTP node.
        const httpNodeAuth = Boolean(RED.settings.httpNodeAuth);
        /** Whether the status shows a configuration problem, which the counts of requests turned away must not hide. */
        let problemShown = false;

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
        const cluster = clusterOf(RED, def.cluster);
        const shared =
            cluster.kind === "none"
                ? undefined
                : new SharedDeliveries(RED, cluster, node, () => {
                      if (!problemShown) showActivity();
                  });

        const activity = new ReceiverActivity(RED, reader, { httpNodeAuth, timeCheckOff: tolerance === 0, path: () => path });
        const showActivity = () => status.show(() => shared?.status() ?? activity.status());

        /** Counts a request turned away, by this node or by its route (413, 503), in the status. */
        const countRejected = (reason: string) => {
            activity.turnedAway(reason);
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

        /** A request answered 503 unsent: counted in the status and warned of, as the other requests turned away. */
        const unsent = (reason: Unsent): HttpAnswer => {
            countRejected(reason);
            rejections.report(reason, () => t(`log.${reason}`, { path }));
            return ANSWERS[reason];
        };

        /**
         * The answer to an outcome. `settle`: for a delivery claimed in Redis, what settles its claim once it was sent
         * on (or not): whether it was (none: the delivery is in this node's own memory).
         */
        type Settle = (sent: boolean) => Promise<boolean>;
        const decide = (request: IncomingWebhook, outcome: ReceiveOutcome, settle?: Settle): HttpAnswer | Promise<HttpAnswer> => {
            switch (outcome.kind) {
                case "accepted": {
                    const { rawBody, receivedAt, fromEditor } = request;
                    const sent = reader.accept({ body: outcome.body, timestamp: outcome.timestamp, receivedAt }, (message, summary) => {
                        node.send(message);
                        if (fromEditor !== true) {
                            deliveries.record({ receivedAt, ...summary, body: rawBody.toString("utf8") });
                        }
                        activity.lastEvent = { event: message.topic, at: receivedAt };
                        showActivity();
                    });
                    if (outcome.keyIndex > 0) {
                        if (activity.previousKeyUsedAt === undefined) {
                            node.log(t("log.previous-secret", { path }));
                        }
                        activity.previousKeyUsedAt = request.receivedAt;
                    }
                    activity.lastWasRejected = false;
                    showActivity();
                    const answerFor = (wasSent: boolean): HttpAnswer | Promise<HttpAnswer> => {
                        if (settle !== undefined) return settle(wasSent).then((sent) => (sent ? ANSWERS.accepted : unsent("unsent")));
                        if (wasSent) return ANSWERS.accepted;
                        // Taken again when it comes again: nobody has it.
                        request.deliveryMemory.forget(outcome.timestamp, outcome.signature);
                        return unsent("unsent");
                    };
                    return sent instanceof Promise ? sent.then(answerFor) : answerFor(sent);
                }
                case "check":
                    node.log(t("log.check", { path }));
                    activity.lastCheckAt = request.receivedAt;
                    activity.lastWasRejected = false;
                    showActivity();
                    return ANSWERS.check;
                case "duplicate":
                    node.debug(t("log.duplicate", { path, event: outcome.event, timestamp: outcome.timestamp }));
                    return ANSWERS.duplicate;
                case "pending":
                    return unsent("claim-pending");
                case "no-secret":
                    rejections.report("no-secret", () => t("log.no-secret-request", { path }));
                    return ANSWERS.cannotVerify;
                default:
                    return reject(outcome);
            }
        };

        const handle = (request: IncomingWebhook): HttpAnswer | Promise<HttpAnswer> => {
            if (tolerance === undefined) {
                const reason: Unverifiable = "tolerance-over-limit";
                rejections.report(reason, () => t("log.tolerance-over-limit-request", { path }));
                return ANSWERS.cannotVerify;
            }
            const config = { secrets, tolerance, event };
            const header = request.headers[SIGNATURE_HEADER];
            if (shared === undefined) {
                return decide(request, receiveWebhook(request.rawBody, header, config, request.deliveryMemory, request.receivedAt));
            }
            // Every request waits for a missing cluster node; a verified one (a check too) for Redis to be ready.
            if (shared.unavailable === "cluster-missing") return unsent("cluster-missing");
            const verified = verifyDelivery(request.rawBody, header, config, request.receivedAt);
            if (verified.kind !== "verified" && verified.kind !== "check") return decide(request, verified);
            if (shared.unavailable !== undefined) return unsent(shared.unavailable);
            if (verified.kind === "check") return decide(request, verified);
            return shared.claim(path, verified, tolerance).then(
                (taken) =>
                    decide(request, claimOutcome(verified, taken.verdict, event), taken.verdict === "claimed" ? taken.settle : undefined),
                () => unsent("redis-unreachable"),
            );
        };

        if (httpNodeAuth && !httpNodeAuthWarned) {
            httpNodeAuthWarned = true;
            node.warn(t("log.http-node-auth"));
        }

        const routes = webhookRoutesFor(RED);
        const { bytes: maxBytes, problem: maxBytesProblem } = maxBytesInUse(def.maxBytes, routes.maxBodyBytes);
        if (maxBytesProblem !== undefined) {
            const substitutions = { value: String(def.maxBytes), bytes: maxBytes };
            node.warn(t(maxBytesProblem === "over-limit" ? "log.max-bytes-over-limit" : "log.max-bytes-not-a-size", substitutions));
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
                    } else if (cluster.kind === "missing") {
                        configurationError("cluster-missing", { path, id: cluster.id });
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
            shared?.close();
            status.stop();
            done();
        });
    }

    RED.nodes.registerType("alocity-webhook-in", AlocityWebhookIn);
};
