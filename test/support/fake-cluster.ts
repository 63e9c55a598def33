// An alocity-cluster config node for the test helper without Redis: its connection's state is set by the test, its
// bus is a plain EventEmitter, and its Redis client does not exist (a node that sends a command fails the test).
import { EventEmitter } from "events";
import type { ClusterConnection, ClusterState } from "../../src/runtime/cluster/cluster-connection";
import type { NodeAPI, NodeDef, NodeRedNode } from "../../src/runtime/shared/node-red";

export class FakeClusterConnection implements ClusterConnection {
    readonly prefix = "alocity";
    readonly bus = new EventEmitter();
    private readonly states = new EventEmitter();
    private current: ClusterState = "ready";

    get state(): ClusterState {
        return this.current;
    }

    get problem(): string {
        return this.current === "ready" ? "" : "connect ECONNREFUSED 127.0.0.1:6379";
    }

    get redis(): never {
        throw new Error("the fake cluster has no Redis");
    }

    key(...parts: string[]): string {
        return [this.prefix, ...parts].join(":");
    }

    /** Changes the state as the connection would, telling every listener. */
    become(state: ClusterState): void {
        this.current = state;
        this.states.emit("state", state);
    }

    onState(listener: (state: ClusterState) => void): () => void {
        this.states.on("state", listener);
        return () => this.states.off("state", listener);
    }

    subscribe(): () => void {
        throw new Error("the fake cluster has no Redis to subscribe to");
    }
}

/**
 * A node module registering `alocity-cluster` nodes that all hand out `connection` (one per test: make a new one in
 * each), for helper.load beside the node under test.
 */
export function fakeClusterNode(connection: () => FakeClusterConnection): (RED: NodeAPI) => void {
    return (RED) => {
        function FakeCluster(this: NodeRedNode & { address: string; connection(): ClusterConnection }, def: NodeDef) {
            RED.nodes.createNode(this, def);
            this.address = "redis://fake";
            this.connection = connection;
        }
        RED.nodes.registerType("alocity-cluster", FakeCluster);
    };
}
