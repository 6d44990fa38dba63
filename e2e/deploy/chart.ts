/**
 * Helpers for the chart tests: the helm binary, rendering, Kubernetes and Dapr CRD schema
 * validation, and the facts the chart must agree with (env names, app-ids, Dapr annotations).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '@todo/config';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const chartDir = join(root, 'deploy/helm/todo-app');
export const RELEASE = 'rel';
export const NAMESPACE = 'todo';

/** The helm binary: $HELM_BIN, else one already built by scripts/infra/helm.sh. Never skipped. */
export function helmBin(): string {
  if (process.env.HELM_BIN) return process.env.HELM_BIN;
  const found = spawnSync('bash', [join(root, 'scripts/infra/helm.sh'), 'paths'], { encoding: 'utf8' });
  const m = /^HELM_BIN=(.+)$/m.exec(found.stdout ?? '');
  if (found.status === 0 && m) return m[1]!.trim();
  throw new Error(
    'HELM_BIN is not set and helm is not built: run `npm test` (it provisions helm), or ' +
      '`bash scripts/infra/helm.sh` and export the HELM_BIN=… line it prints',
  );
}

export function helm(args: readonly string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(helmBin(), args, { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
}

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: any;
};

/** `helm template`; throws with helm's message on failure. */
export function render(valuesFiles: readonly string[] = [], sets: readonly string[] = []): K8sObject[] {
  const args = ['template', RELEASE, chartDir, '--namespace', NAMESPACE];
  for (const f of valuesFiles) args.push('-f', join(chartDir, f));
  for (const s of sets) args.push('--set', s);
  const r = helm(args);
  if (r.status !== 0) throw new Error(`helm template failed:\n${r.stderr}`);
  return parseAllDocuments(r.stdout)
    .map((d) => {
      if (d.errors.length) throw new Error(`rendered YAML does not parse: ${d.errors.map((e) => e.message).join('; ')}`);
      return d.toJS() as K8sObject | null;
    })
    .filter((o): o is K8sObject => o !== null);
}

/**
 * NOTES.txt as `helm install` would print it. `helm template` skips NOTES.txt, so a copy of
 * the chart renders it through `tpl` into a ConfigMap.
 */
export function renderNotes(valuesFiles: readonly string[] = [], sets: readonly string[] = []): string {
  const dir = mkdtempSync(join(tmpdir(), 'todo-chart-notes-'));
  try {
    const chart = join(dir, 'todo-app');
    cpSync(chartDir, chart, { recursive: true });
    cpSync(join(chart, 'templates/NOTES.txt'), join(chart, 'notes.txt'));
    writeFileSync(
      join(chart, 'templates/zz-notes.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: notes }\ndata:\n  notes: {{ tpl (.Files.Get "notes.txt") . | toJson }}\n',
    );
    const args = ['template', RELEASE, chart, '--namespace', NAMESPACE, '--show-only', 'templates/zz-notes.yaml'];
    for (const f of valuesFiles) args.push('-f', join(chartDir, f));
    for (const s of sets) args.push('--set', s);
    const r = helm(args);
    if (r.status !== 0) throw new Error(`rendering NOTES.txt failed:\n${r.stderr}`);
    return (parse(r.stdout) as { data: { notes: string } }).data.notes;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const valuesCases = (): string[][] => [
  [],
  ...readdirSync(join(chartDir, 'ci'))
    .filter((f) => f.endsWith('-values.yaml'))
    .sort()
    .map((f) => [`ci/${f}`]),
];

export const loadYaml = (path: string): any => parse(readFileSync(path, 'utf8'));

/** Values as Helm merges them: values.yaml, then each file in order (maps merge, the rest replaces). */
export function mergedValues(valuesFiles: readonly string[]): any {
  const merge = (a: any, b: any): any => {
    if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
      const out: any = { ...a };
      for (const [k, v] of Object.entries(b)) out[k] = merge(a[k], v);
      return out;
    }
    return b === undefined ? a : b;
  };
  return valuesFiles.reduce((acc, f) => merge(acc, loadYaml(join(chartDir, f))), loadYaml(join(chartDir, 'values.yaml')));
}

// ------------------------------------------------------------- the code's facts ----

/**
 * Every environment variable packages/config reads, recorded by handing loadConfig an env
 * that logs which keys are looked up (so the list cannot drift from the schema).
 */
export function configEnvNames(): string[] {
  const seen = new Set<string>();
  const env = new Proxy({} as Record<string, string | undefined>, {
    get(_t, key) {
      if (typeof key === 'string') seen.add(key);
      return undefined;
    },
  });
  loadConfig(env);
  return [...seen].filter((k) => /^[A-Z][A-Z0-9_]*$/.test(k)).sort();
}

/** Role -> Dapr app-id; fixed, because the components and the roles' subscriptions name them. */
export const APP_IDS = {
  api: 'backend',
  mcp: 'mcp-server',
  notifier: 'notification-service',
  mailer: 'email-delivery-service',
  recurring: 'recurring-task-service',
} as const;

/**
 * Every annotation the Dapr 1.18 sidecar injector reads: the 64 `Key…` constants of
 * dapr/dapr v1.18.3 `pkg/injector/annotations/annotations.go` (identical in v1.18.2, which
 * lacks only `dapr.io/app-binding-options-timeout`). An annotation outside this list is silently ignored by Dapr.
 */
export const DAPR_118_ANNOTATIONS = new Set([
  'dapr.io/enabled',
  'dapr.io/app-port',
  'dapr.io/config',
  'dapr.io/app-protocol',
  'dapr.io/app-ssl',
  'dapr.io/app-id',
  'dapr.io/enable-profiling',
  'dapr.io/log-level',
  'dapr.io/api-token-secret',
  'dapr.io/app-token-secret',
  'dapr.io/log-as-json',
  'dapr.io/app-max-concurrency',
  'dapr.io/enable-metrics',
  'dapr.io/metrics-port',
  'dapr.io/enable-debug',
  'dapr.io/debug-port',
  'dapr.io/env',
  'dapr.io/env-from-secret',
  'dapr.io/grpc-port',
  'dapr.io/internal-grpc-port',
  'dapr.io/sidecar-cpu-request',
  'dapr.io/sidecar-cpu-limit',
  'dapr.io/sidecar-memory-request',
  'dapr.io/sidecar-memory-limit',
  'dapr.io/sidecar-listen-addresses',
  'dapr.io/sidecar-liveness-probe-delay-seconds',
  'dapr.io/sidecar-liveness-probe-timeout-seconds',
  'dapr.io/sidecar-liveness-probe-period-seconds',
  'dapr.io/sidecar-liveness-probe-threshold',
  'dapr.io/sidecar-readiness-probe-delay-seconds',
  'dapr.io/sidecar-readiness-probe-timeout-seconds',
  'dapr.io/sidecar-readiness-probe-period-seconds',
  'dapr.io/sidecar-readiness-probe-threshold',
  'dapr.io/sidecar-image',
  'dapr.io/sidecar-seccomp-profile-type',
  'dapr.io/http-max-request-size',
  'dapr.io/max-body-size',
  'dapr.io/http-read-buffer-size',
  'dapr.io/read-buffer-size',
  'dapr.io/graceful-shutdown-seconds',
  'dapr.io/block-shutdown-duration',
  'dapr.io/enable-api-logging',
  'dapr.io/unix-domain-socket-path',
  'dapr.io/volume-mounts',
  'dapr.io/volume-mounts-rw',
  'dapr.io/enable-app-health-check',
  'dapr.io/app-health-check-path',
  'dapr.io/app-health-probe-interval',
  'dapr.io/app-health-probe-timeout',
  'dapr.io/app-health-threshold',
  'dapr.io/app-binding-options-timeout',
  'dapr.io/placement-host-address',
  'dapr.io/actors-disseminate-timeout',
  'dapr.io/scheduler-host-address',
  'dapr.io/pluggable-components',
  'dapr.io/pluggable-components-sockets-folder',
  'dapr.io/component-container',
  'dapr.io/inject-pluggable-components',
  'dapr.io/app-channel-address',
  'dapr.io/sentry-request-jwt-audiences',
  'dapr.io/sidecar-svc-annotations',
  'dapr.io/disable-init-endpoints',
  'dapr.io/enable-native-sidecar',
]);

// -------------------------------------------------------------- schema checks ----

type ModelCtor = new (data: unknown) => { validate(): void };
const modelCache = new Map<string, ModelCtor>();

/** Validates one built-in Kubernetes object with its kubernetes-models class (OpenAPI schema). */
export async function validateK8s(obj: K8sObject): Promise<void> {
  const key = `${obj.apiVersion}/${obj.kind}`;
  let Model = modelCache.get(key);
  if (!Model) {
    const mod = (await import(/* @vite-ignore */ `kubernetes-models/${obj.apiVersion}/${obj.kind}`)) as Record<string, ModelCtor>;
    Model = mod[obj.kind];
    if (!Model) throw new Error(`kubernetes-models has no ${key}`);
    modelCache.set(key, Model);
  }
  new Model(obj).validate();
}

/**
 * Dapr's CRD schemas (copied from dapr/dapr v1.18.3 charts/dapr/crds/, see dapr-crds/README.md),
 * checked strictly: an unknown field is an error (the API server would prune it silently).
 */
const crdSchemas = (() => {
  const map = new Map<string, any>();
  const dir = join(root, 'e2e/deploy/dapr-crds');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) {
        map.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
      }
    }
  }
  return map;
})();

