import { EventEmitter } from "events";
import { openClusterConnection, redactedUrl, urlProblem, type ClusterConnection } from "../src/runtime/cluster/cluster-connection";
import { DEFAULT_PREFIX, type AlocityClusterDef, type AlocityClusterNode } from "../src/runtime/cluster/cluster-node";
import { messagesOf, type NodeAPI } from "../src/runtime/shared/node-red";

/** A connection that never connects: the node's configuration cannot name a Redis server. */
function refusedConnection(prefix: string, problem: string): ClusterConnection {
    return {
        prefix,
        state: "down",
        problem,
        get redis(): never {
            throw new Error(problem);
        },
        bus: new EventEmitter(),
        key: (...parts) => [prefix, ...parts].join(":"),
        onState: () => () => undefined,
        subscribe: () => () => undefined,
    };
}

export = function (RED: NodeAPI) {
    const t = messagesOf(RED, "alocity-cluster");

    function AlocityCluster(this: AlocityClusterNode & { address: string }, def: AlocityClusterDef) {
        RED.nodes.createNode(this, def);
        const node = this;
        const url = String(def.url ?? "").trim();
        const prefix = String(def.prefix ?? "").trim() || DEFAULT_PREFIX;
        const password = node.credentials?.password || undefined;
        node.address = redactedUrl(url);
        let opened: (ClusterConnection & { close?(): Promise<void> }) | undefined;

        node.connection = () => {
            if (opened !== undefined) return opened;
            const problem = url === "" ? t("log.no-url") : urlProblem(url);
            if (problem !== undefined) {
                node.error(t("log.bad-url", { problem }));
                opened = refusedConnection(prefix, problem);
                return opened;
            }
            opened = openClusterConnection(url, password, prefix, {
                down: (error) => node.error(t("log.down", { address: node.address, error })),
                back: () => node.log(t("log.back", { address: node.address })),
            });
            return opened;
        };

        node.on("close", (_removed: boolean, done: () => void) => {
            const closing = opened?.close?.();
            opened = undefined;
            if (closing === undefined) {
                done();
            } else {
                closing.then(done, done);
            }
        });
    }

    RED.nodes.registerType("alocity-cluster", AlocityCluster, { credentials: { password: { type: "password" } } });
};
