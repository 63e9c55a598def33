"use strict";
// Node-RED with adminAuth: the setting for its users, and access tokens got as the editor gets them (POST
// /auth/token). Used by the tests (test/support/admin-auth.ts) and the benchmark (an authenticated editor).
const path = require("path");
const { request } = require("./http-request");

// bcryptjs as Node-RED's editor API uses it to check passwords (a dependency of node-red, the devDependency).
const bcrypt = require(require.resolve("bcryptjs", { paths: [path.dirname(require.resolve("@node-red/editor-api"))] }));

/**
 * The `-D adminAuth=...` setting: these users, each with `password`.
 * @param {{ username: string, permissions: string | string[] }[]} users permissions: "*", "read", or a list
 * @param {string} password
 */
function adminAuthSetting(users, password) {
    const hash = bcrypt.hashSync(password, 8);
    return `adminAuth=${JSON.stringify({ type: "credentials", users: users.map((user) => ({ ...user, password: hash })) })}`;
}

/** An access token for a user, with all of its permissions (`permissions` as in adminAuthSetting). */
async function accessToken(url, { username, permissions }, password) {
    const scope = Array.isArray(permissions) ? permissions.join(" ") : permissions;
    const body = { client_id: "node-red-admin", grant_type: "password", scope, username, password };
    const answer = await request("POST", `${url}/auth/token`, { body });
    if (answer.status !== 200) throw new Error(`POST /auth/token for ${username}: ${answer.status} ${answer.text}`);
    return JSON.parse(answer.text).access_token;
}

module.exports = { adminAuthSetting, accessToken };
