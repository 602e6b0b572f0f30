// Our own rules for the rendered manifests, beyond the Kubernetes schemas. Each rule returns a
// list of findings ("Kind/name: what is wrong"); an empty list means the manifests pass.

// Flags through which each binary reads a file: a mounted Secret key must be one of these.
export const FILE_FLAGS = {
  "oms-server": ["--tls-cert", "--tls-key", "--auth-token-file", "--signer-ca", "--signer-cert",
                 "--signer-key", "--clob-credentials"],
  "oms-signer": ["--keystore", "--password-file", "--key-file", "--policy", "--tls-cert",
                 "--tls-key", "--client-ca"],
  "omsctl": ["--tls-ca", "--auth-token-file"],
};

// Environment variables the binaries read that may come from a Secret.
export const SECRET_ENV = { "oms-server": ["DATABASE_URL", "CLOB_CREDENTIALS_FILE"] };

const name = (o) => `${o.kind}/${o.metadata?.name}`;

export function podSpecOf(o) {
  if (["Deployment", "StatefulSet", "DaemonSet", "Job"].includes(o.kind)) {
    return o.spec?.template?.spec;
  }
  if (o.kind === "CronJob") return o.spec?.jobTemplate?.spec?.template?.spec;
  return undefined;
}

// Which of our binaries a container runs: its command if set, else the image's entrypoint.
export function binaryOf(container) {
  const command = (container.command ?? [])[0];
  if (command) return command.split("/").pop();
  const image = (container.image ?? "").split("/").pop().split(":")[0];
  return image;
}

const flagValue = (arg) => (arg.startsWith("--") && arg.includes("=")) ? arg.split("=")[1] : null;

// Files a container's binary reads, by the flags it is given ("--flag=value" form only).
function filesRead(container) {
  const flags = FILE_FLAGS[binaryOf(container)] ?? [];
  return (container.args ?? [])
    .filter((a) => flags.some((f) => a.startsWith(`${f}=`)))
    .map(flagValue);
}

// An init container `install ... -t DIR FILE...` copies FILEs into DIR: follow the copy.
function installCopies(container) {
  const args = container.args ?? [];
  if (binaryOf(container) !== "install" || !args.includes("-t")) return [];
  const dir = args[args.indexOf("-t") + 1];
  return args.slice(args.indexOf("-t") + 2).map((f) => ({ from: f, to: `${dir}/${f.split("/").pop()}` }));
}

function mountedPath(container, volumeName, itemPath) {
  const mount = (container.volumeMounts ?? []).find((m) => m.name === volumeName);
  return mount ? `${mount.mountPath}/${itemPath}` : null;
}

export function checkProbes(objects) {
  const findings = [];
  for (const o of objects) {
    const pod = podSpecOf(o);
    for (const c of pod?.containers ?? []) {
      for (const kind of ["startupProbe", "readinessProbe", "livenessProbe"]) {
        const probe = c[kind];
        if (!probe) continue;
        const port = probe.grpc?.port ?? probe.httpGet?.port ?? probe.tcpSocket?.port;
        if (probe.exec) continue;
        const declared = (c.ports ?? []).find((p) => p.containerPort === port || p.name === port);
        if (!declared) {
          findings.push(`${name(o)}: ${c.name} ${kind} probes port ${port}, which the container does not declare`);
          continue;
        }
        const number = declared.containerPort;
        if (!(c.args ?? []).some((a) => a.startsWith("--") && a.endsWith(`:${number}`))) {
          findings.push(`${name(o)}: ${c.name} ${kind} probes port ${number}, but no flag listens there`);
        }
        if (probe.grpc && !(c.args ?? []).some((a) => a.startsWith("--health-listen=") && a.endsWith(`:${number}`))) {
          findings.push(`${name(o)}: ${c.name} ${kind} is a gRPC probe on ${number}, which is not the plaintext --health-listen port (the API is TLS-only)`);
        }
      }
    }
  }
  return findings;
}

