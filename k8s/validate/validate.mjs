// Validates Kubernetes objects (the output of `kubectl kustomize`) against the API schemas, offline: core kinds with
// npm kubernetes-models, monitoring.coreos.com kinds with @kubernetes-models/prometheus-operator (models generated
// from the prometheus-operator CRDs' OpenAPI schemas). Run it where its node_modules are installed:
//
//   npm ci --prefix k8s/validate
//   kubectl kustomize k8s/overlays/dev | node k8s/validate/validate.mjs -
//   node k8s/validate/validate.mjs rendered.yaml --json-out rendered.json
//
// What it catches: wrong types, missing required fields, bad enum values and patterns (quantities, durations), an
// apiVersion/kind with no schema here, objects without a name, the same object twice, duplicate YAML keys. What it
// does not: unknown fields (the schemas allow additional properties, so a misspelt field passes: ManifestsTest
// checks the fields that matter by name) and anything only a server knows (admission, quotas, existing objects).
// Exit status: 0 valid, 1 invalid, 2 usage or input error.
import { readFileSync, writeFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

// apiVersion group -> the package whose models cover it. Anything else is an error: a new kind needs a schema.
const CORE_GROUPS = new Set([
  "", "apps", "batch", "policy", "rbac.authorization.k8s.io", "networking.k8s.io", "autoscaling",
  "scheduling.k8s.io", "storage.k8s.io", "coordination.k8s.io", "discovery.k8s.io",
]);
const CRD_PACKAGES = {
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

function modulePath(apiVersion, kind) {
  if (typeof apiVersion !== "string" || typeof kind !== "string" || !/^[A-Za-z0-9]+$/.test(kind)) return null;
  const slash = apiVersion.indexOf("/");
  const group = slash < 0 ? "" : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  if (CORE_GROUPS.has(group)) return `kubernetes-models/${group ? group + "/" : ""}${version}/${kind}`;
  if (CRD_PACKAGES[group]) return `${CRD_PACKAGES[group]}/${group}/${version}/${kind}`;
  return null;
}

function describe(doc) {
  const ns = doc?.metadata?.namespace ? `${doc.metadata.namespace}/` : "";
  return `${doc?.kind ?? "?"} ${ns}${doc?.metadata?.name ?? "?"}`;
}

async function main(argv) {
  const inputs = [];
  let jsonOut = null;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--json-out") jsonOut = argv[++i];
    else inputs.push(argv[i]);
  }
  if (inputs.length === 0 || (jsonOut === undefined)) {
    console.error("usage: validate.mjs FILE|- ... [--json-out FILE]");
    return 2;
  }

  const objects = [];
  const errors = [];
  for (const input of inputs) {
    let text;
    try {
      text = readFileSync(input === "-" ? 0 : input, "utf8");
    } catch (e) {
      console.error(`cannot read ${input}: ${e.message}`);
      return 2;
    }
    for (const document of parseAllDocuments(text, { uniqueKeys: true })) {
      if (document.errors.length > 0) {
        for (const e of document.errors) errors.push(`${input}: YAML: ${e.message}`);
        continue;
      }
      const doc = document.toJS();
      if (doc === null || doc === undefined) continue;
      objects.push(doc);
    }
  }

  const seen = new Set();
  for (const doc of objects) {
    const what = describe(doc);
    if (typeof doc !== "object" || Array.isArray(doc)) {
      errors.push(`a document is not an object: ${JSON.stringify(doc).slice(0, 80)}`);
      continue;
    }
    if (!doc.metadata?.name) errors.push(`${what}: metadata.name is missing`);
    const key = `${doc.apiVersion}|${doc.kind}|${doc.metadata?.namespace ?? ""}|${doc.metadata?.name}`;
    if (seen.has(key)) errors.push(`${what}: appears twice`);
    seen.add(key);

    const path = modulePath(doc.apiVersion, doc.kind);
    if (!path) {
      errors.push(`${what}: no schema for apiVersion ${doc.apiVersion}, kind ${doc.kind}`);
      continue;
    }
    let Model;
    try {
      Model = (await import(path))[doc.kind];
    } catch (e) {
      errors.push(`${what}: no schema for ${doc.apiVersion} ${doc.kind} (${path}: ${e.code ?? e.message})`);
      continue;
    }
    try {
      new Model(doc).validate();
    } catch (e) {
      const details = Array.isArray(e.errors) && e.errors.length > 0
        ? e.errors.map((x) => `${x.instancePath || "/"} ${x.message}${x.params?.allowedValues ? " " + JSON.stringify(x.params.allowedValues) : ""}`)
        : [e.message];
      for (const d of details) errors.push(`${what}: ${d}`);
    }
  }

  if (jsonOut) writeFileSync(jsonOut, JSON.stringify(objects, null, 1));
  for (const e of errors) console.log(`INVALID ${e}`);
  console.log(`${objects.length} objects checked, ${errors.length} errors`);
  return errors.length === 0 ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
