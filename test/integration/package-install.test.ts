// The palette install: `npm pack` (prepack builds), the tarball installed with `npm install <tarball> --omit=dev`
// into a fresh Node-RED user directory, no link to this working tree and no build step there. Node-RED 4.1 with
// default settings must load every type, serve the editor files and examples, and deliver a signed event.
import assert from "assert";
import fs from "fs";
import os from "os";
import path from "path";
import { SAMPLE_EVENTS } from "../../src/core/events/samples";
import { sign } from "../../src/core/webhook/signature";
import { CONFIG_NODE_TYPES, debugNode, NODE_TYPES, SECRET, webhookTab } from "../support/test-flows";
import { request, signedPost } from "../support/requests";
import { logShows, nodeSets, packageDir, problemLines, startRealNodeRed, type NodeRedProcess } from "../support/real-node-red";
import { npm } from "../support/run-npm";
import { drained, readoutNodes, recorderNode } from "../support/recorders";
import { loadModule, packageManifest, readJson } from "../support/modules";

interface Manifest {
    name: string;
    version: string;
    main: string;
    "node-red": { nodes: Record<string, string> };
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
}
const PACKAGE = packageManifest<Manifest>();
/** What a copy of the working tree to pack from leaves out: installed, built or local-only things. */
const NOT_COPIED = new Set([".git", "node_modules", "dist", ".compat", ".node-red", "artifacts"]);
/** The types with an icon: the editor shows its own cog for every config node (alocity-signature), whatever it names. */
const ICON_TYPES = NODE_TYPES.filter((type) => !CONFIG_NODE_TYPES.includes(type));

/**
 * Packs the package from a copy of the working tree (its node_modules linked in), so that prepack's build does
 * not pull dist/ from under anything else using this tree; the copy keeps the tests, sources and bench, so it is
 * the `files` list that must keep them out of the tarball.
 */
function pack(into: string): { tarball: string; files: string[] } {
    const copy = path.join(into, "source");
    fs.cpSync(packageDir, copy, {
        recursive: true,
        filter: (source) => path.dirname(source) !== packageDir || !NOT_COPIED.has(path.basename(source)),
    });
    fs.symlinkSync(path.join(packageDir, "node_modules"), path.join(copy, "node_modules"), "dir");
    const output = npm(["pack", "--json", "--pack-destination", into], copy);
    const [packed] = JSON.parse(output.slice(output.indexOf("["))) as { filename: string; files: { path: string }[] }[];
    return { tarball: path.join(into, packed.filename), files: packed.files.map((file) => file.path) };
}

