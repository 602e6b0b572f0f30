// Validates rendered manifests offline: every object against the Kubernetes schemas
// (kubernetes-models), our own rules (rules.mjs), and an overlay's plans against the trade-plan
// schema. With --bin NAME=PATH, every flag the manifests pass to that binary must be in its --help.
// Usage: node check.mjs [--bin NAME=PATH]... [--schema PLAN_SCHEMA] RENDERED.yaml[:PLANS_DIR]...
// Exit status: 0 clean, 1 findings (printed one per line), 2 usage.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { basename } from "node:path";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import yaml from "js-yaml";
import { binaryOf, checkPlansListed, checkProbes, checkSecrets, checkSignerIsolation,
         checkWorkloads, podSpecOf } from "./rules.mjs";

async function validateSchema(o) {
  const [group, version] = o.apiVersion.includes("/") ? o.apiVersion.split("/") : [null, o.apiVersion];
  const module = group ? `kubernetes-models/${group}/${version}/${o.kind}` : `kubernetes-models/${version}/${o.kind}`;
  let Model;
  try {
    Model = (await import(module))[o.kind];
  } catch {
    return [`${o.kind}/${o.metadata?.name}: no schema for ${o.apiVersion} ${o.kind}`];
  }
  try {
    new Model(o).validate();
    return [];
  } catch (e) {
    return [`${o.kind}/${o.metadata?.name}: ${e.message}`];
  }
}

function checkPlanSchema(schemaFile, dir) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(JSON.parse(readFileSync(schemaFile, "utf8")));
  const findings = [];
  for (const f of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
    const plan = JSON.parse(readFileSync(`${dir}/${f}`, "utf8"));
    if (!validate(plan)) {
      findings.push(...validate.errors.map((e) => `plans/${f}${e.instancePath}: ${e.message}`));
    }
    if (plan.planId !== basename(f, ".json")) {
      findings.push(`plans/${f}: planId "${plan.planId}" differs from the file name`);
    }
  }
  return findings;
}

// Flags passed to our binaries must exist: each binary's --help (and omsctl's subcommand's).
function checkFlags(objects, bins) {
  const help = new Map();
  const helpOf = (bin, words) => {
    const key = [bin, ...words].join(" ");
    if (!help.has(key)) {
      try {
        help.set(key, execFileSync(bins[bin], [...words, "--help"], { encoding: "utf8" }));
      } catch (e) {
        help.set(key, `${e.stdout ?? ""}`);
      }
    }
    return help.get(key);
  };
  const findings = [];
  for (const o of objects) {
    const pod = podSpecOf(o);
    for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      const bin = binaryOf(c);
      if (!bins[bin]) continue;
      const args = c.args ?? [];
      const words = args.filter((a) => !a.startsWith("-"));
      const text = helpOf(bin, []) + helpOf(bin, words);
      for (const a of args.filter((a) => a.startsWith("--"))) {
        const flag = a.split("=")[0];
        if (!new RegExp(`${flag}\\b`).test(text)) {
          findings.push(`${o.kind}/${o.metadata.name}: ${c.name} passes ${flag}, which \`${bin} ${words.join(" ")} --help\` does not list`);
        }
      }
    }
  }
  return findings;
}

async function main(argv) {
  const bins = {};
  let schema = null;
  const inputs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--bin") {
      const [bin, path] = argv[++i].split("=");
      bins[bin] = path;
    }
    else if (argv[i] === "--schema") schema = argv[++i];
    else inputs.push(argv[i]);
  }
  if (!inputs.length) {
    console.error("usage: node check.mjs [--bin NAME=PATH]... [--schema PLAN_SCHEMA] RENDERED.yaml[:PLANS_DIR]...");
    return 2;
  }
  let failed = false;
  for (const input of inputs) {
    const [file, plansDir] = input.split(":");
    const objects = yaml.loadAll(readFileSync(file, "utf8")).filter(Boolean);
    const findings = [];
    for (const o of objects) findings.push(...(await validateSchema(o)));
    findings.push(...checkProbes(objects), ...checkSecrets(objects),
                  ...checkSignerIsolation(objects), ...checkWorkloads(objects));
    if (plansDir) {
      const files = readdirSync(plansDir).filter((f) => f.endsWith(".json"));
      findings.push(...checkPlansListed(objects, files));
      if (schema) findings.push(...checkPlanSchema(schema, plansDir));
    }
    findings.push(...checkFlags(objects, bins));
    for (const f of findings) console.log(`${basename(file)}: ${f}`);
    console.log(`${basename(file)}: ${objects.length} objects, ${findings.length} finding(s)`);
    failed ||= findings.length > 0;
  }
  return failed ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
