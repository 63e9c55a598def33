"use strict";
// Loads the compiled node modules for node-red-node-test-helper, keeping hold of RED.httpNode:
// helper.request() talks to the admin app, so webhook requests go to httpNode with supertest.
const helper = require("node-red-node-test-helper");
const supertest = require("supertest");

helper.init(require.resolve("node-red"));

const signatureNode = require("../../dist/nodes/alocity-signature.js");
const webhookInNode = require("../../dist/nodes/alocity-webhook-in.js");

let httpNode;
function keepHttpNode(RED) {
    httpNode = RED.httpNode;
}

/** The node modules to pass to helper.load; add others (e.g. the event switch) after them. */
const modules = [keepHttpNode, signatureNode, webhookInNode];

/** The RED.httpNode express app of the flow loaded last. */
function httpNodeApp() {
    if (!httpNode) throw new Error("no flow loaded yet");
    return httpNode;
}

/** A supertest agent on the RED.httpNode of the flow loaded last. */
function httpNodeRequest() {
    return supertest(httpNodeApp());
}

module.exports = { helper, modules, httpNodeApp, httpNodeRequest };
