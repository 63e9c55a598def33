// The routes of alocity-webhook-in on plain express apps laid out as Node-RED lays them out (a root app; the editor's
// admin app and RED.httpNode mounted on it), or as an embedder does, with a fake runtime's events.
import assert from "assert";
import express from "express";
import supertest from "supertest";
import { InvalidPathError } from "../../../../src/core/webhook/paths";
import { routerSize } from "../../../../src/runtime/webhook/http/express-apps";
import type { ExpressApp } from "../../../../src/runtime/webhook/http/express-apps";
import { gate, nodeRedApps, owner, postJson, serving } from "../../../support/express-apps";
import { ManualClock } from "../../../support/manual-clock";
import { eventually } from "../../../support/wait";

describe("webhook routes", function () {
    describe("every request goes through the host's whole HTTP stack", function () {
        it("passes the editor's admin app (default settings) and still gets the raw bytes", async function () {
            const apps = serving();
            const res = await postJson(apps.root, "/alocity", '{ "a" : 1 }');
            assert.deepStrictEqual([res.status, res.text], [200, 'a:{ "a" : 1 }']);
            assert.deepStrictEqual(apps.adminSeen, ["/alocity"], "the admin app's middleware saw the request");
        });

        it("honours middleware a plugin adds to the admin app with RED.httpAdmin.use()", async function () {
            const apps = serving();
            apps.admin.use(gate);
            assert.strictEqual((await postJson(apps.root, "/alocity", "{}")).status, 403);
            const res = await postJson(apps.root, "/alocity", '{"b":2}').set("Authorization", "let me in");
            assert.deepStrictEqual([res.status, res.text], [200, 'a:{"b":2}']);
        });

        it("honours a route guard and middleware on the root app, before and after Node-RED's apps", async function () {
            const guardSeen: string[] = [];
            const apps = serving({
                beforeMounts: (root) =>
                    root.all("*", (req, _res, next) => {
                        guardSeen.push(req.url);
                        next();
                    }),
            });
            apps.root.use(gate);
            const res = await postJson(apps.root, "/alocity", '{ "c":3 }');
            assert.deepStrictEqual([res.status, res.text], [200, 'a:{ "c":3 }']);
            assert.deepStrictEqual(guardSeen, ["/alocity"]);
        });

        it("honours middleware on httpNode and an earlier POST route for the path", async function () {
            const apps = nodeRedApps();
            let seen = 0;
            apps.httpNode.use((_req, _res, next) => {
                seen++;
                next();
            });
            apps.httpNode.post("/:anything", (_req, res) => res.status(202).send("earlier route"));
            apps.routes.claim("/alocity", owner("a"));
            apps.events.emit("flows:started");
            const res = await postJson(apps.root, "/alocity", "{}");
            assert.deepStrictEqual([res.status, res.text, seen], [202, "earlier route", 1]);
        });

        it("runs httpNodeMiddleware (a function or a list) in the route, like core http in", async function () {
            for (const middleware of [gate, [gate]]) {
                const apps = serving({ settings: { httpNodeMiddleware: middleware } });
                assert.strictEqual((await postJson(apps.root, "/alocity", "{}")).status, 403);
                assert.strictEqual((await postJson(apps.root, "/alocity", "{}").set("Authorization", "let me in")).status, 200);
            }
        });

        it("works embedded in an app of the user's with express.json() and a gate sub-app in front", async function () {
            const apps = serving({
                beforeMounts: (root) => {
                    root.use(express.json());
                    const gateApp = express();
                    gateApp.use(gate);
                    root.use("/", gateApp);
                },
                adminRoot: "/red",
                nodeRoot: "/api",
            });
            assert.strictEqual((await postJson(apps.root, "/api/alocity", "{}")).status, 403);
            const res = await postJson(apps.root, "/api/alocity", '{\r\n"d": 4 }').set("Authorization", "let me in");
            assert.deepStrictEqual([res.status, res.text], [200, 'a:{\r\n"d": 4 }']);
            assert.strictEqual((await postJson(apps.root, "/alocity", "{}").set("Authorization", "let me in")).status, 404);
        });

        it("answers as express routes: a case-sensitive router does not serve /ALOCITY, nor keep its body", async function () {
            const apps = nodeRedApps({ beforeMounts: (root) => root.set("case sensitive routing", true) });
            apps.httpNode.set("case sensitive routing", true);
            apps.routes.claim("/alocity", owner("a"));
            apps.httpNode.post("/ALOCITY", express.json(), (req, res) => res.json({ parsed: req.body as unknown }));
            apps.events.emit("flows:started");
            assert.strictEqual((await postJson(apps.root, "/alocity", "{}")).status, 200);
            const other = await postJson(apps.root, "/ALOCITY", '{"e":5}');
            assert.deepStrictEqual([other.status, other.body], [200, { parsed: { e: 5 } }], "another route's body is left to it");
        });

        it("with case-sensitive routing, serves /Doors and /doors as two paths, each with its node", async function () {
            const apps = nodeRedApps({ beforeMounts: (root) => root.set("case sensitive routing", true) });
            const upper = owner("upper");
            const lower = owner("lower");
            apps.routes.claim("/Doors", upper);
            apps.routes.claim("/doors", lower);
            apps.events.emit("flows:started");
            assert.deepStrictEqual([upper.told, lower.told], [["serving /Doors"], ["serving /doors"]]);
            assert.strictEqual((await postJson(apps.root, "/Doors", "1")).text, "upper:1");
            assert.strictEqual((await postJson(apps.root, "/doors", "2")).text, "lower:2");
        });

        it("serves its path as express routes it: case and a trailing slash ignored by default, a doubled slash not", async function () {
            const apps = serving();
            for (const path of ["/ALOCITY", "/alocity/"]) {
                const res = await postJson(apps.root, path, '{"f":6}');
                assert.deepStrictEqual([res.status, res.text], [200, 'a:{"f":6}'], path);
            }
            assert.strictEqual((await postJson(apps.root, "//alocity", '{"f":6}')).status, 404);
        });

        it("answers other methods 405 with Allow: POST", async function () {
            const apps = serving();
            const res = await supertest(apps.root).get("/alocity");
            assert.deepStrictEqual([res.status, res.headers.allow], [405, "POST"]);
        });
    });

    describe("paths", function () {
        it("refuses the editor's admin API paths, its own and node packages' admin endpoints", async function () {
            const apps = nodeRedApps();
            apps.admin.post("/some-node/:id/action", (_req, res) => res.end());
            for (const path of ["/flows", "/nodes/x", "/auth/token", "/inject/abc", "/some-node/1/action"]) {
                assert.throws(
                    () => apps.routes.claim(path, owner("a")),
                    (error: unknown) => error instanceof InvalidPathError && error.reason === "editor",
                    path,
                );
            }
            apps.events.emit("flows:started");
            const res = await supertest(apps.root).post("/flows").send({ flows: [] });
            assert.deepStrictEqual(res.body, { deployed: { flows: [] } }, "the editor still parses its deploys");
        });

        it("allows those names when the editor is elsewhere", function () {
            const apps = nodeRedApps({ adminRoot: "/admin" });
            assert.strictEqual(apps.routes.claim("/flows", owner("a")).path, "/flows");
        });

        it("refuses paths that are not literal", function () {
            const apps = nodeRedApps();
            for (const path of ["/", "/:id", "/a*", "/a?b", "/a(b)", "/a b"]) {
                assert.throws(
                    () => apps.routes.claim(path, owner("a")),
                    (error: unknown) => error instanceof InvalidPathError && error.reason === "invalid",
                    path,
                );
            }
        });
    });

    describe("answers", function () {
        it("holds a request that comes before flows have started until they have, and answers 500 (logged) when the owner throws", async function () {
            const clock = new ManualClock();
            const apps = nodeRedApps({ clock });
            apps.routes.claim(
                "/alocity",
                owner("a", () => {
                    throw new Error("boom");
                }),
            );
            const early = postJson(apps.root, "/alocity", "{}").then((res) => res.status);
            await eventually(() => clock.pending() === 1, "the request to be held");
            apps.events.emit("flows:started");
            assert.strictEqual(await early, 500);
            assert.strictEqual((await postJson(apps.root, "/alocity", "{}")).status, 500);
            assert.deepStrictEqual(apps.errors, ["alocity-webhook-in.log.internal-error", "alocity-webhook-in.log.internal-error"]);
        });

        it("answers 500 (logged) when something before the route consumed the body unmarked", async function () {
            const apps = serving();
            apps.httpNode.use((req, _res, next) => {
                if (req.headers["x-consume"]) {
                    req.resume();
                    req.on("end", () => next());
                } else next();
            });
            // The body was kept at the top, so consuming the stream later changes nothing.
            assert.strictEqual((await postJson(apps.root, "/alocity", "{}").set("X-Consume", "1")).status, 200);
            const bare = nodeRedApps();
            bare.httpNode.use((req, _res, next) => {
                req.resume();
                req.on("end", () => next());
            });
            bare.routes.claim("/alocity", owner("a"));
            bare.events.emit("flows:started");
            // Posted to httpNode itself: nothing at the top of the root app kept the body.
            assert.strictEqual((await postJson(bare.httpNode, "/alocity", "{}")).status, 500);
            assert.deepStrictEqual(bare.errors, ["alocity-webhook-in.log.body-consumed"]);
        });
    });

    describe("owners across deploys", function () {
        it("keeps a path with its node when that node is redeployed with changes, before a node waiting for it", async function () {
            const apps = nodeRedApps();
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
            assert.strictEqual((await postJson(apps.root, "/alocity", "x")).text, "first:x");
        });

        it("outside a deploy, hands the path on at once, and a node coming back later waits", function () {
            const apps = nodeRedApps();
            const claimFirst = apps.routes.claim("/alocity", owner("first"));
            const second = owner("second");
            apps.routes.claim("/alocity", second);
            apps.events.emit("flows:started");
            claimFirst.release();
            const firstAgain = owner("first");
            apps.routes.claim("/alocity", firstAgain);
            apps.events.emit("flows:started");
            assert.deepStrictEqual(second.told, ["waiting /alocity", "serving /alocity"]);
            assert.deepStrictEqual(firstAgain.told, ["waiting /alocity"]);
        });

        it("hands a path to the waiting node when its owner is deleted; a path nobody claims answers 404, until claimed again", async function () {
            const clock = new ManualClock();
            const apps = nodeRedApps({ clock });
            const claimFirst = apps.routes.claim("/alocity", owner("first"));
            const second = owner("second");
            const claimSecond = apps.routes.claim("/alocity", second);
            apps.events.emit("flows:started");
            apps.events.emit("flows:stopping");
            claimFirst.release();
            const during = postJson(apps.root, "/alocity", "x").then((res) => res);
            await eventually(() => clock.pending() === 1, "the request during the deploy to be held");
            apps.events.emit("flows:started");
            assert.strictEqual((await during).text, "second:x", "the request during the deploy waited for it");
            assert.deepStrictEqual(second.told, ["waiting /alocity", "serving /alocity"]);
            assert.strictEqual((await postJson(apps.root, "/alocity", "y")).text, "second:y");

            apps.events.emit("flows:stopping");
            claimSecond.release();
            apps.events.emit("flows:started");
            assert.strictEqual((await postJson(apps.root, "/alocity", "{}")).status, 404);
            assert.strictEqual((await supertest(apps.root).get("/alocity")).status, 404);

            apps.routes.claim("/alocity", owner("third"));
            assert.strictEqual((await postJson(apps.root, "/alocity", "z")).text, "third:z");
        });

        it("releases a path no node claims once the deploy is done: 1,000 deploys, each to a new path, leave the router as it was", async function () {
            const apps = nodeRedApps();
            const httpNode = apps.httpNode as unknown as ExpressApp;
            let claim = apps.routes.claim("/path-0", owner("n0"));
            apps.events.emit("flows:started");
            const layers = routerSize(httpNode);
            for (let deploy = 1; deploy <= 1000; deploy++) {
                apps.events.emit("flows:stopping");
                claim.release();
                claim = apps.routes.claim(`/path-${deploy}`, owner(`n${deploy}`));
                apps.events.emit("flows:started");
            }
            assert.strictEqual(routerSize(httpNode), layers, "one route, for the path served now");
            assert.deepStrictEqual(apps.routes.size, { routes: 1, memories: 0, held: 0 });
            assert.strictEqual((await postJson(apps.root, "/path-0", "{}")).status, 404);
            assert.strictEqual((await postJson(apps.root, "/path-1000", "z")).text, "n1000:z");
        });

        it("keeps a path's delivery memory through a redeploy, and while the path is released, until it expires", async function () {
            const apps = nodeRedApps();
            const DELIVERY = '{"doorState":"Open"}';
            // Remembers each body as a delivery signed at t=1 (300 s tolerance): "new" the first time, then "repeat".
            const remembering = (id: string) =>
                owner(id, (request) => ({
                    status: 200,
                    body: request.deliveryMemory.remember(1, request.rawBody.toString(), 300) ? "new" : "repeat",
                }));
            const redeploy = (release: () => void, path: string, id: string) => {
                apps.events.emit("flows:stopping");
                release();
                const claim = apps.routes.claim(path, remembering(id));
                apps.events.emit("flows:started");
                return claim;
            };
            let claim = apps.routes.claim("/alocity", remembering("a"));
            apps.events.emit("flows:started");
            assert.strictEqual((await postJson(apps.root, "/alocity", DELIVERY)).text, "new");
            claim = redeploy(claim.release, "/alocity", "a");
            assert.strictEqual((await postJson(apps.root, "/alocity", DELIVERY)).text, "repeat", "the same path redeployed");
            claim = redeploy(claim.release, "/elsewhere", "a");
            assert.strictEqual((await postJson(apps.root, "/alocity", DELIVERY)).status, 404);
            assert.deepStrictEqual(apps.routes.size, { routes: 1, memories: 1, held: 0 }, "the released path's memory is kept");
            redeploy(claim.release, "/ALOCITY", "a");
            assert.strictEqual(
                (await postJson(apps.root, "/alocity", DELIVERY)).text,
                "repeat",
                "served again, it still knows the delivery",
            );
            assert.deepStrictEqual(apps.routes.size, { routes: 1, memories: 0, held: 0 }, "taken back; /elsewhere remembered nothing");
        });

        it("delivers the editor's test requests through the serving owner, and 404 for a path nobody serves", async function () {
            const apps = serving();
            assert.deepStrictEqual(await apps.routes.deliver("/ALOCITY/", Buffer.from("t"), {}), { status: 200, body: "a:t" });
            assert.strictEqual((await apps.routes.deliver("/elsewhere", Buffer.from("t"), {})).status, 404);
        });
    });
});
