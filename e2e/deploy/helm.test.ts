/**
 * The Helm chart (deploy/helm/todo-app), checked with a real helm built from its Go module
 * (scripts/infra/helm.sh): lint and render every values fixture, validate every object
 * against the Kubernetes and Dapr schemas, and cross-check it against the code.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, ROLES, type Role } from '@todo/config';
import { TOPICS, deadLetterTopic } from '@todo/domain';
import {
  APP_IDS,
  DAPR_118_ANNOTATIONS,
  NAMESPACE,
  RELEASE,
  chartDir,
  configEnvNames,
  helm,
  isDaprKind,
  loadYaml,
  mergedValues,
  render,
  renderNotes,
  validateDapr,
  validateK8s,
  valuesCases,
  type K8sObject,
} from './chart.js';

const ENV_NAMES = configEnvNames();
const FULLNAME = `${RELEASE}-todo-app`;
const CODE_TOPICS = Object.values(TOPICS);
const ALLOWED_TOPICS = [...CODE_TOPICS, ...CODE_TOPICS.map(deadLetterTopic)].sort();
const SECRET_ENV = /(SECRET|PASSWORD|TOKEN|API_KEY|PRIVATE_KEY)$|^DATABASE_URL$|^SMTP_URL$/;

const byKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
const named = (objs: K8sObject[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
const appContainer = (d: K8sObject) => d.spec.template.spec.containers[0];
const label = (files: string[]) => (files.length ? files.join(',') : 'default values');

/** Plausible values for env taken from Secrets, so loadConfig can parse a rendered container env. */
const SECRET_SAMPLES: Record<string, string> = {
  DATABASE_URL: 'postgres://todo:pw@db:5432/todo',
  JWT_SECRET: 'j'.repeat(48),
  SMTP_URL: 'smtps://user:pw@mail.example.com:465',
  OPENAI_API_KEY: 'sk-test',
  DAPR_API_TOKEN: 'dapr-token',
  APP_API_TOKEN: 'app-token',
  VAPID_PUBLIC_KEY: `B${'p'.repeat(86)}`,
  VAPID_PRIVATE_KEY: 'k'.repeat(43),
};

