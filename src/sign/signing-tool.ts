import { childProcess } from '../core/built-ins.js';
import { PledgeError } from '../core/reasons.js';

/**
 * The signer's own OpenPGP tool makes the signature: pledge hands it the text and a key name
 * (gpg --local-user) or a key file path (sq), and never reads secret key material itself.
 */
export type SigningTool = { tool: 'gpg'; program: string; key?: string } | { tool: 'sq'; program: string; signerFile: string };

export interface ToolRun {
  env: NodeJS.ProcessEnv;
  /** No terminal to ask a passphrase on: gpg runs with --batch so it fails instead of hanging. */
  interactive: boolean;
}

function execute(program: string, args: string[], input: string | null, run: ToolRun): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = childProcess().spawn(program, args, { env: run.env, stdio: [input === null ? 'ignore' : 'pipe', 'pipe', run.interactive ? 'inherit' : 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => reject(new PledgeError('usage', error.code === 'ENOENT' ? `${program} is not installed (or not on PATH)` : `${program}: ${error.message}`)));
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new PledgeError('usage', `${program} ${args[0]} failed (exit ${code})${stderr.trim() ? `:\n${stderr.trim()}` : ''}`))));
    if (input !== null) {
      // A tool that exits before reading all of it is reported by its exit code, not as EPIPE.
      child.stdin!.on('error', () => undefined);
      child.stdin!.end(input);
    }
  });
}

/** sq renamed its flags (0.27: --cleartext-signature, --signer-key; later: --cleartext, --signer-file): ask its help which it has. */
async function sqFlags(program: string, run: ToolRun): Promise<{ cleartext: string; signer: string }> {
  const help = await execute(program, ['sign', '--help'], null, { ...run, interactive: false }).catch(() => '');
  return {
    cleartext: /--cleartext-signature\b/.test(help) ? '--cleartext-signature' : '--cleartext',
    signer: /--signer-file\b/.test(help) ? '--signer-file' : '--signer-key',
  };
}

/**
 * Why gpg could not sign, when it is that it holds no secret key (for `--key`): asked of its
 * machine-readable listing (`--with-colons`, a `sec` record per secret key), not read from its
 * messages. Null when it does hold one, or cannot even list: its own error then stands.
 */
async function missingSecretKey(signer: Extract<SigningTool, { tool: 'gpg' }>, run: ToolRun): Promise<PledgeError | null> {
  const listing = await execute(signer.program, ['--list-secret-keys', '--with-colons', '--batch', ...(signer.key ? [signer.key] : [])], null, { ...run, interactive: false }).catch(() => null);
  // Listing a key gpg does not hold fails; listing all of them fails only if gpg itself does.
  if (listing === null ? !signer.key : /^sec:/m.test(listing)) return null;
  const home = run.env.GNUPGHOME ? ` (GNUPGHOME ${run.env.GNUPGHOME})` : '';
  return signer.key
    ? new PledgeError('usage', `gpg has no secret key for --key ${signer.key}${home}: name one that \`gpg --list-secret-keys\` lists`)
    : new PledgeError('usage', `gpg has no secret key to sign with${home}: make one (gpg --quick-generate-key "Your Name <you@example.org>"), or name one with --key`);
}

/** A cleartext signature over `text`, as the tool armors it. */
export async function clearsignWith(signer: SigningTool, text: string, run: ToolRun): Promise<string> {
  const input = text.endsWith('\n') ? text : `${text}\n`;
  if (signer.tool === 'gpg') {
    const args = ['--clearsign', '--armor', '--output', '-', ...(run.interactive ? [] : ['--batch']), ...(signer.key ? ['--local-user', signer.key] : [])];
    return execute(signer.program, args, input, run).catch(async (error: unknown) => {
      throw (await missingSecretKey(signer, run)) ?? error;
    });
  }
  const flags = await sqFlags(signer.program, run);
  return execute(signer.program, ['sign', flags.cleartext, flags.signer, signer.signerFile], input, run);
}

/** The signer's public certificate, exported by the tool (public parts only), to verify offline. */
export async function exportPublicKey(signer: SigningTool, run: ToolRun): Promise<string> {
  if (signer.tool === 'gpg') return execute(signer.program, ['--export', '--armor', ...(run.interactive ? [] : ['--batch']), ...(signer.key ? [signer.key] : [])], null, { ...run, interactive: false });
  return execute(signer.program, ['key', 'extract-cert', signer.signerFile], null, { ...run, interactive: false });
}
