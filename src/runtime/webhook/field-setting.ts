/**
 * The Fields setting of alocity-webhook-in at run time: its expressions prepared with Node-RED's JSONata, and a
 * delivery read with them (evaluated asynchronously, as Node-RED 4 does; at once when nothing is set).
 */
import {
    BODY_FIELD_KEYS,
    fieldsOfEvent,
    parseFieldSetting,
    type FieldSettingKey,
    type FieldSettingProblem,
} from "../../core/events/event-fields";
import { identifyEvent } from "../../core/events/event-shapes";
import { readDelivery, type DeliveryReading } from "../../core/webhook/delivery-reading";
import { whenReady } from "../../core/shared/in-order";
import { after } from "../../core/shared/timers";
import type { NodeAPI, NodeRedNode } from "../shared/node-red";

/** How long an expression may take (reading a context store, say) before the package's own reading is used for it. */
const FIELD_ANSWER_MS = 10_000;

type Values = Partial<Record<FieldSettingKey, unknown>>;

/** A key of the setting that cannot be used, and why: a problem of the saved setting, or JSONata's error. */
export type FieldSettingError = { key: string; problem: FieldSettingProblem } | { key: string; error: string };

export class FieldSetting {
    private readonly expressions = new Map<FieldSettingKey, unknown>();
    /** What is wrong in the saved setting; those keys keep the package's reading. */
    readonly errors: FieldSettingError[] = [];

    constructor(
        private readonly RED: NodeAPI,
        node: NodeRedNode,
        saved: unknown,
    ) {
        const parsed = parseFieldSetting(saved);
        this.errors.push(...parsed.problems);
        for (const [key, text] of Object.entries(parsed.expressions) as Array<[FieldSettingKey, string]>) {
            try {
                if (RED.util === undefined) throw new Error("Node-RED's JSONata is not available");
                this.expressions.set(key, RED.util.prepareJSONataExpression(text, node));
            } catch (error) {
                this.errors.push({ key, error: error instanceof Error ? error.message : String(error) });
            }
        }
    }

    /**
     * A verified body read: the event told (by `nodeEvent`, the setting's `event`, an envelope, the shape), then its
     * fields. `failed` hears of each expression that failed on this body (that key keeps the package's reading).
     */
    read(
        body: Record<string, unknown>,
        nodeEvent: string,
        failed: (key: FieldSettingKey, error: unknown) => void,
    ): DeliveryReading | Promise<DeliveryReading> {
        return whenReady(this.evaluate(BODY_FIELD_KEYS, body, failed), (read) => {
            const identified = identifyEvent(body, nodeEvent, read);
            return whenReady(this.evaluate(fieldsOfEvent(identified.event), identified.payload, failed), (set) =>
                readDelivery(identified, set),
            );
        });
    }

    /** What the setting's expressions for `keys` read from `input`: at once ({}) when none is set. */
    private evaluate(
        keys: readonly FieldSettingKey[],
        input: object,
        failed: (key: FieldSettingKey, error: unknown) => void,
    ): Values | Promise<Values> {
        const set = keys.filter((key) => this.expressions.has(key));
        if (set.length === 0) {
            return {};
        }
        return Promise.all(set.map((key) => this.evaluateOne(key, input, failed))).then((values) =>
            Object.fromEntries(set.map((key, index) => [key, values[index]])),
        );
    }

    /** An expression's value, or undefined (the package's own reading) when it fails or gives no answer in time. */
    private evaluateOne(key: FieldSettingKey, input: object, failed: (key: FieldSettingKey, error: unknown) => void): Promise<unknown> {
        return new Promise((resolve) => {
            let answered = false;
            const answer = (error: unknown, result?: unknown) => {
                if (answered) return;
                answered = true;
                cancel();
                if (error) failed(key, error);
                resolve(error ? undefined : result);
            };
            const cancel = after(FIELD_ANSWER_MS, () => answer(new Error(`no answer within ${FIELD_ANSWER_MS / 1000} s`)));
            try {
                this.RED.util?.evaluateJSONataExpression(this.expressions.get(key), input, answer);
            } catch (error) {
                answer(error);
            }
        });
    }
}