export function checkSecrets(objects) {
  const findings = [];
  for (const o of objects) {
    const pod = podSpecOf(o);
    if (!pod) continue;
    const main = pod.containers ?? [];
    const init = pod.initContainers ?? [];
    const read = new Set(main.flatMap(filesRead));
    const copies = init.flatMap((c) => installCopies(c).map((copy) => ({ ...copy, container: c })));
    for (const v of pod.volumes ?? []) {
      if (!v.secret) continue;
      if ((v.secret.defaultMode ?? 0o644) & 0o007) {
        findings.push(`${name(o)}: secret volume ${v.name} is world-readable (defaultMode ${(v.secret.defaultMode ?? 0o644).toString(8)})`);
      }
      if (!v.secret.items?.length) {
        findings.push(`${name(o)}: secret volume ${v.name} mounts every key of ${v.secret.secretName}; list the keys a binary reads under items`);
        continue;
      }
      for (const item of v.secret.items) {
        const paths = [...main, ...init].map((c) => mountedPath(c, v.name, item.path)).filter(Boolean);
        if (!paths.length) {
          findings.push(`${name(o)}: secret volume ${v.name} is mounted by no container`);
          continue;
        }
        const used = paths.some((p) => read.has(p) ||
            copies.some((copy) => copy.from === p && read.has(copy.to)));
        if (!used) {
          findings.push(`${name(o)}: secret ${v.secret.secretName} key ${item.key} (mounted at ${paths.join(", ")}) is read by no binary's file flag`);
        }
      }
    }
    for (const c of main) {
      for (const e of c.env ?? []) {
        if (!e.valueFrom?.secretKeyRef) continue;
        if (!(SECRET_ENV[binaryOf(c)] ?? []).includes(e.name)) {
          findings.push(`${name(o)}: ${c.name} gets secret env ${e.name}, which ${binaryOf(c)} does not read`);
        }
      }
    }
  }
  return findings;
}

const selects = (selector, app) => selector?.matchLabels?.app === app;

export function checkSignerIsolation(objects) {
  const policies = objects.filter((o) => o.kind === "NetworkPolicy" && selects(o.spec?.podSelector, "oms-signer"));
  if (!policies.length) return ["no NetworkPolicy selects the signer (app: oms-signer)"];
  const findings = [];
  const egressClosed = policies.some((p) => (p.spec.policyTypes ?? []).includes("Egress"));
  if (!egressClosed) findings.push("no NetworkPolicy on the signer lists Egress in policyTypes, so its egress is open");
  for (const p of policies) {
    if ((p.spec.egress ?? []).length) findings.push(`${name(p)}: allows the signer egress; it must have none`);
    for (const rule of p.spec.ingress ?? []) {
      const peers = rule.from ?? [];
      if (!peers.length) findings.push(`${name(p)}: an ingress rule admits every peer`);
      for (const peer of peers) {
        if (!selects(peer.podSelector, "oms-server") || peer.namespaceSelector || peer.ipBlock) {
          findings.push(`${name(p)}: ingress admits ${JSON.stringify(peer)}, not only oms-server`);
        }
      }
    }
  }
  return findings;
}

