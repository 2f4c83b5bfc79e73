import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, runCli } from '../helpers/run-cli.js';

// Issue 17 #2: the workflow `pledge init` writes (and the example repository ships) uses real
// action references pinned by commit, installs nothing, keeps the key cache, and checks the
// committed manifest on the main branch as the README's guide promises.
interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string | number>;
}
interface Job {
  if?: string;
  steps: Step[];
}
const dir = mkdtempSync(join(tmpdir(), 'pledge-init-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let text = '';
let workflow: { on: Record<string, unknown>; permissions: Record<string, string>; jobs: Record<string, Job> };
beforeAll(async () => {
  expect((await runCli(['init'], {}, dir)).code).toBe(0);
  text = readFileSync(join(dir, '.github/workflows/pledge.yml'), 'utf8');
  workflow = parse(text);
});
const action = parse(readFileSync(join(REPO, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };
const pledgeSteps = () => Object.values(workflow.jobs).flatMap((job) => job.steps.filter((step) => step.uses?.startsWith('pledge-verify/pledge@')));

describe('the workflow pledge init writes (issue 17 #2)', () => {
  it('pins every action by a 40-hex commit, with its release tag in a comment', () => {
    const uses = text.split('\n').filter((line) => /^\s*- uses: /.test(line));
    expect(uses.length).toBeGreaterThanOrEqual(6);
    for (const line of uses) expect(line).toMatch(/^\s*- uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    expect(new Set(uses.map((line) => line.replace(/^.*uses: ([^@]+)@.*$/, '$1')))).toEqual(new Set(['actions/checkout', 'actions/cache', 'pledge-verify/pledge']));
  });

  it('runs nothing but actions: no install step, no shell', () => {
    expect(Object.values(workflow.jobs).flatMap((job) => job.steps.filter((step) => step.run !== undefined))).toEqual([]);
  });

  it('verifies pull requests with --changed-since, and on main checks signers.json', () => {
    expect(workflow.on).toEqual({ pull_request: null, push: { branches: ['main'] } });
    expect(workflow.permissions).toEqual({ contents: 'read' });
    const [pr, main] = [workflow.jobs.verify!, workflow.jobs.manifest!];
    expect(pr.if).toBe("github.event_name == 'pull_request'");
    expect(main.if).toBe("github.event_name == 'push'");
    expect(pr.steps.at(-1)!.with).toMatchObject({ 'changed-since': 'origin/${{ github.base_ref }}' });
    expect(main.steps.at(-1)!.with).toMatchObject({ 'check-manifest': 'signers.json' });
    expect(main.steps.at(-1)!.with).not.toHaveProperty('changed-since');
  });

  it("keeps the key cache with actions/cache, at the path it gives the action's cache-dir", () => {
    for (const job of Object.values(workflow.jobs)) {
      const cache = job.steps.find((step) => step.uses?.startsWith('actions/cache@'))!;
      const pledge = job.steps.find((step) => step.uses?.startsWith('pledge-verify/pledge@'))!;
      expect(job.steps.indexOf(cache)).toBeLessThan(job.steps.indexOf(pledge));
      expect(cache.with).toMatchObject({ path: pledge.with!['cache-dir'], 'restore-keys': 'pledge-keys-' });
    }
  });

  it("gives the action only inputs action.yml declares", () => {
    const given = pledgeSteps().flatMap((step) => Object.keys(step.with ?? {}));
    expect(given.filter((name) => !(name in action.inputs))).toEqual([]);
  });

  it('writes Dependabot for the pinned actions', () => {
    expect(parse(readFileSync(join(dir, '.github/dependabot.yml'), 'utf8'))).toEqual({ version: 2, updates: [{ 'package-ecosystem': 'github-actions', directory: '/', schedule: { interval: 'weekly' } }] });
  });

  it('is the workflow and Dependabot file examples/signers-repo ships', () => {
    for (const path of ['.github/workflows/pledge.yml', '.github/dependabot.yml']) expect(readFileSync(join(REPO, 'examples/signers-repo', path), 'utf8')).toBe(readFileSync(join(dir, path), 'utf8'));
  });

  it('tells signers to run the published package, pledge-verify', () => {
    expect(readFileSync(join(dir, '_signatures/README.md'), 'utf8')).toContain('    npx pledge-verify sign --name');
  });
});
