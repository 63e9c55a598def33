// What a connected editor receives: scripts/editor-comms.js (shared with the benchmark), typed.
import { loadModule } from "./modules";

interface CommsMessage {
    topic: string;
    data: unknown;
}

export interface CommsConnection {
    /** Every frame as received (text). */
    frames: string[];
    /** Every message received, in order. */
    messages: CommsMessage[];
    close(): Promise<void>;
}

interface CommsOptions {
    /** An access token (adminAuth): the connection authenticates with it. */
    token?: string;
    topics?: string[];
    onMessage?: (topic: string, data: unknown) => void;
    timeoutMs?: number;
}

const script = loadModule<{ connectComms: (url: string, options?: CommsOptions) => Promise<CommsConnection> }>(
    "../../scripts/editor-comms",
);

/** Connects to a Node-RED's comms as its editor does; resolves once the runtime counts the connection. */
export const connectComms = script.connectComms;