describe("the npm pack tarball, installed with npm install <tarball> --omit=dev into a fresh Node-RED 4.1", function () {
    this.timeout(600000);
    let workDir: string | undefined;
    let userDir: string;
    let packed: { tarball: string; files: string[] };
    let nodeRed: NodeRedProcess;

    before(async () => {
        workDir = fs.mkdtempSync(path.join(os.tmpdir(), "alocity-pack-"));
        packed = pack(workDir);
        userDir = path.join(workDir, "user");
        fs.mkdirSync(userDir);
        fs.writeFileSync(path.join(userDir, "package.json"), JSON.stringify({ name: "node-red-project", private: true }, null, 2));
        npm(["install", packed.tarball, "--omit=dev", "--no-audit", "--no-fund"], userDir);
        nodeRed = await startRealNodeRed({ installedIn: userDir });
    });

    after(async () => {
        if (nodeRed) await nodeRed.stop();
        if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
    });

    describe("the tarball", () => {
        it("holds the compiled node files with their editor files, message catalogues and icons", () => {
            for (const [type, file] of Object.entries(PACKAGE["node-red"].nodes)) {
                assert.ok(file.endsWith(".js"), `${type}: ${file} is compiled JavaScript`);
                const base = file.replace(/\.js$/, "");
                const dir = path.posix.dirname(file);
                for (const expected of [file, `${base}.html`, `${dir}/locales/en-US/${type}.json`, `${dir}/locales/en-US/${type}.html`]) {
                    assert.ok(packed.files.includes(expected), `${expected} is in the tarball`);
                }
            }
            const icons = packed.files.filter((file) => file.startsWith("dist/nodes/icons/")).sort();
            assert.deepStrictEqual(
                icons,
                ICON_TYPES.map((type) => `dist/nodes/icons/${type}.svg`).sort(),
                "an icon for each type the editor draws with one",
            );
            assert.ok(packed.files.includes(PACKAGE.main), `the main module ${PACKAGE.main}`);
        });

        it("holds the examples, the editor's resources, README, CHANGELOG, LICENSE and package.json", () => {
            const examples = fs.readdirSync(path.join(packageDir, "examples")).filter((file) => file.endsWith(".json"));
            const resources = fs.readdirSync(path.join(packageDir, "resources")).map((file) => `resources/${file}`);
            assert.ok(resources.length > 0);
            for (const expected of [
                "package.json",
                "README.md",
                "CHANGELOG.md",
                "LICENSE",
                ...examples.map((file) => `examples/${file}`),
                ...resources,
            ]) {
                assert.ok(packed.files.includes(expected), `${expected} is in the tarball`);
            }
        });

        it("holds no TypeScript sources (only declarations), no tests and no benchmark", () => {
            const unwanted = packed.files.filter(
                (file) =>
                    (/\.tsx?$/.test(file) && !file.endsWith(".d.ts")) ||
                    /^(test|bench|src|nodes|scripts|\.ci)\//.test(file) ||
                    /\.test\.js$/.test(file),
            );
            assert.deepStrictEqual(unwanted, []);
        });
    });

    it("installs as a package of its own (no link) with its runtime dependencies only", () => {
        const installed = path.join(userDir, "node_modules", PACKAGE.name);
        assert.ok(!fs.lstatSync(installed).isSymbolicLink(), "a real directory, not a link to the working tree");
        assert.strictEqual(readJson<Manifest>(path.join(installed, "package.json")).version, PACKAGE.version);
        for (const dependency of Object.keys(PACKAGE.dependencies)) {
            assert.ok(fs.existsSync(path.join(userDir, "node_modules", dependency)), `${dependency} installed`);
        }
        for (const devDependency of Object.keys(PACKAGE.devDependencies)) {
            assert.ok(
                !fs.existsSync(path.join(userDir, "node_modules", devDependency)),
                `${devDependency} (a devDependency) not installed`,
            );
        }
    });

    it("loads every node type, with no error or warning about the package", async () => {
        assert.match(nodeRed.log, /Loading palette nodes/);
        assert.deepStrictEqual(problemLines(nodeRed.log), []);
        assert.doesNotMatch(nodeRed.log, new RegExp(`\\[warn\\].*${PACKAGE.name}`));
        const ours = (await nodeSets(nodeRed)).filter((set) => set.module === PACKAGE.name);
        assert.deepStrictEqual(ours.flatMap((set) => set.types).sort(), [...NODE_TYPES].sort());
        for (const set of ours) {
            assert.strictEqual(set.enabled, true, `${set.id} enabled`);
            assert.strictEqual(set.err, undefined, `${set.id}: ${set.err}`);
            assert.strictEqual(set.version, PACKAGE.version);
        }
    });

    it("serves the editor its node definitions, help, message catalogues and icons", async () => {
        const editorFiles = await request("GET", `${nodeRed.url}/nodes`, { headers: { Accept: "text/html" } });
        for (const type of NODE_TYPES) {
            assert.match(editorFiles.text, new RegExp(`registerType\\(\\s*["']${type}["']`), `${type}'s editor definition`);
            assert.match(editorFiles.text, new RegExp(`data-help-name="${type}"`), `${type}'s help`);
        }
        for (const type of ICON_TYPES) {
            const icon = await request("GET", `${nodeRed.url}/icons/${PACKAGE.name}/${type}.svg`);
            assert.strictEqual(icon.status, 200, `${type}.svg`);
            assert.match(icon.text, /<svg[\s>]/);
        }
        // The package's resources/ (the scripts the editor files load, some from several of them, and styles) are served.
        const resources = fs.readdirSync(path.join(packageDir, "resources"));
        const scripts = new Set([...editorFiles.text.matchAll(/<script[^>]* src="resources\/([^"]+)"/g)].map((match) => match[1]));
        assert.deepStrictEqual(
            [...scripts].sort(),
            resources
                .filter((file) => file.endsWith(".js"))
                .map((file) => `${PACKAGE.name}/${file}`)
                .sort(),
        );
        for (const file of resources) {
            const served = await request("GET", `${nodeRed.url}/resources/${PACKAGE.name}/${file}`);
            assert.strictEqual(served.status, 200, file);
            assert.strictEqual(served.text, fs.readFileSync(path.join(packageDir, "resources", file), "utf8"));
        }
        const catalogues = await nodeRed.admin<Record<string, Record<string, unknown> | undefined>>("GET", "/nodes/messages?lng=en-US");
        for (const type of NODE_TYPES) {
            const catalogue = catalogues[`${PACKAGE.name}/${type}`];
            assert.ok(catalogue && catalogue[type], `the message catalogue of ${type}`);
        }
    });

    it("offers its examples under Import > Examples", async () => {
        const files = fs.readdirSync(path.join(packageDir, "examples")).filter((file) => file.endsWith(".json"));
        const listing = await nodeRed.admin<{ fn: string }[]>("GET", `/library/examples/flows/${PACKAGE.name}`);
        assert.deepStrictEqual(listing.map((entry) => entry.fn).sort(), files.map((file) => file.replace(/\.json$/, "")).sort());
        const first = files[0];
        const served = await nodeRed.admin(
            "GET",
            `/library/examples/flows/${PACKAGE.name}/${encodeURIComponent(first.replace(/\.json$/, ""))}`,
        );
        assert.deepStrictEqual(served, JSON.parse(fs.readFileSync(path.join(packageDir, "examples", first), "utf8")));
    });

    it("delivers every signed sample event to a debug node with its topic and payload, and answers bad requests as documented", async () => {
        const from = nodeRed.log.length;
        await nodeRed.deploy([
            ...webhookTab({
                label: "installed from the tarball",
                ids: { tab: "pack-tab", signature: "pack-sig", webhook: "pack-in" },
                to: ["pack-out", "pack-rec"],
            }),
            debugNode("pack-out", {
                z: "pack-tab",
                name: "received",
                tosidebar: false,
                console: true,
                complete: "true",
                targetType: "full",
            }),
            recorderNode("pack-rec", "events", { z: "pack-tab" }),
            ...readoutNodes("pack-tab"),
        ]);
        assert.deepStrictEqual(problemLines(nodeRed.log.slice(from)), []);

        const url = `${nodeRed.url}/alocity`;
        for (const [code, payload] of Object.entries(SAMPLE_EVENTS)) {
            const answer = await signedPost(url, payload, { secret: SECRET });
            assert.strictEqual(answer.status, 200, `${code}: ${answer.text}`);
        }
        const received = (await drained(nodeRed, url, { secret: SECRET })).events;
        assert.deepStrictEqual(
            received.map((e) => [e.topic, e.payload]),
            Object.entries(SAMPLE_EVENTS),
        );
        await logShows(nodeRed, "ALO-FR-20231187", from);
        const shown = nodeRed.log.slice(nodeRed.log.indexOf("[debug:received]", from));
        assert.match(shown, /topic: 'accesslog\.created'/);

        const raw = JSON.stringify(SAMPLE_EVENTS["lock.state"]);
        const answers = {
            wrongKey: await signedPost(url, raw, { secret: "not the secret" }),
            noHeader: await request("POST", url, { body: raw, headers: { "Content-Type": "application/json" } }),
            stale: await signedPost(url, raw, { secret: SECRET, timestamp: Math.floor(Date.now() / 1000) - 3600 }),
            notAnObject: await signedPost(url, "[]", { secret: SECRET }),
            get: await request("GET", url),
        };
        assert.deepStrictEqual(Object.fromEntries(Object.entries(answers).map(([name, answer]) => [name, answer.status])), {
            wrongKey: 401,
            noHeader: 401,
            stale: 401,
            notAnObject: 400,
            get: 405,
        });
        // A sentinel sent after them is recorded after anything they made the node send.
        assert.strictEqual((await drained(nodeRed, url, { secret: SECRET })).events.length, received.length, "nothing more was sent");
    });

    it("works as a library from its main module", () => {
        const installed = loadModule<typeof import("../../src/index")>(path.join(userDir, "node_modules", PACKAGE.name));
        const raw = JSON.stringify(SAMPLE_EVENTS["door.state"]);
        assert.strictEqual(installed.sign(SECRET, raw, 1700000000), sign(SECRET, raw, 1700000000));
        assert.deepStrictEqual(installed.SAMPLE_EVENTS, SAMPLE_EVENTS);
    });
});
