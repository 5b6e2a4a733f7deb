// cloudbuild.yaml: every step is identified, and everything it refers to in the repo exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parse } from 'yaml';
import { REPO_ROOT } from './scripts/build-deployable.js';
import { child, readTerraform, resource, str } from './terraform-config.js';

interface Step {
  id?: string;
  name: string;
  entrypoint?: string;
  args?: string[];
  waitFor?: string[];
}
interface CloudBuild {
  substitutions: Record<string, string>;
  steps: Step[];
}

const text = readFileSync(path.join(REPO_ROOT, 'cloudbuild.yaml'), 'utf8');
const build = parse(text) as CloudBuild;
const readJson = (rel: string) => JSON.parse(readFileSync(path.join(REPO_ROOT, rel), 'utf8')) as { scripts?: Record<string, string> };
const rootScripts = readJson('package.json').scripts ?? {};

/** The whole command line of a step, entrypoint included. */
const commandOf = (s: Step) => [s.entrypoint ?? '', ...(s.args ?? [])].join(' ');

/** Repo paths a step mentions (services/..., functions/..., infra/..., shared/...). */
function repoPaths(s: Step): string[] {
  return [...commandOf(s).matchAll(/(?:^|[\s=])((?:services|functions|infra|shared)\/[\w./-]+)/g)].map((m) => m[1] ?? '');
}

