import { outputCount, parseSwitchConfig, routeMessage } from "../src/core/events/switch-rules";
import { LogThrottle } from "../src/core/shared/log-throttle";
import { serveEditorCatalogue } from "../src/runtime/editor/catalogue";
import { messagesOf, type NodeAPI, type NodeDef, type NodeRedNode } from "../src/runtime/shared/node-red";

interface EventSwitchDef extends NodeDef {
    rules?: unknown;
    otherwise?: unknown;
    checkall?: unknown;
    outputs?: unknown;
}

export = function (RED: NodeAPI) {
    const t = messagesOf(RED, "alocity-event-switch");

    function AlocityEventSwitch(this: NodeRedNode, def: EventSwitchDef) {
        RED.nodes.createNode(this, def);
        const node = this;
        const config = parseSwitchConfig(def);
        const outputs = outputCount(config);

        const dropLog = new LogThrottle(
            (line) => node.warn(line),
            (total, _counts, windowMs) => t("log.dropped-summary", { count: total, seconds: windowMs / 1000 }),
        );

        node.on("input", (msg, send, done) => {
            const routing = routeMessage(config, msg);
            if (routing.outputs.length > 0) {
                const onward: unknown[] = new Array(outputs).fill(null);
                for (const output of routing.outputs) {
                    onward[output] = msg;
                }
                send(onward);
            } else if (routing.event === undefined) {
                dropLog.report("unknown-event", () => t("log.dropped"));
            }
            done();
        });

        node.on("close", (_removed: boolean, done: () => void) => {
            dropLog.flush();
            done();
        });
    }

    RED.nodes.registerType("alocity-event-switch", AlocityEventSwitch);

    serveEditorCatalogue(RED);
};
