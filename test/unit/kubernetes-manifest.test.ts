/**
 * deploy/kubernetes.yaml (`--deploy docker`) parses, validates against the Kubernetes API schemas
 * (kubernetes-models: the Kubernetes OpenAPI definitions compiled to JSON-schema validators), and agrees with
 * the server and the image: probe paths, ports, the shutdown budget, non-root, configuration source.
 */
import { fileURLToPath } from 'node:url';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Framework, Plan } from '../../src/core/types.js';
import { loadTemplates, planProject, type TemplateSource } from '../../src/plan/index.js';
import { projectConfig } from '../support/project-config.js';

const templatesDir = fileURLToPath(new URL('../../templates/', import.meta.url));
let templates: TemplateSource;
beforeAll(async () => {
  templates = await loadTemplates(templatesDir);
});

const MODELS = { ConfigMap, Deployment, Service } as const;

/** A parsed manifest object, typed only where the assertions read it (the schemas validate the rest). */
interface ManifestNode {
  kind: string;
  apiVersion: string;
  metadata: ManifestNode;
  spec: ManifestNode;
  template: ManifestNode;
  selector: ManifestNode;
  matchLabels: ManifestNode;
  labels: ManifestNode;
  containers: ManifestNodes;
  ports: ManifestNodes;
  env: ManifestNodes;
  envFrom: ManifestNodes;
  name: string;
  value: string;
  path: string;
  port: string;
  targetPort: string;
  containerPort: number | string;
  livenessProbe: ManifestNode;
  readinessProbe: ManifestNode;
  startupProbe: ManifestNode;
  httpGet: ManifestNode;
  lifecycle: ManifestNode;
  preStop: ManifestNode;
  exec: ManifestNode;
  command: [string, string];
  data: Record<string, string>;
  terminationGracePeriodSeconds: number;
  securityContext: ManifestNode;
  resources: ManifestNode;
  requests: ManifestNode;
  limits: ManifestNode;
  memory: string;
}
type ManifestNodes = [ManifestNode, ...ManifestNode[]];

function fileOf(plan: Plan, path: string): string {
  const file = plan.files.find((candidate) => candidate.path === path);
  if (!file) throw new Error(`${path} is not in the plan`);
  return file.contents;
}

/** A string constant as the generated TypeScript declares it, e.g. `export const LIVENESS_PATH = '/healthz';`. */
function constantOf(source: string, name: string): string {
  const match = new RegExp(`export const ${name} = '([^']*)'`).exec(source);
  if (!match) throw new Error(`${name} is not declared`);
  return match[1]!;
}

describe.each<Framework>(['express', 'hono'])('the %s manifest', (framework) => {
  let plan: Plan;
  let objects: ManifestNode[];
  beforeAll(() => {
    plan = planProject(
      projectConfig({
        framework,
        deploy: 'docker',
        baseUrl: 'https://mcp.example.com',
        scalekitEnvUrl: 'https://acme.scalekit.com',
        resourceId: 'res_42',
      }),
      templates,
    );
    const documents = parseAllDocuments(fileOf(plan, 'deploy/kubernetes.yaml'));
    for (const document of documents) expect(document.errors).toEqual([]);
    objects = documents.map((document) => document.toJS() as ManifestNode);
  });

  const ofKind = (kind: string) => objects.find((object) => object.kind === kind)!;

  it('holds a ConfigMap, a Deployment and a Service, each valid against the Kubernetes API schema', () => {
    expect(objects.map((object) => `${object.apiVersion} ${object.kind}`)).toEqual([
      'v1 ConfigMap',
      'apps/v1 Deployment',
      'v1 Service',
    ]);
    for (const object of objects) {
      const Model = MODELS[object.kind as keyof typeof MODELS];
      expect(() => new Model(object as never).validate(), object.kind).not.toThrow();
    }
  });

  it('is refused by the same schemas when a field has the wrong type (the validation is real)', () => {
    const deployment = structuredClone(ofKind('Deployment'));
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'three thousand';
    expect(() => new Deployment(deployment as never).validate()).toThrow(/containerPort/);
  });

  it('probes the paths the server answers before its guards, on the port it listens on', () => {
    const container = ofKind('Deployment').spec.template.spec.containers[0];
    const health = fileOf(plan, 'src/health.ts');
    expect(container.livenessProbe.httpGet.path).toBe(constantOf(health, 'LIVENESS_PATH'));
    expect(container.readinessProbe.httpGet.path).toBe(constantOf(health, 'READINESS_PATH'));
    expect(container.startupProbe.httpGet.path).toBe(constantOf(health, 'LIVENESS_PATH'));
    const named = Object.fromEntries(container.ports.map((port: ManifestNode) => [port.name, port.containerPort]));
    for (const probe of [container.livenessProbe, container.readinessProbe, container.startupProbe]) {
      expect(named[probe.httpGet.port]).toBe(3000);
    }
    const listensOn = container.env.find((variable: ManifestNode) => variable.name === 'PORT')!.value;
    expect(Number(listensOn)).toBe(3000);
    expect(fileOf(plan, 'Dockerfile')).toMatch(/^ENV HOST=0\.0\.0\.0 PORT=3000$/m);
    const service = ofKind('Service');
    expect(named[service.spec.ports[0].targetPort]).toBe(3000);
    expect(service.spec.selector).toEqual(ofKind('Deployment').spec.template.metadata.labels);
    expect(ofKind('Deployment').spec.selector.matchLabels).toEqual(ofKind('Deployment').spec.template.metadata.labels);
  });

  it('gives in-flight calls time to finish: grace period above the preStop pause plus SHUTDOWN_TIMEOUT_SECONDS', () => {
    const pod = ofKind('Deployment').spec.template.spec;
    const preStop = pod.containers[0].lifecycle.preStop.exec.command;
    expect(preStop[0]).toBe('sleep');
    const shutdown = Number(ofKind('ConfigMap').data.SHUTDOWN_TIMEOUT_SECONDS);
    expect(shutdown).toBe(10);
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(Number(preStop[1]) + shutdown);
  });

  it('runs non-root without privileges, with resources, configured from a ConfigMap and a Secret', () => {
    const pod = ofKind('Deployment').spec.template.spec;
    const container = pod.containers[0];
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
    expect(container.resources.requests).toMatchObject({ cpu: expect.any(String), memory: expect.any(String) });
    expect(container.resources.limits.memory).toEqual(expect.any(String));
    expect(container.envFrom).toEqual([
      { configMapRef: { name: ofKind('ConfigMap').metadata.name } },
      { secretRef: { name: expect.any(String), optional: true } },
    ]);
    expect(ofKind('ConfigMap').data).toMatchObject({
      MCP_SERVER_URL: 'https://mcp.example.com/mcp',
      SCALEKIT_ENVIRONMENT_URL: 'https://acme.scalekit.com',
      SCALEKIT_RESOURCE_ID: 'res_42',
    });
  });
});
