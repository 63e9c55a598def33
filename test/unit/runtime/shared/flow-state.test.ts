import assert from "assert";
import { EventEmitter } from "events";
import { FlowState, type FlowRunState } from "../../../../src/runtime/shared/flow-state";

/** The runtime's events for a state of its flows, as @node-red/runtime's flows module emits them. */
const stopState = (state = "stop", deploy?: true) =>
    ["runtime-event", { id: "runtime-state", payload: { state, deploy }, retain: true }] as const;
const turn = () => new Promise((resolve) => setImmediate(resolve));

function watched(): { events: EventEmitter; flows: FlowState; seen: FlowRunState[] } {
    const events = new EventEmitter();
    const flows = new FlowState(events);
    const seen: FlowRunState[] = [];
    flows.onChange((state) => seen.push(state));
    return { events, flows, seen };
}

describe("flow state", function () {
    it("is deploying until flows start, running once they have, deploying again while a deploy runs", function () {
        const { events, flows, seen } = watched();
        assert.strictEqual(flows.current, "deploying");
        events.emit("flows:started");
        events.emit("flows:stopping");
        events.emit("flows:starting");
        events.emit("flows:started");
        assert.deepStrictEqual(seen, ["running", "deploying", "running"]);
    });

    it("takes the stop the runtime says within a deploy as part of it: flows start in the same turn", async function () {
        const { events, seen } = watched();
        events.emit("flows:started");
        events.emit("flows:stopping");
        events.emit("flows:stopped");
        events.emit(...stopState());
        events.emit("flows:starting");
        await turn();
        events.emit("flows:started");
        assert.deepStrictEqual(seen, ["running", "deploying", "running"]);
    });

    it("takes a deploy's stop as part of it also when flows start several turns later (a persistent context store)", async function () {
        const { events, flows, seen } = watched();
        events.emit("flows:started");
        events.emit("flows:stopping");
        events.emit("flows:stopped");
        events.emit(...stopState("stop", true));
        for (let i = 0; i < 5; i++) await turn();
        assert.strictEqual(flows.current, "deploying");
        events.emit("flows:starting");
        events.emit("flows:started");
        assert.deepStrictEqual(seen, ["running", "deploying", "running"]);
    });

    it("is stopped when a deploy leaves flows stopped (deployed while stopped): its stop does not follow flows:stopped", async function () {
        const { events, flows } = watched();
        events.emit("flows:started");
        events.emit("flows:stopping");
        events.emit("flows:stopped");
        events.emit(...stopState());
        await turn();
        assert.strictEqual(flows.current, "stopped");
        events.emit(...stopState("stop", true));
        for (let i = 0; i < 3; i++) await turn();
        assert.strictEqual(flows.current, "stopped");
    });

    for (const [why, state] of [
        ["the editor's Stop flows", "stop"],
        ["safe mode", "safe"],
    ]) {
        it(`is stopped once flows stay stopped (${why}), and running when they start again`, async function () {
            const { events, flows, seen } = watched();
            events.emit("flows:started");
            events.emit("flows:stopping");
            events.emit("flows:stopped");
            events.emit(...stopState(state));
            await turn();
            assert.strictEqual(flows.current, "stopped");
            events.emit("flows:starting");
            events.emit("flows:started");
            assert.deepStrictEqual(seen, ["running", "deploying", "stopped", "deploying", "running"]);
        });
    }

    it("ignores the runtime's other state events (warnings, a start)", async function () {
        const { events, flows } = watched();
        events.emit("flows:started");
        events.emit("runtime-event", { id: "runtime-state", payload: { type: "warning", text: "notification.warnings.x" } });
        events.emit(...stopState("start"));
        events.emit("runtime-event", { id: "runtime-deploy", payload: { revision: "1" } });
        await turn();
        assert.strictEqual(flows.current, "running");
    });
});
