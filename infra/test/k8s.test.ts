/**
 * The Kubernetes manifests of infra/k8s, read against the code they deploy: every file parses; the
 * kustomization applies everything but the placeholder Secrets; every process the Dockerfile builds
 * has a Deployment running its image, on the port its code listens on, behind a Service on the same
 * port (subgraphs and gateway); probes ask routes the servers really serve; every environment
 * variable is one eiso documents (README) or reads (config code); and the pods run locked down.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

const ROOT = path.join(__dirname, '..', '..');
const K8S = path.join(ROOT, 'infra', 'k8s');
const read = (...parts: string[]) => readFileSync(path.join(ROOT, ...parts), 'utf8');

type Obj = Record<string, any>;
interface Manifest {
  file: string;
  doc: Obj;
}

const files = readdirSync(K8S).filter((f) => /\.ya?ml$/.test(f));

function parse(file: string): Obj[] {
  const documents = parseAllDocuments(readFileSync(path.join(K8S, file), 'utf8'));
  const problems = documents.flatMap((d) => [...d.errors, ...d.warnings].map((e) => `${file}: ${e.message}`));
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return documents.map((d) => d.toJS()).filter((doc) => doc !== null);
}

const manifests: Manifest[] = files
  .filter((f) => f !== 'kustomization.yaml')
  .flatMap((file) => parse(file).map((doc) => ({ file, doc })));
const kustomization = parse('kustomization.yaml')[0];
const applied = manifests.filter((m) => (kustomization.resources as string[]).includes(m.file));
const ofKind = (kind: string, from = applied) => from.filter((m) => m.doc.kind === kind).map((m) => m.doc);
const deployments = ofKind('Deployment');
const services = ofKind('Service');
const job = ofKind('Job')[0];
const exampleSecrets = ofKind(
  'Secret',
  manifests.filter((m) => m.file.endsWith('.example.yaml')),
);

/** The Dockerfile's process targets: `FROM service AS x` (a server, with its port) and worker targets. */
const dockerfile = read('infra', 'Dockerfile');
const serverTargets = [
  ...dockerfile.matchAll(/^FROM service AS ([a-z-]+)\nENV .*PORT_VARIABLE=([A-Z_]+) \2=(\d+)/gm),
].map(([, target, variable, port]) => ({ target, variable, port: Number(port) }));
const workerTargets = [...dockerfile.matchAll(/^FROM runtime AS ([a-z]+-worker)$/gm)].map(([, t]) => t);

const containerOf = (deployment: Obj): Obj => deployment.spec.template.spec.containers[0];
const envOf = (container: Obj): Record<string, Obj> =>
  Object.fromEntries((container.env ?? []).map((e: Obj) => [e.name, e]));
const deploymentNamed = (name: string) => deployments.find((d) => d.metadata.name === name);
const portNumber = (container: Obj, port: string | number) =>
  typeof port === 'number' ? port : container.ports.find((p: Obj) => p.name === port)?.containerPort;
const isWorker = (deployment: Obj) => deployment.metadata.name.endsWith('-worker');

