// Two real Node-REDs running the same flows beside one real Redis, behind a round-robin proxy started by the test, as
// users run them behind a load balancer (issue 29): alocity-cluster -> alocity-webhook-in (with `cluster`) ->
// alocity-device-state (with `cluster`) -> file recorders, whose records survive a `kill -9` of their Node-RED.
import assert from "assert/strict";
import { randomUUID } from "crypto";
import fs from "fs";
import os from "os";
import path from "path";
import type { DeviceRecord } from "../../src/core/device-state/record";
import type { DoorsAnswer } from "../../src/runtime/editor/doors-feed";
import { startRealNodeRed, type NodeRedProcess } from "./real-node-red";
import { fileRecorderNode, readRecordFile, RECORD_FILE_VARIABLE, SENTINEL_EVENT, type FileRecord } from "./recorders";
import { RedisServer } from "./redis";
import { request, type HttpAnswer } from "./requests";
import { PROXY_INSTANCE, startRoundRobinProxy, type RoundRobinProxy } from "./round-robin-proxy";
import { expectedHeader } from "./signature-oracle";
import { deviceStateGetNodes } from "./device-state-flows";
import { clusterNode, deviceStateNode, SECRET, webhookTab, type FlowNode } from "./test-flows";
import { eventually } from "./wait";

/** The webhook's path on every instance (and through the proxy). */
const WEBHOOK = "/alocity/cluster";
/** GET <RECORDS>[?device=<serial>]: the device-state node's `get`. */
const RECORDS = "/alocity/cluster/records";
const STATE = "cluster-state";
const CLUSTER = "cluster";

interface ClusterFlowOptions {
    redisUrl: string;
    /** The device-state node's held-open time, seconds. */
    heldOpen: number;
}

/**
 * The flows every instance runs: alocity-cluster (the Redis url) -> alocity-webhook-in and alocity-device-state using
 * it; the webhook's events, the device state's changes and alarms recorded to the instance's record file (recorders
 * "events", "changes", "alarms"), and the device state's `get` at GET RECORDS.
 */
function clusterFlow({ redisUrl, heldOpen }: ClusterFlowOptions): FlowNode[] {
    const z = "tab";
    const webhook = webhookTab({ label: "cluster", url: WEBHOOK, to: [STATE, "rec-events"], y: 60 }).map((node) =>
        node.type === "alocity-webhook-in" ? { ...node, cluster: CLUSTER } : node,
    );
    return [
        clusterNode(CLUSTER, redisUrl),
        ...webhook,
        deviceStateNode(STATE, { z, heldOpen, store: "", cluster: CLUSTER, x: 340, y: 100, wires: [["answer"], ["rec-alarms"]] }),
        ...deviceStateGetNodes({ z, url: RECORDS, state: STATE, changes: ["rec-changes"] }),
        fileRecorderNode("rec-events", "events", { y: 20 }),
        fileRecorderNode("rec-changes", "changes", { x: 740, y: 140 }),
        fileRecorderNode("rec-alarms", "alarms", { x: 740, y: 180 }),
    ];
}

/** A delivery as Alocity sends it (and sends it again): its exact bytes and their signature header. */
export interface Delivery {
    body: string;
    header: string;
}

/** `payload` signed now (or at `timestamp`, epoch seconds) with SECRET. */
export function signedDelivery(payload: object, timestamp = Math.floor(Date.now() / 1000)): Delivery {
    const body = JSON.stringify(payload);
    return { body, header: expectedHeader(SECRET, timestamp, body) };
}

/** POSTs a delivery once, as it is (its bytes and their signature). */
export function post(url: string, { body, header }: Delivery): Promise<HttpAnswer> {
    return request("POST", url, { body, headers: { "Content-Type": "application/json", "Alocity-Signature": header } });
}

export interface Delivered {
    /** The answer that ended the sending: a 200 (or another status that is no reason to try again). */
    answer: HttpAnswer;
    /** The instance that gave it, when it came through the proxy. */
    instance: number | undefined;
    /** The statuses of the tries before it (503 while Redis is down or a claim pending, 502 from the proxy...). */
    failedTries: (number | string)[];
}

/** How long a sender keeps trying one delivery. */
const SENDER_PATIENCE_MS = 60_000;
/** How long the sender waits before trying again. */
const SENDER_PAUSE_MS = 200;

/**
 * POSTs a delivery to `url` as Alocity's sender does: it tries again on 502 and 503 (and a failed connection), after a
 * pause, until another answer comes, for up to a minute; resolves with that answer. `onFailedTry` hears of each try
 * that failed, as it fails.
 */
