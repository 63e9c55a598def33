"use strict";
// Observes messages inside a real Node-RED: a function node records what reaches it in global context, and
// GET <httpNodeRoot>/__recorded answers what was recorded (per recorder name).
const { request } = require("../../scripts/node-red-process");

/** A function node that records each message it receives under `name`, plus the read-out endpoint once per flow. */
function recorderNode(id, name, { z = "tab", x = 600, y = 100 } = {}) {
    return {
        id,
        type: "function",
        z,
        name: `record ${name}`,
        func:
            `const all = global.get("recorded") || {};\n` +
            `(all[${JSON.stringify(name)}] = all[${JSON.stringify(name)}] || []).push({ topic: msg.topic, payload: msg.payload, alocity: msg.alocity });\n` +
            `global.set("recorded", all);\nreturn null;`,
        outputs: 1,
        x,
        y,
        wires: [[]],
    };
}

function readoutNodes(z = "tab") {
    return [
        { id: "recorded-in", type: "http in", z, name: "", url: "/__recorded", method: "get", upload: false, x: 120, y: 400, wires: [["recorded-fn"]] },
        { id: "recorded-fn", type: "function", z, name: "", func: 'msg.payload = global.get("recorded") || {};\nreturn msg;', outputs: 1, x: 300, y: 400, wires: [["recorded-out"]] },
        { id: "recorded-out", type: "http response", z, name: "", statusCode: "", headers: {}, x: 480, y: 400, wires: [] },
    ];
}

/** What the recorders have seen so far: { name: [{topic, payload, alocity}] }. */
async function readRecorded(nodeRed, httpNodeRoot = "") {
    const answer = await request("GET", `${nodeRed.url}${httpNodeRoot}/__recorded`);
    if (answer.status !== 200) throw new Error(`read-out answered ${answer.status}`);
    return JSON.parse(answer.text);
}

module.exports = { recorderNode, readoutNodes, readRecorded };
