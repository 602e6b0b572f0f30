// Proves each rule can fail: the base passes, and each mutation a careless edit could make is
// caught. Renders deploy/k8s/base with `kubectl kustomize`.
import { execFileSync } from "node:child_process";
import assert from "node:assert/strict";
import test from "node:test";
import yaml from "js-yaml";
import { checkPlansListed, checkProbes, checkSecrets, checkSignerIsolation,
         checkWorkloads, podSpecOf } from "./rules.mjs";

const rendered = execFileSync("kubectl", ["kustomize", new URL("../base", import.meta.url).pathname],
                              { encoding: "utf8" });
const fresh = () => yaml.loadAll(rendered).filter(Boolean);
const find = (objects, kind, name) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const all = (objects) => [...checkProbes(objects), ...checkSecrets(objects),
                          ...checkSignerIsolation(objects), ...checkWorkloads(objects)];

test("the base passes every rule", () => {
  assert.deepEqual(all(fresh()), []);
});

test("a probe on the TLS-only API port is caught", () => {
  const objects = fresh();
  podSpecOf(find(objects, "Deployment", "oms-server")).containers[0].readinessProbe.grpc.port = 50051;
  assert.match(checkProbes(objects).join("\n"), /not the plaintext --health-listen port/);
});

test("a probe on an undeclared port is caught", () => {
  const objects = fresh();
  podSpecOf(find(objects, "StatefulSet", "oms-signer")).containers[0].livenessProbe.grpc.port = 6000;
  assert.match(checkProbes(objects).join("\n"), /does not declare/);
});

test("a mounted secret key no binary reads is caught", () => {
  const objects = fresh();
  const pod = podSpecOf(find(objects, "Deployment", "oms-server"));
  pod.volumes.find((v) => v.name === "api-token").secret.items.push({ key: "spare", path: "spare" });
  assert.match(checkSecrets(objects).join("\n"), /key spare .* is read by no binary/);
});

test("a key copied by the init container but never passed to the signer is caught", () => {
  const objects = fresh();
  const signer = podSpecOf(find(objects, "StatefulSet", "oms-signer")).containers[0];
  signer.args = signer.args.filter((a) => !a.startsWith("--password-file="));
  assert.match(checkSecrets(objects).join("\n"), /key password .* is read by no binary/);
});

test("a whole secret mounted without items, or world-readable, is caught", () => {
  const objects = fresh();
  const volume = podSpecOf(find(objects, "Deployment", "oms-server")).volumes
      .find((v) => v.name === "server-tls");
  delete volume.secret.items;
  volume.secret.defaultMode = 0o644;
  const findings = checkSecrets(objects).join("\n");
  assert.match(findings, /world-readable/);
  assert.match(findings, /mounts every key/);
});

test("signer egress, or ingress from another pod, is caught", () => {
  const objects = fresh();
  const policy = find(objects, "NetworkPolicy", "oms-signer-isolation");
  policy.spec.egress = [{ to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] }];
  policy.spec.ingress[0].from.push({ podSelector: { matchLabels: { app: "oms-tick" } } });
  const findings = checkSignerIsolation(objects).join("\n");
  assert.match(findings, /must have none/);
  assert.match(findings, /not only oms-server/);
  policy.spec.policyTypes = ["Ingress"];
  policy.spec.egress = [];
  assert.match(checkSignerIsolation(objects).join("\n"), /egress is open/);
});

test("two writers, no migration, or overlapping CronJobs are caught", () => {
  const objects = fresh();
  const server = find(objects, "Deployment", "oms-server");
  server.spec.strategy = { type: "RollingUpdate" };
  podSpecOf(server).initContainers = [];
  find(objects, "CronJob", "oms-tick").spec.concurrencyPolicy = "Allow";
  delete find(objects, "CronJob", "oms-plans").spec.jobTemplate.spec.activeDeadlineSeconds;
  const findings = checkWorkloads(objects).join("\n");
  assert.match(findings, /Recreate/);
  assert.match(findings, /oms-server migrate/);
  assert.match(findings, /oms-tick: concurrencyPolicy must be Forbid/);
  assert.match(findings, /oms-plans: no activeDeadlineSeconds/);
});

test("a plan file missing from the ConfigMap is caught", () => {
  assert.deepEqual(checkPlansListed(fresh(), []), []);
  assert.match(checkPlansListed(fresh(), ["new-plan.json"]).join("\n"),
               /new-plan.json is not listed/);
});
