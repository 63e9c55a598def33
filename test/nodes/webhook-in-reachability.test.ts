// What alocity-webhook-in tells about its reachability: the check delivery of `alocity-webhook check`, the header
// naming it in every answer, its status until the first delivery, and httpNodeAuth in front of it.
import assert from "assert";
import { SAMPLE_EVENTS } from "../../src/core/events/samples";
import { checkBody } from "../../src/core/webhook/check-delivery";
import { sign } from "../../src/core/webhook/signature";
import { credentials, SECRET, webhookFlow, webhookNode } from "../support/test-flows";
import {
    helper,
    httpNodeRequest,
    logEntries,
    modules,
    receivedWhile,
    statusesOf,
    useTestHelper,
    webhookPost,
} from "../support/test-helper";
import { eventually } from "../support/wait";

const lastStatus = () => statusesOf("in").at(-1);
const logged = () => logEntries("alocity-webhook-in").map((entry) => entry.msg);

describe("alocity-webhook-in: check deliveries and reachability (test helper)", function () {
    useTestHelper();

    it("answers a signed check delivery 200 with Alocity-Delivery: check, every time, and sends nothing on", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        const answers: unknown[] = [];
        const sent = await receivedWhile("in", "out", async () => {
            const raw = checkBody("nonce-1");
            // The same delivery twice: a check is not remembered, so the second is not taken for a repeat.
            const header = sign(SECRET, raw);
            for (let i = 0; i < 2; i++) {
                const res = await webhookPost("/alocity", raw, { header }).expect(200);
                answers.push([res.headers["alocity-delivery"], res.headers["alocity-receiver"]]);
            }
        });
        assert.deepStrictEqual(sent, []);
        assert.deepStrictEqual(answers, [
            ["check", "node-red-contrib-alocity"],
            ["check", "node-red-contrib-alocity"],
        ]);
        assert.ok(logged().includes("alocity-webhook-in.log.check"));
        await eventually(() => /status\.checked/.test(lastStatus()?.text ?? ""), "the status showing the verified check");
    });

    it("names itself in the 401 to an unsigned request, so a client tells it from a server in front", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        const res = await httpNodeRequest().post("/alocity").send(checkBody("unsigned").toString()).expect(401);
        assert.strictEqual(res.headers["alocity-receiver"], "node-red-contrib-alocity");
        assert.strictEqual(res.headers["www-authenticate"], undefined);
    });

    it("says it waits for the first delivery until one arrives, then shows the last event", async function () {
        await helper.load(modules, webhookFlow(), credentials());
        assert.deepStrictEqual(lastStatus(), {
            fill: "green",
            shape: "ring",
            text: "alocity-webhook-in.status.listening alocity-webhook-in.status.waiting",
        });
        await webhookPost("/alocity", SAMPLE_EVENTS["door.state"]).expect(200);
        await eventually(() => lastStatus()?.text === "alocity-webhook-in.status.event", "the last event without the waiting note");
    });

    it("with httpNodeAuth set, warns once for all its nodes and shows it in each one's status", async function () {
        helper.settings({ httpNodeAuth: { user: "user", pass: "$2a$08$zZWtXTja0fB1pzD4sHCMyOCMYz2Z6dNbM6tl8sJogENOMcxWV9DN." } });
        const flow = [...webhookFlow(), webhookNode("in2", { url: "/alocity-2", signature: "sig" })];
        await helper.load(modules, flow, credentials());
        assert.deepStrictEqual(
            logEntries("alocity-webhook-in", 30).filter((entry) => entry.msg === "alocity-webhook-in.log.http-node-auth").length,
            1,
        );
        for (const id of ["in", "in2"]) {
            assert.deepStrictEqual(statusesOf(id).at(-1), {
                fill: "yellow",
                shape: "ring",
                text: "alocity-webhook-in.status.http-node-auth alocity-webhook-in.status.waiting",
            });
        }
    });
});
