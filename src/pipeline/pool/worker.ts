import { parentPort, workerData } from 'node:worker_threads';
import { createPolicy } from '../../verify/policy.js';
import { Verifier } from '../../verify/verifier.js';
import type { ManifestSignature } from '../../report/manifest.js';
import { createDiscovery } from '../create-discovery.js';
import type { SignatureJudge } from '../describe-document.js';
import { DetachedPairing } from '../detached-documents.js';
import { judgeWith } from '../judge-signature.js';
import { loadKeyring } from '../keyring-loader.js';
import type { WorkerReply, WorkerRequest, WorkerSetup } from './protocol.js';

/** Thrown inside a worker when a signature's key is not local: the main thread, which owns discovery, takes the document. */
const NEEDS_MAIN = Symbol('needs the main thread');

/** Loads the keyring, then answers requests; top-level code, not top-level await, so that the bundle can be CommonJS (scripts/bundle.mjs). */
async function start(): Promise<void> {
  const setup = workerData as WorkerSetup;
  const keyring = await loadKeyring(setup.keyrings, setup.keyLimits);
  const policy = createPolicy(new Date(setup.now), setup.fastPath);
  const offlineDiscovery = setup.offline
    ? {
        offline: true,
        cacheDirectory: setup.cacheDirectory,
        sources: { order: [], keyservers: [] },
        allowedHosts: [],
        userAgent: 'pledge-worker',
        keyLimits: setup.keyLimits,
      }
    : undefined;
  const { discovery } = await createDiscovery(keyring, offlineDiscovery, policy.now);
  const judge = judgeWith(discovery, new Verifier(policy));
  const localJudge: SignatureJudge<ManifestSignature> = (signedText, signature, fromText, document) => {
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- a sentinel the handler below compares by identity, never shown
    if (!setup.offline && keyring.candidatesFor(signature).length === 0) throw NEEDS_MAIN;
    return judge(signedText, signature, fromText, document);
  };

  const pairing = new DetachedPairing();

  // eslint-disable-next-line @typescript-eslint/no-misused-promises -- the handler catches every error and replies; nothing awaits it
  parentPort!.on('message', async ({ id, path, walked }: WorkerRequest) => {
    let reply: WorkerReply;
    try {
      reply = { id, document: await pairing.describe(path, path, setup.limits, localJudge, undefined, walked) };
    } catch (error) {
      reply = error === NEEDS_MAIN ? { id, needsMain: true } : { id, error: String((error as Error)?.message ?? error) };
    }
    parentPort!.postMessage(reply);
  });
}

void start();
