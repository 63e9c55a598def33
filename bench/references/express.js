"use strict";
// Reference: a plain express app doing the same verification (the floor Node-RED's HTTP stack imposes).
const express = require("express");
const { settings, decide, listen } = require("./common");

const { secret, path } = settings();
const app = express();
app.disable("x-powered-by");
app.post(path, express.raw({ type: () => true, limit: "5mb" }), (req, res) => {
    // express.raw leaves req.body as {} when there is no body at all.
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const answer = decide(secret, req.headers, rawBody);
    res.status(answer.status).type("text/plain").send(answer.body);
});
listen(require("http").createServer(app));
