import type { StoredDevice } from "../../core/device-state/stored-device";
import type { ClusterConnection } from "../cluster/cluster-connection";
import { LuaScript } from "../cluster/lua-script";

/** How long a write is known as made by its writer id: far longer than a retry after a lost answer takes. */
const WRITTEN_SECONDS = 120;

/**
 * The write of one device's record, atomic in Redis: it checks the version the writer read (compare-and-set), then
 * writes the record (or removes it), its deadline, marks the writer's write as made, and publishes the change.
 * Every write, a removal too, takes a new version from the scope's counter, so no version is used twice: a counter
 * that is new (or lost with Redis's data) starts at Redis's time in ms (13 digits, which Lua prints exactly), above
 * the versions before. KEYS: the records hash, the deadlines sorted set, the version counter, the writer's "written"
 * key. ARGV: field (serial key), expected version (0: none yet), the device as JSON ("" removes it), its deadline
 * (epoch ms; "" none), the changed channel. Answers {1, new version} when written, else {0, the version there is}.
 */
const WRITE_SCRIPT = `
local current = redis.call("HGET", KEYS[1], ARGV[1])
local version = 0
if current then version = tonumber(string.match(current, '^{"v":(%d+)')) end
if version ~= tonumber(ARGV[2]) then return {0, version} end
local written = redis.call("INCR", KEYS[3])
if written == 1 then
    local now = redis.call("TIME")
    written = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
    redis.call("SET", KEYS[3], written)
end
if ARGV[3] == "" then
    redis.call("HDEL", KEYS[1], ARGV[1])
else
    redis.call("HSET", KEYS[1], ARGV[1], '{"v":' .. written .. ',"d":' .. ARGV[3] .. '}')
end
if ARGV[4] == "" then redis.call("ZREM", KEYS[2], ARGV[1]) else redis.call("ZADD", KEYS[2], ARGV[4], ARGV[1]) end
redis.call("SET", KEYS[4], written, "EX", ${WRITTEN_SECONDS})
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

const WRITE = new LuaScript(WRITE_SCRIPT, 4);
const VERSIONS = new LuaScript(VERSIONS_SCRIPT, 1);

/** One record as Redis holds it: `{"v": version, "d": the StoredDevice}`. */
export interface SharedRecord {
    version: number;
    /** The device, as JSON.parse gives it (read it with readSharedDevice). */
    device: unknown;
}

export function parseRecord(value: string): SharedRecord | undefined {
    try {
        const parsed = JSON.parse(value) as { v?: unknown; d?: unknown };
        return typeof parsed.v === "number" ? { version: parsed.v, device: parsed.d } : undefined;
    } catch {
        return undefined;
    }
}

/** A change message on the changed channel: `{"key": serial key, "v": version}` (no record at that version: forgotten). */
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
    private readonly counter: string;

    constructor(
        private readonly connection: ClusterConnection,
        private readonly scope: string,
    ) {
        this.records = connection.key("device-state", scope, "records");
        this.deadlines = connection.key("device-state", scope, "deadlines");
        this.counter = connection.key("device-state", scope, "version");
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
        const answer = (await VERSIONS.run(this.connection.redis, this.records)) as Array<string | number>;
        const versions = new Map<string, number>();
        for (let i = 0; i < answer.length; i += 2) versions.set(String(answer[i]), Number(answer[i + 1]));
        return versions;
    }

    /**
     * Writes a device (undefined: removes it) and its deadline, if the record is still at `expected` (0: there is
     * none); `won` false: another write came first (`version` is the one there is now). `writer` names this write
     * (once per operation): see written.
     */
    async write(
        key: string,
        expected: number,
        device: StoredDevice | undefined,
        deadline: number | null,
        writer: string,
    ): Promise<{ won: boolean; version: number }> {
        const answer = await WRITE.run(
            this.connection.redis,
            this.records,
            this.deadlines,
            this.counter,
            this.writtenKey(writer),
            key,
            expected,
            device === undefined ? "" : JSON.stringify(device),
            deadline === null ? "" : deadline,
            this.channel,
        );
        const [won, version] = answer as [number, number];
        return { won: won === 1, version };
    }

    /**
     * The version a write of `writer` was made at (for 120 s after it), or undefined: it was not made. A write whose
     * answer was lost is known by it, even when another write has replaced its record since.
     */
    async written(writer: string): Promise<number | undefined> {
        const version = await this.connection.redis.get(this.writtenKey(writer));
        return version === null ? undefined : Number(version);
    }

    private writtenKey(writer: string): string {
        return this.connection.key("device-state", this.scope, "written", writer);
    }

    /** The serial keys whose deadline is `now` or earlier, at most `limit`, earliest first. */
    due(now: number, limit: number): Promise<string[]> {
        return this.connection.redis.zrangebyscore(this.deadlines, "-inf", now, "LIMIT", 0, limit);
    }
}
