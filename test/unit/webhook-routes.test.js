"use strict";
// The shared route owner and the flow lifecycle, on plain express apps laid out as Node-RED lays them out
// (root app; the editor's admin app and RED.httpNode mounted on it), with fake runtime events and hooks.
const assert = require("assert");
const { EventEmitter } = require("events");
const express = require("express");
const supertest = require("supertest");
const { webhookRoutesFor, InvalidPathError } = require("../../dist/src/runtime/webhook-routes.js");
const { FlowLifecycle } = require("../../dist/src/runtime/flow-lifecycle.js");

/** A root app with the admin app and httpNode mounted at `/`, like Node-RED's default settings. */
function nodeRedLikeApps({ beforeMounts, settings = {} } = {}) {
    const root = express();
    if (beforeMounts) beforeMounts(root);
    const admin = express();
    const adminSeen = [];
    admin.use((req, _res, next) => {
        adminSeen.push(req.url);
        next();
    });
    admin.use(express.json());
    admin.post("/flows", (req, res) => res.json({ deployed: req.body }));
    const httpNode = express();
    root.use("/", admin);
    root.use("/", httpNode);
    const events = new EventEmitter();
    const host = {
        httpNode,
        httpAdmin: admin,
        events,
        settings: { httpAdminRoot: "/", httpNodeRoot: "/", ...settings },
        log: { error() {} },
        _: (key) => key,
    };
    return { root, admin, adminSeen, httpNode, events, host, routes: webhookRoutesFor(host) };
}

/** An owner that answers 200 with its name and records what it was told. */
function owner(id, told = []) {
    return {
        id,
        told,
        handle: (request) => ({ status: 200, body: `${id}:${request.rawBody.toString()}` }),
        serving: (path) => told.push(`serving ${path}`),
        waiting: (path) => told.push(`waiting ${path}`),
    };
}

describe("webhook routes", function () {
    it("answers at the front with default settings, skipping the admin app, with the raw body", async function () {
        const apps = nodeRedLikeApps();
        apps.routes.claim("/alocity", owner("a"));
        apps.events.emit("flows:started");
        const res = await supertest(apps.root).post("/alocity").set("Content-Type", "application/json").send('{ "a" : 1 }');
        assert.deepStrictEqual([res.status, res.text], [200, 'a:{ "a" : 1 }']);
        assert.deepStrictEqual(apps.adminSeen, [], "the admin app never saw it");
    });

    it("does not skip a route-level guard on the root app, and still keeps the raw body", async function () {
        let guarded = 0;
        const apps = nodeRedLikeApps({
            beforeMounts: (root) =>
                root.all("*", (req, res, next) => {
                    guarded++;
                    return req.headers.authorization === "let me in" ? next() : res.status(403).end();
                }),
        });
        apps.routes.claim("/alocity", owner("a"));
        apps.events.emit("flows:started");
        assert.strictEqual((await supertest(apps.root).post("/alocity").send("{}")).status, 403);
        const res = await supertest(apps.root).post("/alocity").set("Authorization", "let me in").set("Content-Type", "application/json").send('{ "b":2 }');
        assert.deepStrictEqual([res.status, res.text], [200, 'a:{ "b":2 }']);
        assert.strictEqual(guarded, 2);
    });

    it("does not skip middleware on httpNode, nor an earlier POST route that matches the path", async function () {
        const apps = nodeRedLikeApps();
        let seen = 0;
        apps.httpNode.use((req, res, next) => {
            seen++;
            next();
        });
        apps.httpNode.post("/:anything", (req, res) => res.status(202).send("earlier route"));
        apps.routes.claim("/alocity", owner("a"));
        apps.events.emit("flows:started");
        const res = await supertest(apps.root).post("/alocity").send("{}");
        assert.deepStrictEqual([res.status, res.text, seen], [202, "earlier route", 1]);
    });

    it("leaves the editor's admin API alone: its paths cannot be claimed", async function () {
        const apps = nodeRedLikeApps();
        apps.admin.post("/some-node/:id/action", (req, res) => res.end());
        for (const path of ["/flows", "/nodes/x", "/auth/token", "/inject/abc", "/some-node/1/action"]) {
            assert.throws(() => apps.routes.claim(path, owner("a")), (e) => e instanceof InvalidPathError && e.reason === "editor", path);
        }
        apps.events.emit("flows:started");
        const res = await supertest(apps.root).post("/flows").send({ flows: [] });
        assert.deepStrictEqual(res.body, { deployed: { flows: [] } }, "the editor still parses its deploys");
    });

    it("allows those names below another httpAdminRoot", function () {
        const apps = nodeRedLikeApps({ settings: { httpAdminRoot: "/admin" } });
        assert.strictEqual(apps.routes.claim("/flows", owner("a")).path, "/flows");
    });

    it("answers 503 until flows have started, and 500 (logged) when the owner throws", async function () {
        const apps = nodeRedLikeApps();
        const errors = [];
        apps.host.log.error = (line) => errors.push(line);
        apps.routes.claim("/alocity", { ...owner("a"), handle: () => { throw new Error("boom"); } });
        const early = await supertest(apps.root).post("/alocity").send("{}");
        assert.strictEqual(early.status, 503);
        assert.ok(Number(early.headers["retry-after"]) > 0);
        apps.events.emit("flows:started");
        assert.strictEqual((await supertest(apps.root).post("/alocity").send("{}")).status, 500);
        assert.deepStrictEqual(errors, ["alocity-webhook-in.log.internal-error"]);
    });

    it("keeps a path with its node when that node is redeployed with changes, before a node waiting for it", async function () {
        const apps = nodeRedLikeApps();
        const first = owner("first");
        const second = owner("second");
        const claimFirst = apps.routes.claim("/alocity", first);
        apps.routes.claim("/alocity", second);
        apps.events.emit("flows:started");
        assert.deepStrictEqual([first.told, second.told], [["serving /alocity"], ["waiting /alocity"]]);

        // A "modified nodes" deploy of the first node: it closes and comes back while the second stays.
        apps.events.emit("flows:stopping");
        claimFirst.release();
        const firstAgain = owner("first");
        apps.routes.claim("/alocity", firstAgain);
        apps.events.emit("flows:started");
        assert.deepStrictEqual(firstAgain.told, ["serving /alocity"]);
        assert.deepStrictEqual(second.told, ["waiting /alocity"], "the waiting node was never handed the path");
        const res = await supertest(apps.root).post("/alocity").send("x");
        assert.strictEqual(res.text, "first:x");
    });

    it("outside a deploy, hands the path on at once, and a node coming back later waits", function () {
        const apps = nodeRedLikeApps();
        const first = owner("first");
        const second = owner("second");
        const claimFirst = apps.routes.claim("/alocity", first);
        apps.routes.claim("/alocity", second);
        apps.events.emit("flows:started");
        claimFirst.release();
        const firstAgain = owner("first");
        apps.routes.claim("/alocity", firstAgain);
        apps.events.emit("flows:started");
        assert.deepStrictEqual(second.told, ["waiting /alocity", "serving /alocity"]);
        assert.deepStrictEqual(firstAgain.told, ["waiting /alocity"]);
    });

    it("hands a path to the waiting node when its owner is deleted, and removes a path nobody claims", async function () {
        const apps = nodeRedLikeApps();
        const claimFirst = apps.routes.claim("/alocity", owner("first"));
        const second = owner("second");
        const claimSecond = apps.routes.claim("/alocity", second);
        apps.events.emit("flows:started");
        apps.events.emit("flows:stopping");
        claimFirst.release();
        apps.events.emit("flows:started");
        assert.deepStrictEqual(second.told, ["waiting /alocity", "serving /alocity"]);
        assert.strictEqual((await supertest(apps.root).post("/alocity").send("y")).text, "second:y");
        apps.events.emit("flows:stopping");
        claimSecond.release();
        apps.events.emit("flows:started");
        assert.strictEqual((await supertest(apps.root).post("/alocity").send("y")).status, 404);
    });
});

