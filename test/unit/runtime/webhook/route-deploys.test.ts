// What the webhook routes answer while flows are deployed or stopped, with a fake runtime's events and a clock the
// test moves by hand: requests wait for the new node (at most 64 per path, 10 s each), 404 for a path no longer
// served, 503 when stopped or beyond the bounds; every 413 and 503 warned of and counted by the node on the path.
import assert from "assert";
import type { EventEmitter } from "events";
import { DEPLOY_WAIT_LIMITS } from "../../../../src/core/webhook/deploy-waits";
import { nodeRedApps, owner, postJson, type Apps } from "../../../support/express-apps";
import { ManualClock } from "../../../support/manual-clock";
import { eventually } from "../../../support/wait";

/** Posts `body` to /alocity, resolving with the status and text once answered. */
const post = (apps: Apps, body: string) => postJson(apps.root, "/alocity", body).then((res) => ({ status: res.status, text: res.text }));

/** Posts and resolves once the request is held for the deploy under way, with what resolves with its answer. */
async function postHeld(apps: Apps, body: string): Promise<{ answer: Promise<{ status: number; text: string }> }> {
    const held = apps.routes.size.held;
    const answer = post(apps, body);
    await eventually(() => apps.routes.size.held === held + 1, `the request ${body} to be held`);
    return { answer };
}

/** The runtime's events when the editor's Stop flows has stopped the flows, and a turn for the state to settle. */
async function stopFlows(events: EventEmitter): Promise<void> {
    events.emit("flows:stopping");
    events.emit("flows:stopped");
    events.emit("runtime-event", { id: "runtime-state", payload: { state: "stop" }, retain: true });
    await new Promise((resolve) => setImmediate(resolve));
}

/** Apps on a manual clock whose /alocity was served by `first` and whose deploy is under way: `first` has closed. */
function deploying() {
    const clock = new ManualClock();
    const apps = nodeRedApps({ clock });
    const first = apps.routes.claim("/alocity", owner("first"));
    apps.events.emit("flows:started");
    apps.events.emit("flows:stopping");
    first.release();
    return { clock, apps };
}

describe("webhook routes while flows are deployed or stopped", function () {
    it("holds requests during a deploy and has the new node answer them, in the order they came", async function () {
        const { apps } = deploying();
        const answers = [(await postHeld(apps, "1")).answer, (await postHeld(apps, "2")).answer, (await postHeld(apps, "3")).answer];
        const handled: string[] = [];
        apps.routes.claim(
            "/alocity",
            owner("new", (request) => {
                handled.push(request.rawBody.toString());
                return { status: 200, body: `new:${request.rawBody.toString()}` };
            }),
        );
        apps.events.emit("flows:starting");
        apps.events.emit("flows:started");
        assert.deepStrictEqual(
            await Promise.all(answers),
            [1, 2, 3].map((i) => ({ status: 200, text: `new:${i}` })),
        );
        assert.deepStrictEqual(handled, ["1", "2", "3"]);
        assert.deepStrictEqual(apps.warnings, []);
        assert.deepStrictEqual(apps.routes.size, { routes: 1, memories: 0, held: 0 });
    });

    it("answers 404 to the requests held for a path the new flows no longer serve, once the deploy is done", async function () {
        const { apps } = deploying();
        const { answer } = await postHeld(apps, "x");
        apps.events.emit("flows:started");
        assert.strictEqual((await answer).status, 404);
        assert.strictEqual((await post(apps, "{}")).status, 404);
        assert.deepStrictEqual(apps.routes.size, { routes: 0, memories: 0, held: 0 });
    });

    it("answers 503 when flows are stopped: the requests held when they stop, and those that come later, with a warning each", async function () {
        const { apps } = deploying();
        const { answer } = await postHeld(apps, "x");
        await stopFlows(apps.events);
        const stopped = { status: 503, text: "Service Unavailable: the flows are stopped in Node-RED" };
        assert.deepStrictEqual(await answer, stopped);
        const later = await postJson(apps.root, "/alocity", "y");
        assert.deepStrictEqual([later.status, later.text, later.headers["retry-after"]], [503, stopped.text, "60"]);
        assert.deepStrictEqual(apps.warnings, ["alocity-webhook-in.log.stopped", "alocity-webhook-in.log.stopped"]);
    });

    it("answers 503 with Retry-After to a request held 10 s, warns, and the node that takes the path counts it", async function () {
        const { clock, apps } = deploying();
        const next = owner("next");
        apps.routes.claim("/alocity", next);
        const { answer } = await postHeld(apps, "x");
        clock.advance(DEPLOY_WAIT_LIMITS.maxWaitMs - 1);
        assert.strictEqual(apps.routes.size.held, 1, "still held just before 10 s");
        clock.advance(1);
        const res = await answer;
        assert.deepStrictEqual(res, { status: 503, text: "Service Unavailable: flows are being deployed, retry shortly" });
        assert.deepStrictEqual(apps.warnings, ["alocity-webhook-in.log.deploying"]);
        assert.deepStrictEqual(next.told, ["turned away: deploying"]);
    });

    it("holds at most 64 requests per path: one more is answered 503 at once, the 64 by the new node", async function () {
        const { apps } = deploying();
        const answers: Promise<{ status: number; text: string }>[] = [];
        for (let i = 0; i < DEPLOY_WAIT_LIMITS.perPath; i++) answers.push(post(apps, String(i)));
        await eventually(() => apps.routes.size.held === DEPLOY_WAIT_LIMITS.perPath, "64 requests to be held");
        assert.strictEqual((await post(apps, "65th")).status, 503);
        assert.deepStrictEqual(apps.warnings, ["alocity-webhook-in.log.deploying"]);
        apps.routes.claim("/alocity", owner("new"));
        apps.events.emit("flows:started");
        const statuses = (await Promise.all(answers)).map((res) => res.status);
        assert.deepStrictEqual(statuses, Array(DEPLOY_WAIT_LIMITS.perPath).fill(200));
    });

    it("warns of a body over maxBytes, answered 413, and the node serving the path counts it", async function () {
        const apps = nodeRedApps();
        const serving = owner("a", undefined, 10);
        apps.routes.claim("/alocity", serving);
        apps.events.emit("flows:started");
        assert.strictEqual((await post(apps, '{"padding":"xxxxxxxx"}')).status, 413);
        assert.deepStrictEqual(apps.warnings, ["alocity-webhook-in.log.too-large"]);
        assert.deepStrictEqual(serving.told, ["serving /alocity", "turned away: too-large"]);
    });
});
