import type { NodeAPI, NodeDef, NodeRedNode } from "../shared/node-red";
import type { ClusterConnection } from "./cluster-connection";

/** The key prefix when the node names none. */
export const DEFAULT_PREFIX = "alocity";

export interface AlocityClusterDef extends NodeDef {
    url?: string;
    prefix?: string;
}

/** The runtime side of an alocity-cluster config node, as the nodes that use it see it. */
export interface AlocityClusterNode extends NodeRedNode {
    /** The Redis address without its password. */
    readonly address: string;
    /** The connection, opened by the first node that asks for it. */
    connection(): ClusterConnection;
}

/** What a node's `cluster` property names: none (the node runs on its own), a cluster node, or one that is missing. */
export type ClusterChoice =
    { kind: "none" } | { kind: "cluster"; node: AlocityClusterNode; connection: ClusterConnection } | { kind: "missing"; id: string };

export function clusterOf(RED: Pick<NodeAPI, "nodes">, saved: unknown): ClusterChoice {
    const id = typeof saved === "string" ? saved.trim() : "";
    if (id === "") {
        return { kind: "none" };
    }
    const node = RED.nodes.getNode(id) as AlocityClusterNode | null;
    if (node === null || typeof node.connection !== "function") {
        return { kind: "missing", id };
    }
    return { kind: "cluster", node, connection: node.connection() };
}
