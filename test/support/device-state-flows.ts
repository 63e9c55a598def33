// The device state's `get` over HTTP, for a real Node-RED: the flow builders of test-flows.ts have the nodes around it.
import type { FlowNode } from "./test-flows";

export interface DeviceStateGetOptions {
    z: string;
    /** The path of the GET endpoint: GET <url>?device=<serial> asks for one device, without it for all. */
    url: string;
    /** The device-state node's id: its first output must be wired to "answer". */
    state: string;
    /** Where the first output's messages that answer no request (the changes) go. */
    changes: string[];
}

/**
 * The device state's `get` over HTTP: GET `url` sends it topic "get" (payload: the ?device= query), and its answer,
 * which comes back on the first output with the request's msg.res, goes back to the request (switch "answer"); the
 * output's other messages go to `changes`.
 */
export function deviceStateGetNodes({ z, url, state, changes }: DeviceStateGetOptions): FlowNode[] {
    return [
        {
            id: "answer",
            type: "switch",
            z,
            name: "a request's answer?",
            property: "res",
            propertyType: "msg",
            rules: [{ t: "nnull" }, { t: "else" }],
            checkall: "false",
            outputs: 2,
            x: 540,
            y: 100,
            wires: [["respond"], changes],
        },
        { id: "respond", type: "http response", z, name: "", statusCode: "", headers: {}, x: 740, y: 60, wires: [] },
        { id: "get-in", type: "http in", z, name: "", url, method: "get", upload: false, x: 120, y: 160, wires: [["as-get"]] },
        {
            id: "as-get",
            type: "change",
            z,
            name: "get ?device=",
            rules: [
                { t: "set", p: "topic", pt: "msg", to: "get", tot: "str" },
                { t: "set", p: "payload", pt: "msg", to: "payload.device", tot: "msg" },
            ],
            x: 320,
            y: 160,
            wires: [[state]],
        },
    ];
}
