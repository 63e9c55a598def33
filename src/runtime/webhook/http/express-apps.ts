/**
 * Everything this package knows of express beyond its documented API, in one place (express 4 in Node-RED 3.1 and
 * 4.1, express 5 in Node-RED 5; the compatibility suite exercises each function on every version):
 * - a mounted app's `parent`, to find the root app Node-RED or its embedder listens with;
 * - an app's router `stack` (`_router` in express 4, `router` in express 5), to put one middleware first, as
 *   core `http in` does for "Do not parse request body", and to ask whether an app has a route for a path;
 * - `req._body`, which tells body-parser (and Node-RED's own parsers) that a body has been read already.
 * Paths of requests are read with parseurl, as express's router reads them.
 */
import type { IncomingMessage, RequestListener } from "http";
import parseurl from "parseurl";
import { DEFAULT_MATCHING, type PathMatching } from "../../../core/webhook/paths";

/** The parts of an express application (4 or 5) used here. */
export interface ExpressApp extends RequestListener {
    use(...handlers: unknown[]): unknown;
    all(path: string, ...handlers: unknown[]): unknown;
    enabled(setting: string): boolean;
    path(): string;
    parent?: ExpressApp;
}

interface Layer {
    handle?: unknown;
    route?: { stack?: Layer[] };
    match(path: string): boolean;
}

function stackOf(app: ExpressApp): Layer[] {
    const internal = app as unknown as { _router?: { stack?: Layer[] }; router?: { stack?: Layer[] } };
    return internal._router?.stack ?? internal.router?.stack ?? [];
}

/** The app that owns the server: the root of the apps mounted in one another. */
export function rootAppOf(app: ExpressApp): ExpressApp {
    return app.parent === undefined ? app : rootAppOf(app.parent);
}

/** Where an app is mounted, from the root ("" for the root itself). */
export function mountPathOf(app: ExpressApp): string {
    return app.parent === undefined ? "" : app.path();
}

/** How an app's router compares paths. */
export function pathMatchingOf(app: ExpressApp): PathMatching {
    if (typeof app.enabled !== "function") {
        return DEFAULT_MATCHING;
    }
    return { caseSensitive: app.enabled("case sensitive routing"), strict: app.enabled("strict routing") };
}

/** Adds a middleware to an app and moves it to the top of its stack, so that it runs before any other. */
export function useFirst(app: ExpressApp, middleware: (req: IncomingMessage, res: unknown, next: () => void) => void): void {
    app.use(middleware);
    const stack = stackOf(app);
    const index = stack.findIndex((layer) => layer.handle === middleware);
    if (index > 0) {
        stack.unshift(...stack.splice(index, 1));
    }
}

/** Removes the route whose handlers include `handler` (as core `http in` removes its route when it closes). */
export function removeRoute(app: ExpressApp, handler: unknown): void {
    const stack = stackOf(app);
    const index = stack.findIndex((layer) => layer.route?.stack?.some((routeLayer) => routeLayer.handle === handler));
    if (index >= 0) {
        stack.splice(index, 1);
    }
}

/** How many layers an app's router holds (middleware and routes). */
export function routerSize(app: ExpressApp): number {
    return stackOf(app).length;
}

/**
 * The path of a request as express routes it: parseurl's pathname, which drops a query, a fragment and the scheme
 * and host of a request line in absolute form (`POST http://host/alocity HTTP/1.1`).
 */
export function requestPathOf(req: IncomingMessage): string {
    return parseurl(req)?.pathname ?? "/";
}

/** Whether an app has a route (of any method) for a path below its mount point. */
export function hasRouteFor(app: ExpressApp, path: string): boolean {
    return stackOf(app).some((layer) => layer.route !== undefined && matches(layer, path));
}

function matches(layer: Layer, path: string): boolean {
    try {
        return layer.match(path);
    } catch {
        return true;
    }
}

/** Marks a request's body as read, so that no body parser after this reads the stream. */
export function markBodyRead(req: IncomingMessage): void {
    (req as IncomingMessage & { _body?: boolean })._body = true;
}
