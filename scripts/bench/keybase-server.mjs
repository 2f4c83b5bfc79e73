// A Keybase imitation for the cold-network benchmark: GET /_/api/1.0/user/lookup.json by
// usernames=a,b,… (answer in the order asked, null for unknown names) or key_fingerprint=
// (Keybase API: user/lookup.json), every answer after a fixed delay, counting requests, the usernames asked
// per request and the most requests in flight at once.
import { createServer } from 'node:http';

const LOOKUP = '/_/api/1.0/user/lookup.json';

export async function startKeybase(users, delayMs) {
  const byName = new Map(users.map((user) => [user.username.toLowerCase(), user]));
  const byFingerprint = new Map(users.map((user) => [user.fingerprint.toLowerCase(), user]));
  const stats = { requests: 0, inFlight: 0, maxInFlight: 0, namesPerRequest: [] };
  const object = (user) => ({
    id: user.fingerprint.slice(0, 32),
    basics: { username: user.username, username_cased: user.username },
    public_keys: { primary: { key_type: 1, key_fingerprint: user.fingerprint.toLowerCase(), bundle: user.armored }, pgp_public_keys: [user.armored] },
    proofs_summary: { all: [] },
  });

  const server = createServer((req, res) => {
    stats.requests++;
    stats.inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    res.on('close', () => stats.inFlight--);
    setTimeout(() => {
      const url = new URL(req.url, 'http://127.0.0.1');
      const reply = (status, body) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname !== LOOKUP) return reply(404, { status: { code: 404, name: 'NOT_FOUND' } });
      const usernames = url.searchParams.get('usernames');
      const fingerprint = url.searchParams.get('key_fingerprint');
      if (usernames !== null) {
        const names = usernames.split(',');
        stats.namesPerRequest.push(names.length);
        return reply(200, { status: { code: 0, name: 'OK' }, them: names.map((name) => (byName.has(name.toLowerCase()) ? object(byName.get(name.toLowerCase())) : null)) });
      }
      if (fingerprint !== null) {
        const user = byFingerprint.get(fingerprint.toLowerCase());
        return reply(200, { status: { code: 0, name: 'OK' }, them: user ? [object(user)] : [] });
      }
      reply(200, { status: { code: 100, name: 'INPUT_ERROR', desc: 'need usernames or key_fingerprint' } });
    }, delayMs);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    lookupURL: `http://127.0.0.1:${port}${LOOKUP}`,
    stats,
    reset() {
      Object.assign(stats, { requests: 0, inFlight: 0, maxInFlight: 0, namesPerRequest: [] });
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  };
}
