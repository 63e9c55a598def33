// Node-RED with adminAuth: scripts/admin-auth.js (shared with the benchmark), typed, and a token per user.
import { loadModule } from "./modules";

const PASSWORD = "correct horse battery staple";

/** A user: a name and Node-RED permissions ("*", "read", or a list such as ["status.read", "flows.read"]). */
export interface AdminUser {
    username: string;
    permissions: string | string[];
}

const script = loadModule<{
    adminAuthSetting(users: readonly AdminUser[], password: string): string;
    accessToken(url: string, user: AdminUser, password: string): Promise<string>;
}>("../../scripts/admin-auth");

/** The `-D adminAuth=...` setting for a real Node-RED: these users, each with PASSWORD. */
export function adminAuthSetting(users: readonly AdminUser[]): string {
    return script.adminAuthSetting(users, PASSWORD);
}

/** An access token per user, each with all of the user's permissions. */
export async function accessTokens(nodeRed: { url: string }, users: readonly AdminUser[]): Promise<Record<string, string>> {
    const tokens: Record<string, string> = {};
    for (const user of users) {
        tokens[user.username] = await script.accessToken(nodeRed.url, user, PASSWORD);
    }
    return tokens;
}
