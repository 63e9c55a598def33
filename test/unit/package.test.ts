// What the Node-RED Flow Library (and `node-red-dev validate`) asks of package.json, checked without its network.
import assert from "assert";
import fs from "fs";
import path from "path";
import { TARGETS } from "../compat/targets";
import { packageDir as root } from "../support/real-node-red";
import { NODE_TYPES } from "../support/test-flows";
import { loadModule, readJson } from "../support/modules";

interface Manifest {
    license: string;
    files: string[];
    repository: { url: string };
    keywords: string[];
    "node-red": { version: string; nodes: Record<string, string> };
    engines: { node: string };
    dependencies: Record<string, string>;
}
const PACKAGE = readJson<Manifest>(path.join(root, "package.json"));

/** The parts of semver the test uses (the package has no types of its own here). */
interface Semver {
    satisfies(version: string, range: string): boolean;
    minVersion(range: string): { version: string } | null;
}
// semver as Node-RED itself uses it (a dependency of node-red, the devDependency).
const semver = loadModule<Semver>(require.resolve("semver", { paths: [path.dirname(require.resolve("node-red/package.json"))] }));

/** Node.js versions the package must allow: Node 20 (Node-RED 3.1 and 4.1) and Node-RED 5.0's minimum (>=22.9). */
const NODE_VERSIONS = ["20.0.0", "22.9.0"];

describe("package.json for the Flow Library", () => {
    it("declares its license, with the full text shipped", () => {
        assert.strictEqual(PACKAGE.license, "Apache-2.0");
        const text = fs.readFileSync(path.join(root, "LICENSE"), "utf8");
        assert.match(text, /Apache License\s+Version 2\.0, January 2004/);
        assert.match(text, /END OF TERMS AND CONDITIONS/);
        assert.ok(PACKAGE.files.includes("LICENSE"));
    });

    it("names its repository, and node-red among its keywords", () => {
        assert.match(PACKAGE.repository.url, /^git\+https:\/\/.+\.git$/);
        assert.ok(PACKAGE.keywords.includes("node-red"));
    });

    it("declares a node-red version range and a Node.js engine that every supported Node-RED satisfies", () => {
        for (const { nodeRedVersion } of TARGETS) {
            assert.ok(
                semver.satisfies(nodeRedVersion, PACKAGE["node-red"].version),
                `Node-RED ${nodeRedVersion} in ${PACKAGE["node-red"].version}`,
            );
        }
        for (const node of NODE_VERSIONS) {
            assert.ok(semver.satisfies(node, PACKAGE.engines.node), `Node.js ${node} in ${PACKAGE.engines.node}`);
        }
        // engines promises no Node.js older than the oldest the compatibility suite runs.
        const oldestTested = Math.min(...TARGETS.map((target) => target.nodeMajor));
        assert.strictEqual(
            semver.minVersion(PACKAGE.engines.node)?.version,
            `${oldestTested}.0.0`,
            "engines.node starts at the oldest Node.js tested",
        );
        // Every dependency runs on the oldest Node.js the package declares.
        for (const dependency of Object.keys(PACKAGE.dependencies)) {
            const engines =
                readJson<{ engines?: { node?: string } }>(path.join(root, "node_modules", dependency, "package.json")).engines || {};
            if (engines.node) {
                const oldest = semver.minVersion(PACKAGE.engines.node);
                assert.ok(oldest && semver.satisfies(oldest.version, engines.node), `${dependency} runs on ${PACKAGE.engines.node}`);
            }
        }
    });

    it("has at most 6 dependencies", () => {
        assert.ok(Object.keys(PACKAGE.dependencies).length <= 6, Object.keys(PACKAGE.dependencies).join(", "));
    });

    it("lists compiled node files, each built from a TypeScript source with an editor file", () => {
        assert.deepStrictEqual(Object.keys(PACKAGE["node-red"].nodes).sort(), [...NODE_TYPES].sort());
        for (const [type, file] of Object.entries(PACKAGE["node-red"].nodes)) {
            assert.match(file, /^dist\/nodes\/[\w-]+\.js$/, type);
            assert.ok(fs.existsSync(path.join(root, "nodes", path.basename(file).replace(/\.js$/, ".ts"))), `${type}: its source`);
            assert.ok(fs.existsSync(path.join(root, "nodes", path.basename(file).replace(/\.js$/, ".html"))), `${type}: its editor file`);
        }
    });
});