describe("flow lifecycle", function () {
    /** A fake runtime delivery, as @node-red/runtime's Flow.js does it: on the next turn, unless the node is gone. */
    function fakeRuntime() {
        const events = new EventEmitter();
        const hookList = [];
        const hooks = { add: (id, callback) => hookList.push({ id, callback }) };
        const send = (sourceType, target, msg) => {
            const sendEvent = { msg, source: { node: { type: sourceType } }, destination: { node: target } };
            setImmediate(() => sendEvent.destination.node?.receive(sendEvent.msg));
            for (const hook of hookList) hook.callback(sendEvent);
        };
        return { events, hooks, hookList, send };
    }

    function target() {
        const received = [];
        let open = true;
        return { received, close: () => (open = false), receive: (msg) => open && received.push(msg) };
    }

    it("delivers a message still on its way before the next node closes", async function () {
        const runtime = fakeRuntime();
        const lifecycle = new FlowLifecycle(runtime.events, runtime.hooks, "alocity-webhook-in");
        runtime.events.emit("flows:started");
        assert.strictEqual(lifecycle.running, true);
        const next = target();
        runtime.send("alocity-webhook-in", next, { n: 1 });
        runtime.events.emit("flows:stopping");
        next.close();
        assert.strictEqual(lifecycle.running, false);
        assert.deepStrictEqual(next.received, [{ n: 1 }]);
    });

    it("delivers it once: the runtime's own delivery, still pending, then finds no node", async function () {
        const runtime = fakeRuntime();
        new FlowLifecycle(runtime.events, runtime.hooks, "alocity-webhook-in");
        runtime.events.emit("flows:started");
        const next = target();
        runtime.send("alocity-webhook-in", next, { n: 1 });
        runtime.events.emit("flows:stopping");
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepStrictEqual(next.received, [{ n: 1 }]);
    });

    it("leaves other nodes' messages and delivered messages alone", async function () {
        const runtime = fakeRuntime();
        new FlowLifecycle(runtime.events, runtime.hooks, "alocity-webhook-in");
        runtime.events.emit("flows:started");
        const next = target();
        runtime.send("function", next, { other: true });
        runtime.send("alocity-webhook-in", next, { n: 2 });
        await new Promise((resolve) => setImmediate(resolve));
        await new Promise((resolve) => setImmediate(resolve));
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