export async function deliver(url: string, delivery: Delivery, onFailedTry?: (status: number | string) => void): Promise<Delivered> {
    const failedTries: (number | string)[] = [];
    const giveUpAt = Date.now() + SENDER_PATIENCE_MS;
    for (;;) {
        let status: number | string;
        try {
            const answer = await post(url, delivery);
            const instance = answer.headers[PROXY_INSTANCE];
            if (answer.status !== 502 && answer.status !== 503) {
                return { answer, instance: instance === undefined ? undefined : Number(instance), failedTries };
            }
            status = answer.status;
        } catch (error) {
            status = (error as NodeJS.ErrnoException).code ?? String(error);
        }
        failedTries.push(status);
        onFailedTry?.(status);
        if (Date.now() > giveUpAt)
            throw new Error(`the sender gave up on ${delivery.body} after ${failedTries.length} tries: ${failedTries.join(", ")}`);
        await new Promise((resolve) => setTimeout(resolve, SENDER_PAUSE_MS));
    }
}

/** The Alocity-Delivery header of a 200: accepted or duplicate. */
export function verdict({ answer }: Delivered): string {
    assert.equal(answer.status, 200, `${answer.status} ${answer.text}`);
    return String(answer.headers["alocity-delivery"]);
}

interface ClusterInstance {
    nodeRed: NodeRedProcess;
    /** The file its recorders append to. */
    recordFile: string;
    /** Its webhook's URL (not through the proxy). */
    webhook: string;
}

export interface Cluster {
    redis: RedisServer;
    instances: ClusterInstance[];
    proxy: RoundRobinProxy;
    /** The webhook's URL through the proxy. */
    webhook: string;
    /** What instance `index`'s recorder `name` has recorded so far. */
    recorded(index: number, name: string): FileRecord[];
    /**
     * What instance `index`'s recorder `name` holds once all it handed on so far is recorded: a sentinel event sent to
     * it directly has been recorded (sentinels left out).
     */
    drained(index: number, name: string): Promise<FileRecord[]>;
    /** The device-state node's `get` on instance `index`: all its records. */
    records(index: number): Promise<DeviceRecord[]>;
    /** GET /alocity-doors on instance `index`. */
    doors(index: number): Promise<DoorsAnswer>;
    close(): Promise<void>;
}

/** Starts Redis, `count` Node-REDs running clusterFlow and the proxy in front of them. */
export async function startCluster({ heldOpen, count = 2 }: { heldOpen: number; count?: number }): Promise<Cluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-cluster-"));
    const redis = await RedisServer.start({ appendOnly: true });
    const instances: ClusterInstance[] = [];
    let proxy: RoundRobinProxy | undefined;
    const close = async () => {
        await proxy?.close();
        await Promise.all(instances.map(({ nodeRed }) => nodeRed.stop()));
        await redis.close();
        fs.rmSync(dir, { recursive: true, force: true });
    };
    try {
        const flows = clusterFlow({ redisUrl: redis.url, heldOpen });
        for (let index = 0; index < count; index++) {
            const recordFile = path.join(dir, `instance-${index}.jsonl`);
            const nodeRed = await startRealNodeRed({ env: { [RECORD_FILE_VARIABLE]: recordFile } });
            instances.push({ nodeRed, recordFile, webhook: nodeRed.url + WEBHOOK });
            await nodeRed.deploy(flows);
        }
        proxy = await startRoundRobinProxy(instances.map(({ nodeRed }) => nodeRed.url));
    } catch (error) {
        await close();
        throw error;
    }
    const recorded = (index: number, name: string) => readRecordFile(instances[index].recordFile)[name] ?? [];
    return {
        redis,
        instances,
        proxy,
        webhook: proxy.url + WEBHOOK,
        recorded,
        async drained(index, name) {
            const sentinel = randomUUID();
            const sent = await deliver(instances[index].webhook, signedDelivery({ event: SENTINEL_EVENT, payload: { sentinel } }));
            assert.equal(verdict(sent), "accepted");
            const isSentinel = (record: FileRecord) => record.topic === SENTINEL_EVENT;
            await eventually(
                () => recorded(index, "events").some((record) => isSentinel(record) && record.payload.sentinel === sentinel),
                `the sentinel ${sentinel} recorded by instance ${index}`,
            );
            return recorded(index, name).filter((record) => !isSentinel(record));
        },
        async records(index) {
            const answer = await request("GET", instances[index].nodeRed.url + RECORDS);
            assert.equal(answer.status, 200, answer.text);
            return JSON.parse(answer.text) as DeviceRecord[];
        },
        doors: (index) => instances[index].nodeRed.admin<DoorsAnswer>("GET", "/alocity-doors"),
        close,
    };
}