describe('cloudbuild.yaml', () => {
  test('every step has a unique id, and waitFor only names earlier steps', () => {
    const seen = new Set<string>();
    for (const step of build.steps) {
      expect(step.id, JSON.stringify(step).slice(0, 80)).toMatch(/^[a-z][a-z0-9-]+$/);
      for (const dep of step.waitFor ?? []) expect(seen, `${step.id} waits for ${dep}`).toContain(dep);
      seen.add(step.id ?? '');
    }
  });

  test('substitutions name region, project and repository; no project is hard-coded', () => {
    expect(Object.keys(build.substitutions)).toEqual(expect.arrayContaining(['_REGION', '_PROJECT_ID', '_REPO']));
    expect(build.substitutions['_PROJECT_ID']).toBe('${PROJECT_ID}');
    for (const step of build.steps) {
      for (const m of commandOf(step).matchAll(/--project[= ](\S+)/g)) expect(m[1]).toBe('${_PROJECT_ID}');
      expect(commandOf(step)).not.toMatch(/@(?!\$\{_PROJECT_ID\})[a-z][a-z0-9-]+\.iam\.gserviceaccount\.com/);
    }
  });

  test('every npm script it runs exists', () => {
    const npmSteps = build.steps.filter((s) => s.entrypoint === 'npm');
    expect(npmSteps.map((s) => s.args?.[0])).toEqual(expect.arrayContaining(['ci', 'run']));
    for (const step of build.steps) {
      for (const m of commandOf(step).matchAll(/\bnpm (?:run )?(test|[\w:-]+)(?=\s|$)/g)) {
        const script = m[1] ?? '';
        if (['ci', 'run'].includes(script)) continue;
        expect(rootScripts, `${step.id}: npm ${script}`).toHaveProperty(script);
      }
      if (step.entrypoint === 'npm' && step.args?.[0] === 'run') expect(rootScripts).toHaveProperty(step.args[1] ?? '');
    }
  });

  test('the test step installs Java 21+ (what the current emulators need) and both emulators before npm test', () => {
    const script = commandOf(build.steps.find((s) => s.id === 'test') ?? { name: '' });
    // Google Cloud CLI 523.0.0 (2025-05-20) dropped Java < 21 for the Firestore emulator; the
    // comment at the top of cloudbuild.yaml cites it.
    const java = Number(/openjdk-(\d+)-jre-headless/.exec(script)?.[1]);
    expect(java).toBeGreaterThanOrEqual(21);
    expect(text).toContain('523.0.0');
    // The step's image must carry that package: Debian bookworm stops at openjdk-17, trixie has 21.
    expect(build.steps.find((s) => s.id === 'test')?.name).toBe('${_NODE_IMAGE}');
    expect(build.substitutions['_NODE_IMAGE']).toMatch(/^node:\d+\.\d+-trixie$/);
    expect(script).toMatch(/google-cloud-cli-firestore-emulator/);
    expect(script).toMatch(/google-cloud-cli-pubsub-emulator/);
    expect(script.trim().endsWith('npm test')).toBe(true);
  });

  test('every repo path it mentions exists, or is a deploy/ directory the build step writes', () => {
    const mentioned = build.steps.flatMap(repoPaths);
    expect(mentioned).toEqual(expect.arrayContaining(['services/Dockerfile', 'functions/deploy']));
    for (const rel of mentioned) {
      if (rel.endsWith('/deploy')) {
        const workspace = rel.slice(0, -'/deploy'.length);
        expect(readJson(`${workspace}/package.json`).scripts?.['build'], `${workspace} has no build script`).toMatch(/build-deployable/);
        continue;
      }
      expect(existsSync(path.join(REPO_ROOT, rel)), rel).toBe(true);
    }
  });

  test('npx runs an installed tool or fetches an exact version, and firebase deploys the files firebase.json names', () => {
    for (const step of build.steps.filter((s) => s.entrypoint === 'npx')) {
      const [first = '', second = ''] = step.args ?? [];
      // A fetched tool is pinned, so a deploy does not change with the day it runs.
      if (first === '--yes') expect(second, step.id).toMatch(/^(@[\w-]+\/)?[\w-]+@\d+\.\d+\.\d+$/);
      else expect(existsSync(path.join(REPO_ROOT, 'node_modules/.bin', first)), first).toBe(true);
    }
    const firebase = JSON.parse(readFileSync(path.join(REPO_ROOT, 'firebase.json'), 'utf8')) as {
      firestore: { rules: string; indexes: string };
    };
    expect(existsSync(path.join(REPO_ROOT, firebase.firestore.rules))).toBe(true);
    expect(existsSync(path.join(REPO_ROOT, firebase.firestore.indexes))).toBe(true);
    const deploy = build.steps.find((s) => s.id === 'deploy-firestore');
    expect(commandOf(deploy ?? { name: '' })).toMatch(
      /firebase-tools@[\d.]+ deploy --only firestore:rules,firestore:indexes --project \$\{_PROJECT_ID\}/,
    );
  });

  test('functions deploy gen2 on nodejs24 with the entry points the functions source registers', () => {
    const index =
      readFileSync(path.join(REPO_ROOT, 'functions/src/index.ts'), 'utf8') +
      readFileSync(path.join(REPO_ROOT, 'functions/src/report-usage/register.ts'), 'utf8');
    for (const [id, entry] of [
      ['deploy-apply-stripe-event', 'applyStripeEvent'],
      ['deploy-report-usage', 'reportUsage'],
    ] as const) {
      const cmd = commandOf(build.steps.find((s) => s.id === id) ?? { name: '' });
      expect(cmd).toContain('--gen2');
      expect(cmd).toContain('--runtime=nodejs24');
      expect(cmd).toContain(`--entry-point=${entry}`);
      expect(cmd).toContain('--source=functions/deploy');
      expect(index).toContain(entry);
    }
  });

  test('function deploys repeat the Terraform-owned flags exactly: identity, trigger, retry, ingress', async () => {
    const tf = await readTerraform();
    const serviceAccounts: Record<string, string> = {
      applier: 'billing-applier',
      usage_reporter: 'billing-usage-reporter',
      eventarc_invoker: 'billing-eventarc-invoker',
      functions_builder: 'billing-functions-builder',
    };
    expect(tf.locals['service_accounts']).toMatchObject(
      Object.fromEntries(Object.entries(serviceAccounts).map(([key, id]) => [key, expect.objectContaining({ id })])),
    );
    const saOf = (ref: string | undefined) => serviceAccounts[/sa\["([a-z_]+)"\]/.exec(ref ?? '')?.[1] ?? ''];
    const ingressFlag: Record<string, string> = {
      ALLOW_ALL: 'all',
      ALLOW_INTERNAL_ONLY: 'internal-only',
      ALLOW_INTERNAL_AND_GCLB: 'internal-and-gclb',
    };
    for (const [id, name] of [
      ['deploy-apply-stripe-event', 'apply_stripe_event'],
      ['deploy-report-usage', 'report_usage'],
    ] as const) {
      const f = resource(tf, 'google_cloudfunctions2_function', name);
      const args = build.steps.find((s) => s.id === id)?.args ?? [];
      expect(args[2], id).toBe(str(f, 'name'));
      const config = child(f, 'service_config');
      expect(args, id).toContain(`--service-account=${saOf(str(config, 'service_account_email'))}@\${_PROJECT_ID}.iam.gserviceaccount.com`);
      expect(args, id).toContain(`--ingress-settings=${ingressFlag[str(config, 'ingress_settings') ?? ''] ?? '?'}`);
      // The build identity and the image repository (function.tf locals), as full resource names.
      expect(str(child(f, 'build_config'), 'service_account')).toBe('${local.functions_build_service_account}');
      expect(args, id).toContain(
        `--build-service-account=projects/\${_PROJECT_ID}/serviceAccounts/${saOf(str(tf.locals, 'functions_build_service_account'))}@\${_PROJECT_ID}.iam.gserviceaccount.com`,
      );
      const repository = str(resource(tf, 'google_artifact_registry_repository', 'function_images'), 'repository_id');
      expect(str(tf.locals, 'functions_docker_repository')).toBe('${google_artifact_registry_repository.function_images.id}');
      expect(args, id).toContain(`--docker-repository=projects/\${_PROJECT_ID}/locations/\${_REGION}/repositories/${repository}`);
      const trigger = child(f, 'event_trigger');
      if (!trigger) {
        expect(args, id).toContain('--trigger-http');
        expect(args, id).toContain('--no-allow-unauthenticated');
        continue;
      }
      const topic = /^\$\{google_pubsub_topic\.([a-z_]+)\.id\}$/.exec(str(trigger, 'pubsub_topic') ?? '')?.[1] ?? '';
      expect(args, id).toContain(`--trigger-topic=${str(resource(tf, 'google_pubsub_topic', topic), 'name')}`);
      expect(args, id).toContain(
        `--trigger-service-account=${saOf(str(trigger, 'service_account_email'))}@\${_PROJECT_ID}.iam.gserviceaccount.com`,
      );
      // gcloud: --retry on the command line <=> RETRY_POLICY_RETRY in Terraform; a redeploy without it turns retries off.
      expect(args.includes('--retry'), id).toBe(str(trigger, 'retry_policy') === 'RETRY_POLICY_RETRY');
    }
  });

  test.each(['webhook', 'app'])('%s is deployed by the digest its push step recorded, never by tag', (svc) => {
    const push = build.steps.find((s) => s.id === `push-${svc}`);
    const deploy = build.steps.find((s) => s.id === `deploy-${svc}`);
    const image = `\${_REPO}/${svc}`;
    const file = `/workspace/${svc}.image`;
    const pushScript = commandOf(push ?? { name: '' });
    expect(pushScript).toContain(`docker push '${image}:\${_TAG}'`);
    // The registry's digest for what was just pushed, refused unless it is a full sha256 digest.
    expect(pushScript).toContain(`docker inspect --format='{{range .RepoDigests}}{{println .}}{{end}}' '${image}:\${_TAG}'`);
    expect(pushScript).toContain(`grep -m1 -E '^${image}@sha256:[0-9a-f]{64}$$' > ${file}`);
    expect(push?.args?.slice(0, 3)).toEqual(['-euo', 'pipefail', '-c']);
    expect(deploy?.waitFor).toContain(`push-${svc}`);
    const deployScript = commandOf(deploy ?? { name: '' });
    // $$ is Cloud Build's escape for a literal $: the shell reads the file and deploys what is in it.
    expect(deployScript).toContain(`image="$$(cat ${file})"`);
    expect(deployScript).toContain(`gcloud run deploy ${svc} --image="$$image"`);
    expect(deploy?.args?.slice(0, 3)).toEqual(['-euo', 'pipefail', '-c']);
    for (const step of build.steps.filter((s) => s.id?.startsWith('deploy-')))
      expect(commandOf(step), step.id).not.toMatch(/--image=\S*:\$\{_TAG\}/);
  });

  test('reportUsage is deployed on the usage-report-tick topic the source names', () => {
    const register = readFileSync(path.join(REPO_ROOT, 'functions/src/report-usage/register.ts'), 'utf8');
    const topic = /USAGE_REPORT_TICK_TOPIC = '([^']+)'/.exec(register)?.[1];
    expect(topic).toBe('usage-report-tick');
    expect(build.steps.find((s) => s.id === 'deploy-report-usage')?.args).toContain(`--trigger-topic=${topic}`);
  });
});

