import { inspectDocuments } from '../../pipeline/run.js';
import { renderInspect } from '../../report/render-human.js';
import { colourFor, type CommandContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import type { InspectCommandOptions } from '../program.js';

/** `pledge inspect`: what each block claims; no verification, no network. */
export async function inspectCommand(paths: string[], options: InspectCommandOptions, context: CommandContext): Promise<void> {
  const documents = await inspectDocuments(paths, {}, context.signal ? { signal: context.signal } : {});
  const { stdout, env } = context.streams;
  stdout.write(options.json ? JSON.stringify({ documents }, null, 2) + '\n' : renderInspect(documents, colourFor(stdout, env, context.colour)));
  context.setExit(documents.some((document) => document.status === 'unreadable') ? ExitCode.usage : ExitCode.ok);
}