describe('helm chart deploy/helm/todo-app', () => {
  it('the code reads exactly the environment the brief lists (packages/config)', () => {
    expect(ENV_NAMES).toEqual(
      [
        'HOST',
        'PORT',
        'LISTEN_SOCKETS',
        'DATA_DIR',
        'DATABASE_URL',
        'USE_DAPR',
        'ROLES',
        'DAPR_HTTP_PORT',
        'PUBSUB_NAME',
        'STATESTORE_NAME',
        'SECRETSTORE_NAME',
        'APP_API_TOKEN',
        'DAPR_API_TOKEN',
        'JWT_SECRET',
        'SMTP_URL',
        'MAIL_FROM',
        'PUBLIC_URL',
        'VAPID_PUBLIC_KEY',
        'VAPID_PRIVATE_KEY',
        'VAPID_SUBJECT',
        'PUSH_SERVICES',
        'OPENAI_BASE_URL',
        'OPENAI_API_KEY',
        'CHAT_MODEL',
        'LOG_LEVEL',
        'LOG_FORMAT',
        'BODY_LIMIT',
        'TRUST_PROXY',
        'METRICS_PORT',
        'MAX_IN_FLIGHT',
        'MAX_QUEUE_MS',
        'MAX_EVENT_LOOP_DELAY_MS',
        'SSE_STREAMS_PER_USER',
        'LIST_CACHE_MB',
        'RECURRENCE_RECONCILE_EVERY_MS',
        'RECURRENCE_RECONCILE_GRACE_MS',
        'REMINDER_RECONCILE_EVERY_MS',
        'REMINDER_RECONCILE_GRACE_MS',
        'WEBHOOK_ALLOW_PRIVATE_TARGETS',
        'WEBHOOK_RETRY_EVERY_MS',
      ].sort(),
    );
  });

  for (const files of valuesCases()) {
    describe(label(files), () => {
      const values = mergedValues(files);
      const objs = render(files);
      const enabledRoles = ROLES.filter((r) => values.roles[r].enabled);
      const appIds = enabledRoles.map((r) => APP_IDS[r]);

      it('passes helm lint --strict', () => {
        const r = helm(['lint', chartDir, '--strict', ...files.flatMap((f) => ['-f', join(chartDir, f)])]);
        expect(r.stderr + r.stdout, r.stderr + r.stdout).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
        expect(r.status).toBe(0);
      });

      it('renders only objects valid against the Kubernetes / Dapr 1.18 CRD schemas', async () => {
        expect(objs.length).toBeGreaterThan(5);
        const problems: string[] = [];
        for (const o of objs) {
          if (isDaprKind(o)) problems.push(...validateDapr(o).map((e) => `${o.kind}/${o.metadata.name}${e}`));
          else {
            try {
              await validateK8s(o);
            } catch (error) {
              problems.push(`${o.kind}/${o.metadata.name}: ${(error as Error).message}`);
            }
          }
          expect(o.metadata.name.length, o.metadata.name).toBeLessThanOrEqual(63);
        }
        expect(problems, problems.join('\n')).toEqual([]);
        expect(byKind(objs, 'Secret'), 'the chart never creates Secrets (existingSecret only)').toEqual([]);
        const ids = objs.map((o) => `${o.kind}/${o.metadata.name}`);
        expect(new Set(ids).size, 'no duplicate objects').toBe(ids.length);
      });

      it('has one Deployment and Service per enabled role, wired to the code', () => {
        const deployments = byKind(objs, 'Deployment');
        expect(deployments.map((d) => d.metadata.name).sort()).toEqual(enabledRoles.map((r) => `${FULLNAME}-${r}`).sort());
        for (const role of enabledRoles) {
          const d = named(objs, 'Deployment', `${FULLNAME}-${role}`)!;
          const c = appContainer(d);
          expect(c.args).toEqual(['start', '--roles', role]);
          const port = c.ports.find((p: any) => p.name === 'http').containerPort;
          expect(port).toBe(values.config.port);

          // Every variable the config reads is set, secrets only through secretKeyRef.
          const names = c.env.map((e: any) => e.name);
          expect([...names].sort(), role).toEqual(ENV_NAMES);
          const env: Record<string, string> = {};
          for (const e of c.env) {
            if (e.valueFrom) {
              expect(e.valueFrom.secretKeyRef, `${role} ${e.name}`).toBeDefined();
              env[e.name] = SECRET_SAMPLES[e.name] ?? 'x';
            } else {
              if (SECRET_ENV.test(e.name)) expect(e.value, `${role} ${e.name} must come from a Secret`).toBe('');
              env[e.name] = e.value;
            }
          }
          // The rendered env parses with the app's own config (formats, enums, numbers).
          const config = loadConfig(env);
          expect(config.roles).toEqual([role as Role]);
          expect(config.port).toBe(port);
          expect(config.host).toBe('0.0.0.0');
          expect(config.useDapr).toBe(values.useDapr);
          expect(config.dapr.httpPort).toBe(3500);
          expect(config.dapr.pubsubName).toBe('pubsub');
          expect(config.dapr.statestoreName).toBe('statestore');
          expect(config.dapr.secretstoreName).toBe(values.dapr.secretstore.name);
          const dbRef = c.env.find((e: any) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef;
          expect(dbRef).toEqual({ name: values.secrets.database.existingSecret, key: values.secrets.database.key });

          // Probes on the role's own port: liveness /healthz, readiness /readyz.
          expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
          expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
          expect(c.startupProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
          expect(c.resources.requests).toBeDefined();
          expect(c.resources.limits).toBeDefined();
          expect(c.securityContext.allowPrivilegeEscalation).toBe(false);
          expect(d.spec.template.spec.securityContext.runAsNonRoot).toBe(true);

          // Service -> pods of this role, targetPort = the named container port.
          const svc = named(objs, 'Service', `${FULLNAME}-${role}`)!;
          expect(svc.spec.selector).toEqual(d.spec.selector.matchLabels);
          expect(svc.spec.ports[0].targetPort).toBe('http');
          // Metrics on their own port, scraped from the pod, never behind the Service (or an Ingress).
          const metricsPort = c.ports.find((p: any) => p.name === 'metrics').containerPort;
          expect(config.metricsPort).toBe(metricsPort);
          expect(metricsPort).not.toBe(port);
          expect(svc.spec.ports.map((p: any) => p.targetPort)).toEqual(['http']);
          expect(d.spec.template.metadata.annotations).toMatchObject({
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(metricsPort),
            'prometheus.io/path': '/metrics',
          });
          for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) expect(d.spec.template.metadata.labels[k]).toBe(v);

          // Dapr sidecar annotations.
          const ann: Record<string, string> = d.spec.template.metadata.annotations ?? {};
          const daprKeys = Object.keys(ann).filter((k) => k.startsWith('dapr.io/'));
          for (const k of daprKeys) expect(DAPR_118_ANNOTATIONS.has(k), `${k} is not a Dapr 1.18 annotation`).toBe(true);
          if (values.dapr.enabled) {
            expect(ann['dapr.io/enabled']).toBe('true');
            expect(ann['dapr.io/app-id']).toBe(APP_IDS[role]);
            expect(ann['dapr.io/app-port']).toBe(String(port));
            expect(ann['dapr.io/config']).toBe(byKind(objs, 'Configuration')[0]!.metadata.name);
            expect(ann['dapr.io/log-level']).toBe(values.dapr.logLevel);
            expect(ann['dapr.io/enable-metrics']).toBe(String(values.dapr.enableMetrics));
            expect(ann['dapr.io/sidecar-cpu-request']).toBe(String(values.dapr.sidecar.resources.requests.cpu));
            expect(ann['dapr.io/sidecar-cpu-limit']).toBe(String(values.dapr.sidecar.resources.limits.cpu));
            expect(ann['dapr.io/sidecar-memory-request']).toBe(String(values.dapr.sidecar.resources.requests.memory));
            expect(ann['dapr.io/sidecar-memory-limit']).toBe(String(values.dapr.sidecar.resources.limits.memory));
            if (values.dapr.appHealthCheck[values.dapr.pubsub.type]) {
              expect(ann['dapr.io/enable-app-health-check']).toBe('true');
              expect(ann['dapr.io/app-health-check-path']).toBe('/healthz');
            } else {
              expect(ann['dapr.io/enable-app-health-check']).toBeUndefined();
            }
            // The app gets the same tokens as its sidecar (Dapr reads key `token`).
            for (const [annKey, envName] of [
              ['dapr.io/api-token-secret', 'DAPR_API_TOKEN'],
              ['dapr.io/app-token-secret', 'APP_API_TOKEN'],
            ] as const) {
              const e = c.env.find((x: any) => x.name === envName);
              if (ann[annKey]) expect(e.valueFrom.secretKeyRef).toEqual({ name: ann[annKey], key: 'token' });
              else expect(e.value).toBe('');
            }
          } else {
            expect(daprKeys).toEqual([]);
          }
        }
      });

      it('renders the Dapr resources switched by values, scoped to the app-ids that use them', () => {
        const dapr = objs.filter(isDaprKind);
        if (!values.dapr.enabled) {
          expect(dapr).toEqual([]);
          return;
        }
        const components = byKind(objs, 'Component');
        // No `jobs.scheduled`: the Jobs API needs the Dapr scheduler, not a component.
        expect(components.filter((c) => c.spec.type.startsWith('jobs'))).toEqual([]);
        const meta = (c: K8sObject) => Object.fromEntries(c.spec.metadata.map((m: any) => [m.name, m]));
        const secretNames = Object.values(values.secrets)
          .map((s: any) => s.existingSecret)
          .filter(Boolean);
        for (const c of components) {
          expect(c.spec.version).toMatch(/^v\d$/);
          expect(c.scopes?.length, `${c.metadata.name} must be scoped`).toBeGreaterThan(0);
          for (const s of c.scopes) expect(appIds).toContain(s);
          for (const m of c.spec.metadata) {
            if (m.secretKeyRef) expect(secretNames, `${c.metadata.name}.${m.name}`).toContain(m.secretKeyRef.name);
            if (/password|username|connectionString/i.test(m.name))
              expect(m.secretKeyRef, `${c.metadata.name}.${m.name}`).toBeDefined();
          }
        }

        const pubsub = named(objs, 'Component', 'pubsub')!;
        expect(pubsub, 'pubsub component named like PUBSUB_NAME').toBeDefined();
        expect([...pubsub.scopes].sort()).toEqual([...appIds].sort());
        const pm = meta(pubsub);
        expect(pm.allowedTopics.value.split(',').sort()).toEqual(ALLOWED_TOPICS);
        expect(values.dapr.pubsub.topics).toEqual(CODE_TOPICS);
        if (values.dapr.pubsub.type === 'kafka') {
          expect(pubsub.spec.type).toBe('pubsub.kafka');
          expect(pm.consumerGroup.value, 'one consumer group per app-id').toBe('{appID}');
          expect(pm.brokers.value).toBe(values.dapr.pubsub.kafka.brokers);
          if (values.dapr.pubsub.kafka.authType === 'password') {
            expect(pm.saslUsername.secretKeyRef.name).toBe(values.secrets.kafka.existingSecret);
            expect(pm.saslPassword.secretKeyRef.name).toBe(values.secrets.kafka.existingSecret);
            expect(pm.saslMechanism.value).toMatch(/^SHA-(256|512)$/);
          }
          expect(pm.disableTls.value).toBe(String(!values.dapr.pubsub.kafka.tls));
        } else {
          expect(pubsub.spec.type).toBe('pubsub.redis');
          expect(pm.consumerID.value, 'one consumer group per app-id').toBe('{appID}');
          expect(pm.redisHost.value).toBe(values.dapr.pubsub.redis.host);
        }

        const store = named(objs, 'Component', 'statestore');
        if (values.roles.mailer.enabled) {
          expect(store!.spec.type).toBe('state.postgresql');
          expect(store!.spec.version).toBe('v2');
          expect(store!.scopes).toEqual([APP_IDS.mailer]);
          expect(meta(store!).connectionString.secretKeyRef).toEqual({
            name: values.secrets.database.existingSecret,
            key: values.secrets.database.key,
          });
        } else expect(store).toBeUndefined();

        const secrets = named(objs, 'Component', values.dapr.secretstore.name)!;
        expect(secrets.spec.type).toBe(
          values.dapr.secretstore.type === 'kubernetes' ? 'secretstores.kubernetes' : 'secretstores.local.file',
        );
        for (const c of components.filter((x) => x.spec.metadata.some((m: any) => m.secretKeyRef))) {
          expect(c.auth.secretStore).toBe(
            values.dapr.secretstore.type === 'kubernetes' ? 'kubernetes' : values.dapr.secretstore.name,
          );
        }

        const [configuration, ...more] = byKind(objs, 'Configuration');
        expect(more).toEqual([]);
        expect(configuration!.spec.tracing.samplingRate).toBe(values.dapr.tracing.samplingRate);
        if (values.dapr.tracing.otlp.endpoint) {
          expect(configuration!.spec.tracing.otel).toEqual({
            endpointAddress: values.dapr.tracing.otlp.endpoint,
            protocol: values.dapr.tracing.otlp.protocol,
            isSecure: values.dapr.tracing.otlp.isSecure,
          });
        }

        const resiliency = byKind(objs, 'Resiliency');
        if (values.dapr.resiliency.enabled) {
          expect(resiliency).toHaveLength(1);
          expect([...resiliency[0]!.scopes].sort()).toEqual([...appIds].sort());
          const targets = Object.keys(resiliency[0]!.spec.targets.components);
          expect(targets.sort()).toEqual(['pubsub', 'statestore']);
          for (const t of Object.values<any>(resiliency[0]!.spec.targets.components)) {
            for (const dir of Object.values<any>(t)) {
              if (dir.retry) expect(Object.keys(resiliency[0]!.spec.policies.retries)).toContain(dir.retry);
              if (dir.timeout) expect(Object.keys(resiliency[0]!.spec.policies.timeouts)).toContain(dir.timeout);
            }
          }
        } else expect(resiliency).toEqual([]);
      });

      it('prints NOTES.txt with every enabled role, its app-id and the Secrets to create', () => {
        const notes = renderNotes(files);
        expect(notes).not.toContain('<no value>');
        for (const role of enabledRoles) expect(notes).toContain(`${role} [${APP_IDS[role]}]: service ${FULLNAME}-${role}`);
        expect(notes).toContain(values.secrets.database.existingSecret);
        expect(notes).toContain(values.secrets.jwt.existingSecret);
        expect(notes).toContain(`helm test ${RELEASE}`);
      });

      it('has HPAs only for api/mcp, PDBs, ingress, the migration hook and the helm test as configured', () => {
        const hpas = byKind(objs, 'HorizontalPodAutoscaler');
        const wantHpa = (['api', 'mcp'] as const).filter((r) => values.roles[r].enabled && values.roles[r].autoscaling.enabled);
        expect(hpas.map((h) => h.metadata.name).sort()).toEqual(wantHpa.map((r) => `${FULLNAME}-${r}`).sort());
        for (const h of hpas) {
          expect(named(objs, 'Deployment', h.spec.scaleTargetRef.name)).toBeDefined();
          expect(named(objs, 'Deployment', h.spec.scaleTargetRef.name)!.spec.replicas, 'HPA owns replicas').toBeUndefined();
        }
        for (const role of enabledRoles) {
          const d = named(objs, 'Deployment', `${FULLNAME}-${role}`)!;
          if (!wantHpa.includes(role as 'api' | 'mcp')) expect(d.spec.replicas).toBe(values.roles[role].replicas);
          const pdb = named(objs, 'PodDisruptionBudget', `${FULLNAME}-${role}`);
          if (values.roles[role].pdb.enabled) expect(pdb!.spec.selector.matchLabels).toEqual(d.spec.selector.matchLabels);
          else expect(pdb).toBeUndefined();
        }

        const ingress = byKind(objs, 'Ingress');
        if (values.ingress.enabled) {
          const ing = ingress[0]!;
          if (values.ingress.tls.enabled)
            expect(ing.spec.tls).toEqual([{ hosts: [values.ingress.host], secretName: values.ingress.tls.secretName }]);
          for (const p of ing.spec.rules[0].http.paths) expect(named(objs, 'Service', p.backend.service.name)).toBeDefined();
        } else expect(ingress).toEqual([]);

        const job = byKind(objs, 'Job')[0];
        if (values.migrations.enabled) {
          expect(job!.metadata.annotations!['helm.sh/hook']).toBe('pre-install,pre-upgrade');
          const c = job!.spec.template.spec.containers[0];
          expect(c.args).toEqual(['migrate']);
          expect(c.env.find((e: any) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef.name).toBe(
            values.secrets.database.existingSecret,
          );
        } else expect(job).toBeUndefined();

        const testPod = byKind(objs, 'Pod')[0];
        if (values.tests.enabled && values.roles.api.enabled) {
          expect(testPod!.metadata.annotations!['helm.sh/hook']).toBe('test');
          const c = testPod!.spec.containers[0];
          expect(c.env).toContainEqual({ name: 'API_URL', value: `http://${FULLNAME}-api:${values.roles.api.service.port}` });
          const script = c.args.join('\n');
          for (const route of ['/api/auth/signup', '/api/tasks', '/readyz']) expect(script).toContain(route);
        } else expect(testPod).toBeUndefined();
      });
    });
  }

  it('values.yaml defines every key the templates use, and nothing unused', () => {
    const values = loadYaml(join(chartDir, 'values.yaml'));
    const leaves: string[] = [];
    const walk = (v: any, path: string) => {
      if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length) {
        for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
      } else leaves.push(path);
    };
    walk(values, '');
    // Templates reach values as `.Values.a.b` / `$.Values.a.b`, and role values as `$r.x`
    // inside `range` over roles (`$r := index $.Values.roles $name`).
    const refs = new Set<string>();
    const dir = join(chartDir, 'templates');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ya?ml|tpl|txt)$/.test(f));
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const m of text.matchAll(/\.Values((?:\.[A-Za-z0-9_]+)+)/g)) refs.add(m[1]!.slice(1));
      for (const m of text.matchAll(/\$r((?:\.[A-Za-z0-9_]+)+)/g)) for (const role of ROLES) refs.add(`roles.${role}${m[1]}`);
      // Local aliases: `$p := .Values.dapr.pubsub`, then `$p.kafka.x`.
      for (const a of text.matchAll(/\$([a-z]+) := \.Values((?:\.[A-Za-z0-9_]+)+)/g)) {
        for (const m of text.matchAll(new RegExp(`\\$${a[1]}((?:\\.[A-Za-z0-9_]+)+)`, 'g'))) refs.add(`${a[2]!.slice(1)}${m[1]}`);
      }
    }
    const has = (path: string) =>
      path.split('.').reduce<any>((o, k) => (o && typeof o === 'object' ? o[k] : undefined), values) !== undefined;
    const undefinedRefs = [...refs].filter((r) => !has(r) && !(r.startsWith('roles.') && r.includes('.autoscaling')));
    expect(undefinedRefs, 'referenced in templates but missing from values.yaml').toEqual([]);
    const unused = leaves.filter((leaf) => ![...refs].some((r) => leaf === r || leaf.startsWith(`${r}.`)));
    expect(unused, 'in values.yaml but used by no template').toEqual([]);
  });

  it('values.schema.json rejects typos, wrong app-ids and inconsistent settings', () => {
    const fails = (sets: string[], message: RegExp) => {
      const r = helm(['template', RELEASE, chartDir, '--namespace', NAMESPACE, ...sets.flatMap((s) => ['--set', s])]);
      expect(r.status, sets.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(message);
    };
    fails(['dapr.pubsub.typo=1'], /additional properties 'typo' not allowed/);
    fails(['roles.api.appId=api'], /value must be 'backend'/);
    fails(['secrets.database.existingSecret='], /database/);
    fails(['dapr.pubsub.type=rabbitmq'], /pubsub\/type/);
    fails(['useDapr=true', 'dapr.enabled=false'], /useDapr=true needs dapr.enabled=true/);
    fails(['secrets.kafka.existingSecret='], /needs secrets.kafka.existingSecret/);
    // No secret-looking value in any values file: only Secret *names* and keys.
    for (const f of ['values.yaml', ...readdirSync(join(chartDir, 'ci')).map((x) => `ci/${x}`)]) {
      const text = readFileSync(join(chartDir, f), 'utf8');
      const secretLines = text
        .split('\n')
        .filter((line) => /^\s*(password|passwd|apiKey|api_key|token|secret|.*Password)\s*:\s*\S/i.test(line.replace(/#.*/, '')))
        .filter((line) => !/:\s*(""|'')\s*$/.test(line));
      expect(secretLines, f).toEqual([]);
      const uncommented = text.replace(/#.*$/gm, '');
      expect(uncommented, f).not.toMatch(/:\/\/[^/\s:@]+:[^@\s]+@/); // no credentials in URLs
    }
  });

  it('NOTES.txt says what useDapr=true changes, and only when it is set', () => {
    expect(renderNotes([], ['useDapr=true'])).toMatch(
      /useDapr=true: events, jobs and delivery ledgers go through the Dapr sidecars/,
    );
    expect(renderNotes()).not.toContain('useDapr=true:');
  });

  it('disabling a role removes its objects and its app-id from every Dapr scope', () => {
    const objs = render([], ['roles.notifier.enabled=false', 'roles.mailer.enabled=false']);
    expect(named(objs, 'Deployment', `${FULLNAME}-notifier`)).toBeUndefined();
    expect(named(objs, 'Service', `${FULLNAME}-mailer`)).toBeUndefined();
    expect(named(objs, 'Component', 'statestore'), 'only the mailer uses the state store').toBeUndefined();
    for (const o of objs.filter((x) => x.scopes)) {
      expect(o.scopes).not.toContain(APP_IDS.notifier);
      expect(o.scopes).not.toContain(APP_IDS.mailer);
    }
  });
});