describe('services/Dockerfile', () => {
  const nodeVersion = JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/node/package.json'), 'utf8')) as { version: string };
  const [major, minor] = nodeVersion.version.split('.');
  const dockerfile = readFileSync(path.join(REPO_ROOT, 'services/Dockerfile'), 'utf8');

  test('multi-stage, pinned Node, npm ci --omit=dev on the deploy dir only, non-root, CMD node server.js', () => {
    expect(dockerfile).toContain(`ARG NODE_IMAGE=node:${major}.${minor}-slim`);
    expect(dockerfile.match(/^FROM /gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/RUN npm ci --omit=dev/);
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => (m[1] ?? '').split(' '));
    expect(sources.length).toBeGreaterThan(0);
    for (const src of sources) expect(src.startsWith('services/${SERVICE}/deploy/'), src).toBe(true);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^CMD \["node", "server\.js"\]$/m);
  });

  test('SERVICE is declared in both stages and refused when missing', () => {
    expect(dockerfile.match(/^ARG SERVICE$/gm)).toHaveLength(2);
    expect(dockerfile).toMatch(/RUN test -n "\$\{SERVICE\}" \|\|/);
  });

  test.each(['webhook', 'app'])('cloudbuild builds %s from it with SERVICE=%s, and the service has a deployable', (svc) => {
    const step = build.steps.find((s) => s.id === `image-${svc}`);
    expect(step?.args).toEqual(expect.arrayContaining(['-f', 'services/Dockerfile', '--build-arg', `SERVICE=${svc}`]));
    expect(readJson(`services/${svc}/package.json`).scripts?.['build']).toMatch(/build-deployable/);
  });

  test('services/ holds exactly the deployed services: each directory there is an image cloudbuild builds', () => {
    const dirs = readdirSync(path.join(REPO_ROOT, 'services'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    const images = build.steps.map((s) => /^image-(.+)$/.exec(s.id ?? '')?.[1]).filter((svc) => svc !== undefined);
    expect(dirs.sort()).toEqual(images.sort());
  });

  test('.dockerignore sends only the deploy directories', () => {
    const lines = readFileSync(path.join(REPO_ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(lines[0]).toBe('*');
    for (const l of lines.slice(1)) expect(l).toMatch(/^!?services\/[\w*]+\/deploy\//);
  });
});
