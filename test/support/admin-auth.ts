// Node-RED with adminAuth: its users (settings), and access tokens got as the editor gets them (POST /auth/token).
import assert from "assert/strict";
import path from "path";
import { request } from "./http";

/** bcryptjs as Node-RED's editor API uses it to check passwords (it ships no types here). */
const bcrypt = require(require.resolve("bcryptjs", { paths: [path.dirname(require.resolve("@node-red/editor-api"))] })) as {
    hashSync(password: string, rounds: number): string;
};

export const PASSWORD = "correct horse battery staple";

/** A user: a name and Node-RED permissions ("*", "read", or a list such as ["status.read", "flows.read"]). */
export interface AdminUser {
    username: string;
    permissions: string | string[];
}

/** The `-D adminAuth=...` setting for a real Node-RED: these users, each with PASSWORD. */
export function adminAuthSetting(users: readonly AdminUser[]): string {
    const password = bcrypt.hashSync(PASSWORD, 8);
    return `adminAuth=${JSON.stringify({ type: "credentials", users: users.map((user) => ({ ...user, password })) })}`;
}

/** An access token per user, each with all of the user's permissions. */
export async function accessTokens(nodeRed: { url: string }, users: readonly AdminUser[]): Promise<Record<string, string>> {
    const tokens: Record<string, string> = {};
    for (const { username, permissions } of users) {
        const scope = Array.isArray(permissions) ? permissions.join(" ") : permissions;
        const answer = await request("POST", `${nodeRed.url}/auth/token`, {
            body: { client_id: "node-red-admin", grant_type: "password", scope, username, password: PASSWORD },
        });
        assert.equal(answer.status, 200, answer.text);
        tokens[username] = (JSON.parse(answer.text) as { access_token: string }).access_token;
    }
    return tokens;
}
