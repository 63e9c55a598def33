// The load balancer the cluster tests start in front of two real Node-REDs: scripts/round-robin-proxy.js (which the
// benchmark uses too), typed here. Each request goes to the next instance unchanged; an instance that cannot be
// reached (or breaks off) is answered 502; each answer names the instance that gave it (PROXY_INSTANCE).
import { loadModule } from "./modules";

export interface RoundRobinProxy {
    url: string;
    close(): Promise<void>;
}

const script = loadModule<{
    startRoundRobinProxy(targetPorts: number[], port?: number): Promise<RoundRobinProxy>;
    INSTANCE_HEADER: string;
}>("../../scripts/round-robin-proxy");

/** The header of each answer that says which instance gave it (or failed to): its index, from 0. */
export const PROXY_INSTANCE = script.INSTANCE_HEADER;

/** Starts the proxy on a free port of 127.0.0.1, in front of `targets` (base URLs on 127.0.0.1). */
export function startRoundRobinProxy(targets: readonly string[]): Promise<RoundRobinProxy> {
    return script.startRoundRobinProxy(targets.map((target) => Number(new URL(target).port)));
}