/** The routes each kind of process serves, read from its code. */
const routes = {
  subgraph: new Set(
    [...read('packages', 'server', 'src', 'subgraph-host.ts').matchAll(/app\.get\(\s*'(\/[a-z]*)'/g)].map(
      (m) => m[1],
    ),
  ),
  gateway: new Set(
    [...read('gateway', 'src', 'gateway.ts').matchAll(/app\.get\(\s*'(\/[a-z]*)'/g)].map((m) => m[1]),
  ),
  worker: new Set(
    [...read('packages', 'server', 'src', 'worker-health.ts').matchAll(/path === '(\/[a-z]*)'/g)].map(
      (m) => m[1],
    ),
  ),
};
const routesOf = (deployment: Obj) =>
  isWorker(deployment)
    ? routes.worker
    : deployment.metadata.name === 'gateway'
      ? routes.gateway
      : routes.subgraph;

describe('infra/k8s', () => {
  it('parses: every file is plain YAML, every object names its kind, name and the eiso namespace', () => {
    expect(files.length).toBeGreaterThan(5);
    for (const { file, doc } of manifests) {
      expect([file, typeof doc.apiVersion, typeof doc.kind, typeof doc.metadata?.name]).toEqual([
        file,
        'string',
        'string',
        'string',
      ]);
      if (doc.kind !== 'Namespace') expect([file, doc.metadata.namespace]).toEqual([file, 'eiso']);
    }
  });

  it('applies every manifest but the placeholder Secrets, and no Secret with values', () => {
    const listed = kustomization.resources as string[];
    const expected = files.filter((f) => f !== 'kustomization.yaml' && !f.endsWith('.example.yaml'));
    expect([...listed].sort()).toEqual(expected.sort());
    expect(listed.filter((f) => f.includes('example'))).toEqual([]);
    expect(kustomization.secretGenerator).toBeUndefined();
    for (const secret of ofKind('Secret'))
      expect([secret.metadata.name, secret.data, secret.stringData]).toEqual([
        secret.metadata.name,
        undefined,
        undefined,
      ]);
    // The example is plainly an example: every value a placeholder.
    expect(exampleSecrets.map((s) => s.metadata.name).sort()).toEqual(['eiso-jwt', 'eiso-secrets']);
    for (const secret of exampleSecrets)
      for (const [key, value] of Object.entries(secret.stringData as Record<string, string>))
        expect([key, value.includes('CHANGE-ME')]).toEqual([key, true]);
  });

  it('has a Deployment for every process: the five subgraphs, the gateway and the three workers', () => {
    const processes = [...serverTargets.map((t) => t.target), ...workerTargets].sort();
    expect(processes).toEqual(
      [
        'org',
        'catalog',
        'dossier',
        'audit',
        'notification',
        'gateway',
        'dossier-worker',
        'audit-worker',
        'notification-worker',
      ].sort(),
    );
    expect(deployments.map((d) => d.metadata.name).sort()).toEqual(processes);
    for (const name of processes) {
      const image = containerOf(deploymentNamed(name)!).image as string;
      expect(image).toMatch(new RegExp(`^eiso/${name}:[\\w.-]+$`));
    }
    // One tag for all, set in the kustomization.
    const imageNames = (kustomization.images as Obj[]).map((i) => i.name).sort();
    expect(imageNames).toEqual([...processes, 'migrate'].map((p) => `eiso/${p}`).sort());
  });

  it('runs the migrate target with `migrate`, never `seed`', () => {
    const container = job.spec.template.spec.containers[0];
    expect(container.image).toMatch(/^eiso\/migrate:[\w.-]+$/);
    expect(container.args).toEqual(['migrate']);
    expect(JSON.stringify(job)).not.toMatch(/\bseed\b/);
    expect(dockerfile).toMatch(
      /FROM runtime AS migrate\nENTRYPOINT \["node", "packages\/cli\/dist\/main.js"\]/,
    );
  });

  it("listens where each server's code listens, behind a Service on the same port", () => {
    for (const { target, variable, port } of serverTargets) {
      const deployment = deploymentNamed(target)!;
      const container = containerOf(deployment);
      expect([target, envOf(container)[variable]?.value]).toEqual([target, String(port)]);
      expect([target, portNumber(container, 'http')]).toEqual([target, port]);
      const service = services.find((s) => s.metadata.name === target);
      expect([target, service?.spec.ports.map((p: Obj) => p.port)]).toEqual([target, [port]]);
      // The Service selects this Deployment's pods, and its target port is the container's.
      const labels = deployment.spec.template.metadata.labels;
      for (const [key, value] of Object.entries(service!.spec.selector)) expect(labels[key]).toBe(value);
      expect(portNumber(container, service!.spec.ports[0].targetPort)).toBe(port);
      expect(deployment.spec.selector.matchLabels).toEqual(service!.spec.selector);
    }
    expect(services.map((s) => s.metadata.name).sort()).toEqual(serverTargets.map((t) => t.target).sort());
  });

  it('gives each worker its health port (WORKER_HEALTH_PORT), and no Service', () => {
    for (const name of workerTargets) {
      const container = containerOf(deploymentNamed(name)!);
      const port = Number(envOf(container).WORKER_HEALTH_PORT?.value);
      expect([name, port > 0]).toEqual([name, true]);
      expect(portNumber(container, 'health')).toBe(port);
    }
  });

  it('probes routes the processes serve: /live for liveness and start-up, /ready for readiness', () => {
    expect([...routes.subgraph].sort()).toEqual(expect.arrayContaining(['/live', '/ready']));
    expect([...routes.gateway].sort()).toEqual(expect.arrayContaining(['/live', '/ready']));
    expect([...routes.worker].sort()).toEqual(expect.arrayContaining(['/live', '/ready']));
    for (const deployment of deployments) {
      const name = deployment.metadata.name;
      const container = containerOf(deployment);
      const probes = {
        startup: container.startupProbe,
        liveness: container.livenessProbe,
        readiness: container.readinessProbe,
      };
      for (const [kind, probe] of Object.entries(probes)) {
        const { path: route, port } = probe.httpGet;
        expect([name, kind, routesOf(deployment).has(route)]).toEqual([name, kind, true]);
        expect([name, kind, portNumber(container, port)]).toEqual([
          name,
          kind,
          container.ports[0].containerPort,
        ]);
      }
      expect([name, probes.liveness.httpGet.path, probes.readiness.httpGet.path]).toEqual([
        name,
        '/live',
        '/ready',
      ]);
      // A check gives up after 2 s (runHealthChecks): the probe waits longer than that.
      expect(probes.readiness.timeoutSeconds).toBeGreaterThan(2);
    }
  });

  it('uses only variables eiso documents or reads', () => {
    const readme = read('README.md');
    const table = readme.slice(
      readme.indexOf('## Configuration'),
      readme.indexOf('## Architecture in brief'),
    );
    const documented = new Set([...table.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]));
    const code = [
      ...['packages', 'services'].flatMap((dir) =>
        readdirSync(path.join(ROOT, dir)).map((p) => path.join(ROOT, dir, p, 'src')),
      ),
      path.join(ROOT, 'gateway', 'src'),
    ]
      .flatMap((dir) => sourceFiles(dir))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const names = new Set<string>();
    for (const m of applied) {
      if (m.doc.kind === 'ConfigMap') for (const key of Object.keys(m.doc.data)) names.add(key);
      const spec = m.doc.spec?.template?.spec;
      for (const container of spec?.containers ?? [])
        for (const e of container.env ?? []) names.add(e.name as string);
    }
    for (const secret of exampleSecrets.filter((s) => s.metadata.name === 'eiso-secrets'))
      for (const key of Object.keys(secret.stringData)) names.add(key);
    // NODE_OPTIONS is Node's own (the heap caps `pnpm start` sets too).
    const unknown = [...names].filter(
      (name) => name !== 'NODE_OPTIONS' && !documented.has(name) && !new RegExp(`\\b${name}\\b`).test(code),
    );
    expect(unknown).toEqual([]);
  });

  it('reads secrets only from eiso-secrets keys the example names, or optional ones', () => {
    const example = exampleSecrets.find((s) => s.metadata.name === 'eiso-secrets')!;
    for (const m of applied) {
      const spec = m.doc.spec?.template?.spec;
      for (const container of spec?.containers ?? [])
        for (const e of container.env ?? []) {
          const ref = e.valueFrom?.secretKeyRef;
          if (!ref) continue;
          expect([e.name, ref.name]).toEqual([e.name, 'eiso-secrets']);
          expect([e.name, ref.key in example.stringData || ref.optional === true]).toEqual([e.name, true]);
        }
    }
  });

  it('runs every pod as uid 1000, read-only, without privilege escalation or capabilities, with resources', () => {
    for (const doc of [...deployments, job]) {
      const name = doc.metadata.name;
      const pod = doc.spec.template.spec;
      expect([name, pod.securityContext.runAsNonRoot, pod.securityContext.runAsUser]).toEqual([
        name,
        true,
        1000,
      ]);
      expect([name, pod.automountServiceAccountToken]).toEqual([name, false]);
      for (const container of pod.containers) {
        const sc = container.securityContext;
        expect([name, sc.readOnlyRootFilesystem, sc.allowPrivilegeEscalation, sc.capabilities.drop]).toEqual([
          name,
          true,
          false,
          ['ALL'],
        ]);
        const { requests, limits } = container.resources;
        expect([name, !!requests.cpu, !!requests.memory, !!limits.cpu, !!limits.memory]).toEqual([
          name,
          true,
          true,
          true,
          true,
        ]);
        expect(mebibytes(limits.memory)).toBeGreaterThanOrEqual(mebibytes(requests.memory));
        // The V8 heap cap leaves room under the memory limit for the rest of the process.
        const heap = /--max-old-space-size=(\d+)/.exec(envOf(container).NODE_OPTIONS?.value ?? '');
        if (heap) expect(Number(heap[1]) * 1.5).toBeLessThan(mebibytes(limits.memory));
      }
    }
  });

  it('gives each process the heap caps `eiso start` gives it (packages/cli/src/start.ts, measured there)', () => {
    const start = read('packages', 'cli', 'src', 'start.ts');
    const table = /const HEAP_LIMITS[^=]*= \{([^}]*(?:\}[^}]*)*?)\n\};/.exec(start)![1];
    const limits = Object.fromEntries(
      [...table.matchAll(/(\w+): \{ old: (\d+), semi: (\d+) \}/g)].map(([, name, old, semi]) => [
        name,
        `--max-old-space-size=${old} --max-semi-space-size=${semi}`,
      ]),
    );
    expect(Object.keys(limits).length).toBeGreaterThanOrEqual(7);
    for (const deployment of deployments) {
      const name: string = deployment.metadata.name;
      const expected = limits[name] ?? (isWorker(deployment) ? limits.worker : undefined);
      expect([name, envOf(containerOf(deployment)).NODE_OPTIONS?.value]).toEqual([name, expected]);
    }
  });

  it("waits for the drain: the grace period outlasts preStop and the process's own drain limit", () => {
    const drain =
      Number(
        /timeoutMs = (\d+)_?(\d*)/
          .exec(read('packages', 'server', 'src', 'shutdown.ts'))!
          .slice(1)
          .join(''),
      ) / 1000;
    expect(drain).toBe(10);
    for (const deployment of deployments) {
      const container = containerOf(deployment);
      const preStop = Number(container.lifecycle?.preStop?.exec?.command?.[1] ?? 0);
      expect([
        deployment.metadata.name,
        deployment.spec.template.spec.terminationGracePeriodSeconds > preStop + drain,
      ]).toEqual([deployment.metadata.name, true]);
      // Rolling updates never take a serving pod away before its successor is ready.
      expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
    }
  });

  it('keeps a PodDisruptionBudget for the gateway and every subgraph', () => {
    const budgets = ofKind('PodDisruptionBudget');
    for (const { target } of serverTargets) {
      const budget = budgets.find((b) => b.metadata.name === target);
      expect([target, budget?.spec.selector.matchLabels]).toEqual([
        target,
        deploymentNamed(target)!.spec.selector.matchLabels,
      ]);
      expect(deploymentNamed(target)!.spec.replicas).toBeGreaterThan(1);
    }
  });

  it("asks Prometheus to scrape /metrics on every pod's own port", () => {
    for (const deployment of deployments) {
      const annotations = deployment.spec.template.metadata.annotations;
      expect([
        deployment.metadata.name,
        annotations['prometheus.io/scrape'],
        annotations['prometheus.io/path'],
      ]).toEqual([deployment.metadata.name, 'true', '/metrics']);
      expect(Number(annotations['prometheus.io/port'])).toBe(containerOf(deployment).ports[0].containerPort);
    }
  });
});

function sourceFiles(dir: string): string[] {
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) =>
    e.isDirectory()
      ? sourceFiles(path.join(dir, e.name))
      : e.name.endsWith('.ts')
        ? [path.join(dir, e.name)]
        : [],
  );
}

function mebibytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
}