export function checkWorkloads(objects) {
  const findings = [];
  const server = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "oms-server");
  if (!server) return ["no Deployment oms-server"];
  if (server.spec.replicas !== 1) findings.push(`${name(server)}: replicas must be 1 (one writer)`);
  if (server.spec.strategy?.type !== "Recreate") findings.push(`${name(server)}: strategy must be Recreate (never two writers)`);
  const init = podSpecOf(server).initContainers ?? [];
  if (!init.some((c) => binaryOf(c) === "oms-server" && (c.args ?? [])[0] === "migrate")) {
    findings.push(`${name(server)}: no init container runs \`oms-server migrate\``);
  }
  const signer = objects.find((o) => o.metadata?.name === "oms-signer" && podSpecOf(o));
  if (!signer) {
    findings.push("no oms-signer workload");
  } else {
    const pod = podSpecOf(signer);
    if (!Object.keys(pod.nodeSelector ?? {}).length) findings.push(`${name(signer)}: no nodeSelector for its dedicated node`);
    if (!(pod.tolerations ?? []).length) findings.push(`${name(signer)}: no toleration for its dedicated node's taint`);
    const stateDir = (pod.containers[0].args ?? []).map((a) => a.startsWith("--state-dir=") ? flagValue(a) : null).find(Boolean);
    const claims = (signer.spec.volumeClaimTemplates ?? []).map((t) => t.metadata.name);
    const mount = (pod.containers[0].volumeMounts ?? []).find((m) => m.mountPath === stateDir);
    if (!stateDir || !mount || !claims.includes(mount.name)) {
      findings.push(`${name(signer)}: --state-dir (ledger and audit) is not on a persistent volume claim`);
    }
  }
  const cronJobs = objects.filter((o) => o.kind === "CronJob");
  for (const j of cronJobs) {
    if (j.spec.concurrencyPolicy !== "Forbid") findings.push(`${name(j)}: concurrencyPolicy must be Forbid`);
    if (!j.spec.startingDeadlineSeconds) findings.push(`${name(j)}: no startingDeadlineSeconds`);
    if (!j.spec.jobTemplate.spec.activeDeadlineSeconds) findings.push(`${name(j)}: no activeDeadlineSeconds`);
  }
  const submits = cronJobs.filter((j) => {
    const c = podSpecOf(j).containers[0];
    const args = (c.args ?? []).join(" ");
    return binaryOf(c) === "omsctl" && args.includes("plan submit --dir=");
  });
  if (!submits.length) findings.push("no CronJob runs `omsctl plan submit --dir`");
  for (const j of submits) {
    const pod = podSpecOf(j);
    const dir = flagValue(pod.containers[0].args.find((a) => a.startsWith("--dir=")));
    const mount = (pod.containers[0].volumeMounts ?? []).find((m) => m.mountPath === dir);
    const volume = (pod.volumes ?? []).find((v) => v.name === mount?.name);
    if (!volume?.configMap) findings.push(`${name(j)}: --dir ${dir} is not a mounted ConfigMap of plans`);
  }
  const ticks = cronJobs.filter((j) => (podSpecOf(j).containers[0].args ?? []).includes("tick"));
  if (!ticks.length) findings.push("no CronJob runs `omsctl tick`");
  for (const o of objects) {
    const pod = podSpecOf(o);
    for (const c of [...(pod?.containers ?? []), ...(pod?.initContainers ?? [])]) {
      if (!c.resources?.requests || !c.resources?.limits?.memory) {
        findings.push(`${name(o)}: ${c.name} lacks resource requests or a memory limit`);
      }
      if (!c.securityContext?.readOnlyRootFilesystem) findings.push(`${name(o)}: ${c.name} root filesystem is writable`);
      if (c.securityContext?.allowPrivilegeEscalation !== false) findings.push(`${name(o)}: ${c.name} may escalate privileges`);
    }
  }
  return findings;
}

// Every plan file of an overlay is in the generated oms-plans ConfigMap, and nothing else is.
export function checkPlansListed(objects, planFiles) {
  const map = objects.find((o) => o.kind === "ConfigMap" && o.metadata.name.startsWith("oms-plans"));
  const keys = Object.keys(map?.data ?? {}).sort();
  const files = [...planFiles].sort();
  const missing = files.filter((f) => !keys.includes(f));
  const extra = keys.filter((k) => !files.includes(k));
  return [
    ...missing.map((f) => `plans/${f} is not listed in the overlay's oms-plans configMapGenerator`),
    ...extra.map((k) => `oms-plans has ${k}, which is not a file in plans/`),
  ];
}
