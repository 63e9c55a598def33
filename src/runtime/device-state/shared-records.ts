import { createHash } from "crypto";
import type { StoredDevice } from "../../core/device-state/stored-device";
import type { ClusterConnection } from "../cluster/cluster-connection";

/**
 * The write of one device's record, atomic in Redis: it checks the version the writer read (compare-and-set), then
 * writes the record (or removes it), its deadline, and publishes the change.
 * KEYS: the records hash, the deadlines sorted set. ARGV: field (serial key), expected version (0: none yet), the
 * device as JSON ("" removes it), its deadline (epoch ms; "" none), the changed channel, the writer's operation id.
 * Answers {1, new version} when written (0 once removed), else {0, the version there is}.
 */
const WRITE_SCRIPT = `
local current = redis.call("HGET", KEYS[1], ARGV[1])
local version = 0
if current then version = tonumber(string.match(current, '^{"v":(%d+)')) end
if version ~= tonumber(ARGV[2]) then return {0, version} end
local written = 0
if ARGV[3] == "" then
    redis.call("HDEL", KEYS[1], ARGV[1])
else
    written = version + 1
    redis.call("HSET", KEYS[1], ARGV[1], '{"v":' .. written .. ',"w":' .. cjson.encode(ARGV[6]) .. ',"d":' .. ARGV[3] .. '}')
end
if ARGV[4] == "" then redis.call("ZREM", KEYS[2], ARGV[1]) else redis.call("ZADD", KEYS[2], ARGV[4], ARGV[1]) end
redis.call("PUBLISH", ARGV[5], '{"key":' .. cjson.encode(ARGV[1]) .. ',"v":' .. written .. '}')
return {1, written}
`;
/** Every record's version, by serial key: a resync compares them without fetching the records. KEYS: the records hash. */
const VERSIONS_SCRIPT = `
local all = redis.call("HGETALL", KEYS[1])
local versions = {}
for i = 1, #all, 2 do
    versions[#versions + 1] = all[i]
    versions[#versions + 1] = tonumber(string.match(all[i + 1], '^{"v":(%d+)')) or 0
end
return versions
`;

interface Script {
    text: string;
    sha: string;
}

const script = (text: string): Script => ({ text, sha: createHash("sha1").update(text).digest("hex") });
const WRITE = script(WRITE_SCRIPT);
const VERSIONS = script(VERSIONS_SCRIPT);

/** One record as Redis holds it: `{"v": version, "w": the operation that wrote it, "d": the StoredDevice}`. */
export interface SharedRecord {
    version: number;
    /** The id of the operation that wrote it (`<instance id>:<number>`): a write whose answer was lost is known by it. */
    writer: string;
    /** The device, as JSON.parse gives it (read it with readSharedDevice). */
    device: unknown;
}

export function parseRecord(value: string): SharedRecord | undefined {
    try {
        const parsed = JSON.parse(value) as { v?: unknown; w?: unknown; d?: unknown };
        return typeof parsed.v === "number"
            ? { version: parsed.v, writer: typeof parsed.w === "string" ? parsed.w : "", device: parsed.d }
            : undefined;
    } catch {
        return undefined;
    }
}

/** A change message on the changed channel: `{"key": serial key, "v": version}` (0: forgotten). */
export function parseChange(message: string): { key: string; version: number } | undefined {
    try {
        const parsed = JSON.parse(message) as { key?: unknown; v?: unknown };
        return typeof parsed.key === "string" && typeof parsed.v === "number" ? { key: parsed.key, version: parsed.v } : undefined;
    } catch {
        return undefined;
    }
}

/**
 * The records of one alocity-device-state node (its scope: `<id>:<flow>`) in a cluster's Redis: a hash of records by
 * serial key, a sorted set of their deadlines, and a channel that tells each change. Every command fails at once while
 * Redis is not ready (the connection's rule); the caller tries again.
 */
export class SharedRecords {
    readonly channel: string;
    private readonly records: string;
    private readonly deadlines: string;

    constructor(
        private readonly connection: ClusterConnection,
        scope: string,
    ) {
        this.records = connection.key("device-state", scope, "records");
        this.deadlines = connection.key("device-state", scope, "deadlines");
        this.channel = connection.key("device-state", scope, "changed");
    }

    async read(key: string): Promise<SharedRecord | undefined> {
        const value = await this.connection.redis.hget(this.records, key);
        return value === null ? undefined : parseRecord(value);
    }

    /** Every record's stored value by serial key (one HGETALL). */
    readAll(): Promise<Record<string, string>> {
        return this.connection.redis.hgetall(this.records);
    }

    /** Every record's version by serial key. */
    async versions(): Promise<Map<string, number>> {
        const answer = (await this.run(VERSIONS, 1, this.records)) as Array<string | number>;
        const versions = new Map<string, number>();
        for (let i = 0; i < answer.length; i += 2) versions.set(String(answer[i]), Number(answer[i + 1]));
        return versions;
    }

    /**
     * Writes a device (undefined: removes it) and its deadline, if the record is still at `expected` (0: there is
     * none); `won` false: another write came first (`version` is the one there is now).
     */
    async write(
        key: string,
        expected: number,
        device: StoredDevice | undefined,
        deadline: number | null,
        writer: string,
    ): Promise<{ won: boolean; version: number }> {
        const answer = await this.run(
            WRITE,
            2,
            this.records,
            this.deadlines,
            key,
            expected,
            device === undefined ? "" : JSON.stringify(device),
            deadline === null ? "" : deadline,
            this.channel,
            writer,
        );
        const [won, version] = answer as [number, number];
        return { won: won === 1, version };
    }

    /** Runs a script by its SHA1, sending it once when Redis does not have it yet (after a restart, say). */
    private async run({ text, sha }: Script, keys: number, ...args: Array<string | number>): Promise<unknown> {
        const redis = this.connection.redis;
        try {
            return await redis.evalsha(sha, keys, ...args);
        } catch (error) {
            if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
            return redis.eval(text, keys, ...args);
        }
    }

    /** The serial keys whose deadline is `now` or earlier, at most `limit`, earliest first. */
    due(now: number, limit: number): Promise<string[]> {
        return this.connection.redis.zrangebyscore(this.deadlines, "-inf", now, "LIMIT", 0, limit);
    }
}