export const isDaprKind = (obj: K8sObject): boolean => obj.apiVersion.startsWith('dapr.io/');

export function validateDapr(obj: K8sObject): string[] {
  const schema = crdSchemas.get(`${obj.apiVersion}/${obj.kind}`);
  if (!schema) return [`no Dapr CRD schema for ${obj.apiVersion} ${obj.kind}`];
  const errors: string[] = [];
  const walk = (s: any, v: unknown, path: string): void => {
    if (v === null || v === undefined) return;
    if (s['x-kubernetes-preserve-unknown-fields'] && !s.properties) return;
    // `metadata: {type: object}` and the like: free-form (ObjectMeta is checked by the API server).
    if (s.type === 'object' && !s.properties && !s.additionalProperties) return;
    if (s['x-kubernetes-int-or-string']) {
      if (typeof v !== 'string' && !Number.isInteger(v)) errors.push(`${path}: must be an integer or a string`);
      return;
    }
    const type = s.type as string | undefined;
    const actual = Array.isArray(v) ? 'array' : Number.isInteger(v) ? 'integer' : typeof v;
    if (type && !(type === actual || (type === 'number' && actual === 'integer'))) {
      errors.push(`${path}: expected ${type}, got ${actual}`);
      return;
    }
    if (s.enum && !s.enum.includes(v)) errors.push(`${path}: ${JSON.stringify(v)} not in ${JSON.stringify(s.enum)}`);
    if (actual === 'array' && s.items) (v as unknown[]).forEach((item, i) => walk(s.items, item, `${path}[${i}]`));
    if (actual === 'object') {
      const o = v as Record<string, unknown>;
      for (const req of s.required ?? []) if (!(req in o)) errors.push(`${path}.${req}: required`);
      for (const [k, val] of Object.entries(o)) {
        if (s.properties?.[k]) walk(s.properties[k], val, `${path}.${k}`);
        else if (s.additionalProperties && typeof s.additionalProperties === 'object')
          walk(s.additionalProperties, val, `${path}.${k}`);
        else if (!s['x-kubernetes-preserve-unknown-fields']) errors.push(`${path}.${k}: unknown field`);
      }
    }
  };
  walk(schema, obj, '');
  return errors;
}

export const execText = (cmd: string, args: readonly string[]): string =>
  execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
