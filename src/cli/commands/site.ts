import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PledgeError } from '../../core/reasons.js';
import { writeFileAtomic } from '../../core/atomic-file.js';
import { findConfig, loadConfig, type StatementRule } from '../../repo/load-config.js';
import type { Manifest } from '../../report/manifest.js';
import { renderSite } from '../../report/render-site.js';
import type { CommandContext } from '../context.js';
import type { SiteCommandOptions } from '../program.js';

/** The statement to show: a template's `{name}` stays a placeholder; of several texts, the first. */
function statementOf(rule: StatementRule | undefined): string | undefined {
  if (rule === undefined) return undefined;
  if (typeof rule === 'string') return rule;
  return Array.isArray(rule) ? rule[0] : rule.template;
}

function readManifest(file: string, shown: string): Manifest {
  let parsed: Partial<Manifest>;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<Manifest>;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new PledgeError('usage', `--manifest ${shown}: ${missing ? 'no such file (write it with pledge manifest)' : 'not a readable JSON file'}`);
  }
  if (parsed.manifestVersion !== 1 || !Array.isArray(parsed.signers) || !Array.isArray(parsed.documents) || !parsed.summary) {
    throw new PledgeError('usage', `--manifest ${shown}: not a pledge manifest (version 1)`);
  }
  return parsed as Manifest;
}

/** `pledge site`: the signers page of a manifest, written as OUTPUT/index.html (or OUTPUT when it ends in .html). */
export async function siteCommand(options: SiteCommandOptions, context: CommandContext): Promise<void> {
  const cwd = context.streams.cwd;
  const manifest = readManifest(resolve(cwd, options.manifest), options.manifest);
  const configFile = options.config === false ? null : typeof options.config === 'string' ? resolve(cwd, options.config) : findConfig(cwd);
  const statement = options.statement ?? (configFile ? statementOf(loadConfig(configFile).config.statement) : undefined);
  const html = renderSite(manifest, {
    ...(options.title ? { title: options.title } : {}),
    ...(statement ? { statement } : {}),
    ...(options.repositoryUrl ? { repositoryUrl: options.repositoryUrl } : {}),
  });
  const target = resolve(cwd, options.output);
  const file = /\.html?$/i.test(target) ? target : join(target, 'index.html');
  await mkdir(dirname(file), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new PledgeError('usage', `-o ${options.output}: cannot create the folder (${error.code ?? error.message})`);
  });
  await writeFileAtomic(file, html);
  context.streams.stderr.write(`pledge: wrote ${file} (${manifest.signers.length} verified signer${manifest.signers.length === 1 ? '' : 's'})\n`);
}
