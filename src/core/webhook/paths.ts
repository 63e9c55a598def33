/**
 * A webhook's path: which paths a node may serve, and when two paths are the same endpoint. Knows nothing of Node-RED.
 */

/** Literal paths only: no route parameters or patterns (express reads : * ? + ( ) as such), so one path is one endpoint. */
const LITERAL_PATH = /^(\/[A-Za-z0-9._~%@-]*)+$/;

/** Top-level paths of the editor's admin API (Node-RED 3.1 to 5.0). */
const EDITOR_API_SEGMENTS: readonly string[] = [
    "auth",
    "comms",
    "context",
    "core",
    "credentials",
    "debug",
    "diagnostics",
    "flow",
    "flows",
    "icons",
    "inject",
    "library",
    "locales",
    "nodes",
    "plugins",
    "projects",
    "red",
    "settings",
    "theme",
    "types",
    "vendor",
];
const EDITOR_API = new Set(EDITOR_API_SEGMENTS);

export class InvalidPathError extends Error {
    /** "invalid": not a literal path; "editor": it belongs to the editor's admin API. */
    constructor(
        readonly path: string,
        readonly reason: "invalid" | "editor" = "invalid",
    ) {
        super(path);
    }
}

/** How the HTTP router compares paths (express's "case sensitive routing" and "strict routing"). */
export interface PathMatching {
    caseSensitive: boolean;
    strict: boolean;
}

/** The router's defaults: case ignored, a trailing slash ignored. */
export const DEFAULT_MATCHING: PathMatching = { caseSensitive: false, strict: false };

/** A node's `url` as the path it serves: a leading slash, no doubled or trailing slashes; throws when not literal. */
export function normalisePath(url: string): string {
    let path = (url ?? "").trim();
    if (!path.startsWith("/")) {
        path = "/" + path;
    }
    path = path.replace(/\/{2,}/g, "/");
    if (path.length > 1 && path.endsWith("/")) {
        path = path.slice(0, -1);
    }
    if (path === "/" || !LITERAL_PATH.test(path)) {
        throw new InvalidPathError(path);
    }
    return path;
}

/** Two paths the router would send to the same route have the same key (a doubled slash makes another path). */
export function pathKey(path: string, matching: PathMatching = DEFAULT_MATCHING): string {
    let key = path;
    if (!matching.strict && key.length > 1 && key.endsWith("/")) {
        key = key.slice(0, -1);
    }
    return matching.caseSensitive ? key : key.toLowerCase();
}

/** A path below a mount point ("" or "/" for the root), with no doubled slashes. */
export function joinPath(mountPath: string, path: string): string {
    return (mountPath + path).replace(/\/{2,}/g, "/");
}

/** Whether `path` is `root` or below it (the way a mounted app sees paths: case ignored). */
export function isBelow(path: string, root: string): boolean {
    const below = pathKey(path);
    const above = pathKey(root);
    return above === "/" || below === above || below.startsWith(above + "/");
}

/** The part of `path` below `root`, when it is below it; "/" for the root itself. */
export function pathBelow(path: string, root: string): string | undefined {
    if (!isBelow(path, root)) {
        return undefined;
    }
    const above = pathKey(root);
    return above === "/" ? path : path.slice(above.length) || "/";
}

/** A node's `url` as the path it serves (see normalisePath), or undefined when it is not a literal path. */
export function webhookPathOf(url: unknown): string | undefined {
    try {
        return normalisePath(typeof url === "string" || typeof url === "number" ? String(url) : "");
    } catch (error) {
        if (error instanceof InvalidPathError) {
            return undefined;
        }
        throw error;
    }
}

/** Whether a path from the root of the server is one of the editor's own API paths, the editor being at `editorRoot`. */
export function isEditorApiPathUnder(fullPath: string, editorRoot: string): boolean {
    const below = pathBelow(fullPath, editorRoot || "/");
    return below !== undefined && isEditorApiPath(below);
}

/** Whether a path below the editor's root is one of the editor's own API paths. */
export function isEditorApiPath(pathBelowEditor: string): boolean {
    return EDITOR_API.has(pathBelowEditor.split("/")[1]?.toLowerCase());
}
