import assert from "assert";
import { EventEmitter } from "events";
import { FlowLifecycle, type Hooks } from "../../../../src/runtime/webhook/flow-lifecycle";

interface Target {
    received: unknown[];
    close(): void;
    receive(msg: unknown): void;
}

type SendHook = Parameters<Hooks["add"]>[1];

/** A fake runtime delivery, as @node-red/runtime's Flow.js does it: on the next turn, unless the node is gone. */
function fakeRuntime() {
    const events = new EventEmitter();
    const hookList: { id: string; callback: SendHook }[] = [];
    const hooks: Hooks = { add: (id, callback) => hookList.push({ id, callback }) };
    const send = (sourceType: string, target: Target, msg: unknown) => {
        const sendEvent: Parameters<SendHook>[0] = { msg, source: { node: { type: sourceType } }, destination: { node: target } };
        setImmediate(() => sendEvent.destination.node?.receive(sendEvent.msg));
        for (const hook of hookList) hook.callback(sendEvent);
    };
    return { events, hooks, hookList, send };
}

function target(): Target {
    const received: unknown[] = [];
    let open = true;
    return { received, close: () => (open = false), receive: (msg) => open && received.push(msg) };
}

/** Two turns of the event loop: the runtime's pending delivery, then the guard's bookkeeping, have run. */
async function nextTurns(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
}

/** A fake runtime whose flows have started, its lifecycle guard, and a next node. */
function started() {
    const runtime = fakeRuntime();
    const lifecycle = new FlowLifecycle(runtime.events, runtime.hooks, "alocity-webhook-in");
    runtime.events.emit("flows:started");
    return { runtime, lifecycle, next: target() };
}

describe("flow lifecycle", function () {
    it("delivers a message still on its way before the next node closes", function () {
        const { runtime, lifecycle, next } = started();
        assert.strictEqual(lifecycle.running, true);
        runtime.send("alocity-webhook-in", next, { n: 1 });
        runtime.events.emit("flows:stopping");
        next.close();
        assert.strictEqual(lifecycle.running, false);
        assert.deepStrictEqual(next.received, [{ n: 1 }]);
    });

    it("delivers it once: the runtime's own delivery, still pending, then finds no node", async function () {
        const { runtime, next } = started();
        runtime.send("alocity-webhook-in", next, { n: 1 });
        runtime.events.emit("flows:stopping");
        await nextTurns();
        assert.deepStrictEqual(next.received, [{ n: 1 }]);
    });

    it("leaves other nodes' messages and delivered messages alone", async function () {
        const { runtime, next } = started();
        runtime.send("function", next, { other: true });
        runtime.send("alocity-webhook-in", next, { n: 2 });
        await nextTurns();
        runtime.events.emit("flows:stopping");
        assert.deepStrictEqual(next.received, [{ other: true }, { n: 2 }]);
    });

    it("without hooks (synchronous delivery) only tracks whether flows run", function () {
        const runtime = fakeRuntime();
        const lifecycle = new FlowLifecycle(runtime.events, undefined, "alocity-webhook-in");
        assert.strictEqual(runtime.hookList.length, 0);
        runtime.events.emit("flows:starting");
        assert.strictEqual(lifecycle.running, false);
        runtime.events.emit("flows:started");
        assert.strictEqual(lifecycle.running, true);
    });
});
